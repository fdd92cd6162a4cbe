import { type Database, type MediaRow, type MessageRow, type RemovedMessageRow, uniqueViolation } from "@parley/db";
import { badInput, forbidden, notFound } from "../errors.ts";
import type { MessageUpdateReason } from "../realtime/events.ts";
import { messageRepository, type NewMedia } from "../repositories/messages.ts";
import type { ConversationService } from "./conversations.ts";
import { decodeIndexCursor } from "./cursor.ts";
import { isId, newId } from "./ids.ts";
import { connection, pageSize } from "./paging.ts";
import type { RateLimiter } from "./rate-limit.ts";
import { checkAttributes, checkBody, checkIdempotencyKey } from "./validation.ts";

export type { NewMedia } from "../repositories/messages.ts";
export { UNREAD_COUNT_CAP } from "../repositories/messages.ts";

const PAGE_DEFAULT = 30;
const MEDIA_BY_IDS_MAX = 100;

export interface NewMessage {
  conversationId: string;
  body: string | null;
  attributes?: Record<string, unknown> | null;
  idempotencyKey?: string | null;
}

export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export function messageService(
  db: Database,
  conversations_: ConversationService,
  limits: { bodyMaxLength: number; attributesMaxBytes: number },
  rateLimit: RateLimiter,
  changes?: RateLimiter,
) {
  const repo = messageRepository(db);

  /** Validates what every send shares; returns the normalised attributes. */
  function validate(input: NewMessage) {
    if (input.body !== null) checkBody(input.body, limits.bodyMaxLength);
    return checkAttributes(input.attributes, limits.attributesMaxBytes);
  }

  /** The message an earlier send with the same (conversation, author, key) created, if any. */
  async function findIdempotent(conversationId: string, author: string, key: string | null | undefined) {
    if (key == null) return undefined;
    checkIdempotencyKey(key);
    return repo.idempotent(conversationId, author, key);
  }

  /**
   * A media message and its media rows in one transaction (`inCommit` runs inside it: the media
   * module releases its reservations there). Returns `{ message, duplicate }`; a concurrent send
   * with the same idempotency key wins the race and this call returns its message with
   * duplicate=true (the caller then discards its objects).
   */
  async function insert(
    author: string,
    input: NewMessage,
    attributes: Record<string, unknown>,
    mediaRows: NewMedia[],
    inCommit?: (tx: Database) => Promise<void>,
  ): Promise<{ message: MessageRow; duplicate: boolean }> {
    const now = new Date();
    try {
      const message = await repo.insertWithMedia(
        {
          id: newId(),
          conversationId: input.conversationId,
          author,
          body: input.body,
          attributes,
          idempotencyKey: input.idempotencyKey ?? null,
          createdAt: now,
          updatedAt: now,
        },
        mediaRows,
        inCommit,
      );
      if (!message) throw notFound("Conversation", input.conversationId);
      return { message, duplicate: false };
    } catch (error) {
      if (uniqueViolation(error) === "messages_idempotency_key") {
        const first = await findIdempotent(input.conversationId, author, input.idempotencyKey);
        if (first) return { message: first, duplicate: true };
      }
      throw error;
    }
  }

  /**
   * A text send: one statement in the common case that checks membership, spends the rate limit,
   * takes the index, inserts and publishes (the repository's sendText). The rare outcomes (not a
   * participant, refused, invalid input) ask again to say exactly why, in the order they always
   * had: access first, then input, then the limit.
   */
  async function sendText(author: string, input: NewMessage & { body: string }): Promise<MessageRow> {
    if (!isId(input.conversationId)) throw notFound("Conversation", input.conversationId);
    if (input.idempotencyKey != null) {
      const repeat = await findIdempotent(input.conversationId, author, input.idempotencyKey);
      if (repeat) {
        await conversations_.requireParticipant(input.conversationId, author);
        // A repeat is cheap but not free: it counts as a send, or retries could hammer the database.
        await rateLimit.take(author);
        return repeat;
      }
    }
    let attributes: Record<string, unknown>;
    try {
      if (input.body.length === 0)
        throw badInput("body must not be empty; send media with sendMediaMessage.", { field: "body" });
      attributes = validate(input);
    } catch (error) {
      await conversations_.requireParticipant(input.conversationId, author);
      throw error;
    }
    const row = {
      id: newId(),
      conversationId: input.conversationId,
      author,
      body: input.body,
      idempotencyKey: input.idempotencyKey ?? null,
    };
    const now = new Date();
    const budget = rateLimit.spendParams(author);
    let sent: { index: number | null; member: boolean };
    try {
      sent = await repo.sendText(row, attributes, now, budget);
    } catch (error) {
      if (uniqueViolation(error) === "messages_idempotency_key") {
        const first = await findIdempotent(input.conversationId, author, input.idempotencyKey);
        if (first) return first;
      }
      throw error;
    }
    if (sent.index === null) {
      // Nothing inserted: say why (rare, so asking again costs nothing on the common path).
      if (!sent.member) {
        await conversations_.requireParticipant(input.conversationId, author);
        throw forbidden(`You are not a participant of conversation ${input.conversationId}.`);
      }
      if (budget) await rateLimit.refuse(author);
      throw notFound("Conversation", input.conversationId);
    }
    return { ...row, index: sent.index, attributes, type: "TEXT", createdAt: now, updatedAt: now };
  }

  async function byId(viewer: string, id: string): Promise<MessageRow> {
    if (!isId(id)) throw notFound("Message", id);
    const row = await repo.byId(id);
    if (!row) throw notFound("Message", id);
    await conversations_.requireParticipant(row.conversationId, viewer);
    return row;
  }

  const cursorIndex = (cursor: string | null | undefined, field: string): number | undefined =>
    cursor == null ? undefined : decodeIndexCursor(cursor, field);

  /**
   * One page of a conversation's messages, edges in ascending index. A single statement fetches
   * the page plus one row to tell whether more exist, and whether anything lies on the other side.
   */
  async function page(conversationId: string, args: PageArgs) {
    const first = pageSize(args.first, "first");
    const last = pageSize(args.last, "last");
    if (first !== undefined && last !== undefined) {
      throw badInput("Pass first or last, not both.", { field: "first" });
    }
    const after = cursorIndex(args.after, "after");
    const before = cursorIndex(args.before, "before");
    const forward = first !== undefined || (after !== undefined && last === undefined);
    const size = (forward ? first : last) ?? PAGE_DEFAULT;

    const rows = await repo.page(conversationId, forward, size + 1, after, before);
    const more = rows.length > size;
    const nodes = rows.slice(0, size).map((r) => r.message);
    if (!forward) nodes.reverse();
    let behindAny = rows[0]?.behind ?? false;
    if (rows.length === 0 && (after !== undefined || before !== undefined)) {
      // Empty page: ask separately (rare, keeps the common path to one statement).
      behindAny = forward
        ? await repo.anyAtOrBeyond(conversationId, after!, true)
        : await repo.anyAtOrBeyond(conversationId, before!, false);
    }
    return connection(nodes, (node) => [node.index], {
      hasNextPage: forward ? more : behindAny,
      hasPreviousPage: forward ? behindAny : more,
    });
  }

  /**
   * Media by id across messages, in the order asked (a repeated id repeats), for fresh temporary
   * URLs of many messages at once. One statement for every id; NOT_FOUND for the first id that
   * does not exist, FORBIDDEN for the first one in a conversation the viewer is not in.
   */
  async function mediaByIds(viewer: string, ids: readonly string[]): Promise<MediaRow[]> {
    if (ids.length > MEDIA_BY_IDS_MAX)
      throw badInput(`ids lists ${ids.length} media; ask for at most ${MEDIA_BY_IDS_MAX} at a time.`, { field: "ids" });
    const bad = ids.find((id) => !isId(id));
    if (bad !== undefined) throw notFound("Media", bad);
    if (ids.length === 0) return [];
    const rows = await repo.mediaByIds(viewer, [...new Set(ids)]);
    const found = new Map(rows.map((r) => [r.media.id, r]));
    return ids.map((id) => {
      const row = found.get(id);
      if (!row) throw notFound("Media", id);
      if (!row.member)
        throw forbidden(
          `Media ${id} belongs to conversation ${row.conversationId}, which you are not a participant of.`,
        );
      return row.media;
    });
  }

  /** The author's own message, for changing it: NOT_FOUND, FORBIDDEN (not a participant, not the author). */
  async function requireAuthor(viewer: string, id: string): Promise<MessageRow> {
    const row = await byId(viewer, id);
    if (row.author !== viewer) throw forbidden(`Only the author (${row.author}) may change message ${id}.`);
    return row;
  }

  /** Changes body and/or attributes (only the fields given); publishes messageUpdated with the reasons. */
  async function update(
    viewer: string,
    input: { id: string; body?: string | null; attributes?: Record<string, unknown> | null },
  ): Promise<MessageRow> {
    const row = await requireAuthor(viewer, input.id);
    await changes?.take(viewer);
    const set: Partial<MessageRow> = {};
    const reasons: MessageUpdateReason[] = [];
    if (input.body !== undefined) {
      const body = input.body === "" ? null : input.body;
      if (body === null && row.type === "TEXT")
        throw badInput("A text message needs a non-empty body.", { field: "body" });
      if (body !== null) checkBody(body, limits.bodyMaxLength);
      if (body !== row.body) {
        set.body = body;
        reasons.push("BODY");
      }
    }
    if (input.attributes !== undefined) {
      const attributes = checkAttributes(input.attributes, limits.attributesMaxBytes);
      if (JSON.stringify(attributes) !== JSON.stringify(row.attributes)) {
        set.attributes = attributes;
        reasons.push("ATTRIBUTES");
      }
    }
    if (reasons.length === 0) return row;
    const updated = await repo.update(row.id, set, (u) => ({
      type: "messageUpdated",
      conversationId: row.conversationId,
      messageId: row.id,
      index: row.index,
      reasons,
      updatedAt: u.updatedAt.toISOString(),
    }));
    if (!updated) throw notFound("Message", row.id);
    return updated;
  }

  /**
   * Deletes the message and its media rows, leaving a tombstone; returns the object keys to delete.
   * Idempotent: removing it again returns the same tombstone.
   */
  async function remove(viewer: string, id: string): Promise<{ removed: RemovedMessageRow; objectKeys: string[] }> {
    if (!isId(id)) throw notFound("Message", id);
    const tomb = await repo.tombstone(id);
    if (tomb) {
      await conversations_.requireParticipant(tomb.conversationId, viewer);
      if (tomb.author !== viewer) throw forbidden(`Only the author (${tomb.author}) may remove message ${id}.`);
      return { removed: tomb, objectKeys: [] };
    }
    const row = await requireAuthor(viewer, id);
    const gone = await repo.remove(row);
    if (!gone) throw notFound("Message", row.id);
    return gone;
  }

  return {
    rateLimit,
    validate,
    findIdempotent,
    insert,
    sendText,
    byId,
    page,
    byIds: repo.byIds,
    mediaOf: repo.mediaOf,
    mediaByIds,
    update,
    remove,
    /** Unread counts for the viewer in many conversations, in one statement (DataLoader batch), capped at UNREAD_COUNT_CAP. */
    unreadCounts: repo.unreadCounts,
  };
}

export type MessageService = ReturnType<typeof messageService>;
