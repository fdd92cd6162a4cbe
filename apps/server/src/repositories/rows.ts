import { toDate, type ConversationRow, type MediaRow, type MessageRow, type ParticipantRow } from "@parley/db";

// Column lists of the raw statements, named as drizzle names them, and the mapping of what the
// drivers return (timestamps as text or Dates, int8 as text) onto the rows drizzle would give.

export const MESSAGE_COLUMNS = `m.id, m.conversation_id as "conversationId", m.index, m.author, m.body, m.attributes, m.type,
  m.idempotency_key as "idempotencyKey", m.created_at as "createdAt", m.updated_at as "updatedAt"`;

export const MEDIA_COLUMNS = `d.id, d.message_id as "messageId", d.position, d.category, d.filename,
  d.content_type as "contentType", d.size, d.sha256, d.object_key as "objectKey", d.width, d.height,
  d.preview_state as "previewState", d.placeholder, d.created_at as "createdAt"`;

export const CONVERSATION_COLUMNS = `c.id, c.friendly_name as "friendlyName", c.unique_name as "uniqueName", c.attributes,
  c.created_by as "createdBy", c.created_at as "createdAt", c.updated_at as "updatedAt",
  c.last_activity_at as "lastActivityAt", c.next_message_index as "nextMessageIndex"`;

export const PARTICIPANT_COLUMNS = `p.id, p.conversation_id as "conversationId", p.identity, p.attributes,
  p.created_at as "createdAt", p.last_read_message_index as "lastReadMessageIndex"`;

export function messageRow(r: MessageRow): MessageRow {
  r.createdAt = toDate(r.createdAt);
  r.updatedAt = toDate(r.updatedAt);
  return r;
}

export function mediaRow(r: MediaRow): MediaRow {
  r.size = Number(r.size);
  r.createdAt = toDate(r.createdAt);
  return r;
}

export function conversationRow(r: ConversationRow): ConversationRow {
  r.createdAt = toDate(r.createdAt);
  r.updatedAt = toDate(r.updatedAt);
  r.lastActivityAt = toDate(r.lastActivityAt);
  return r;
}

export function participantRow(r: ParticipantRow): ParticipantRow {
  r.createdAt = toDate(r.createdAt);
  return r;
}
