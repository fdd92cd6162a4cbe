import { sql } from "drizzle-orm";
import {
  bigint,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

const timestamps = {
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
};

export const conversations = pgTable(
  "conversations",
  {
    id: uuid("id").primaryKey(),
    friendlyName: text("friendly_name"),
    uniqueName: text("unique_name"),
    attributes: jsonb("attributes").$type<Record<string, unknown>>().notNull().default({}),
    createdBy: text("created_by").notNull(),
    ...timestamps,
    // Ordering key for "latest activity first"; bumped by every message.
    lastActivityAt: timestamp("last_activity_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    // The next message index. Incremented inside the send transaction: the row lock serialises
    // concurrent senders and a rollback returns the index, so indexes have no gaps or duplicates.
    nextMessageIndex: integer("next_message_index").notNull().default(0),
  },
  (t) => [
    uniqueIndex("conversations_unique_name_key").on(t.uniqueName),
    index("conversations_activity_idx").on(t.lastActivityAt, t.id),
  ],
);

export const participants = pgTable(
  "participants",
  {
    id: uuid("id").primaryKey(),
    conversationId: uuid("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    identity: text("identity").notNull(),
    attributes: jsonb("attributes").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamps.createdAt,
    // Read horizon: index of the last message this participant has read (null: none yet).
    lastReadMessageIndex: integer("last_read_message_index"),
  },
  (t) => [
    uniqueIndex("participants_conversation_identity_key").on(t.conversationId, t.identity),
    index("participants_identity_idx").on(t.identity),
  ],
);

export const messages = pgTable(
  "messages",
  {
    id: uuid("id").primaryKey(),
    conversationId: uuid("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    index: integer("index").notNull(),
    author: text("author").notNull(),
    body: text("body"),
    attributes: jsonb("attributes").$type<Record<string, unknown>>().notNull().default({}),
    type: text("type", { enum: ["TEXT", "MEDIA"] }).notNull(),
    idempotencyKey: text("idempotency_key"),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("messages_conversation_index_key").on(t.conversationId, t.index),
    uniqueIndex("messages_idempotency_key")
      .on(t.conversationId, t.author, t.idempotencyKey)
      .where(sql`${t.idempotencyKey} is not null`),
  ],
);

export const media = pgTable(
  "media",
  {
    id: uuid("id").primaryKey(),
    messageId: uuid("message_id")
      .notNull()
      .references(() => messages.id, { onDelete: "cascade" }),
    // Upload order within the message.
    position: integer("position").notNull(),
    category: text("category", { enum: ["MEDIA"] })
      .notNull()
      .default("MEDIA"),
    filename: text("filename"),
    contentType: text("content_type").notNull(),
    size: bigint("size", { mode: "number" }).notNull(),
    sha256: text("sha256").notNull(),
    // Opaque storage key (media/<conversationId>/<mediaId>); never derived from the filename.
    objectKey: text("object_key").notNull(),
    // Displayed size of images (EXIF orientation applied), read from the header at ingest.
    width: integer("width"),
    height: integer("height"),
    // Previews: null for media that get none; "pending" until the preview job ends "ready" or
    // "failed" (an image libvips refuses: too many pixels, truncated, too slow).
    previewState: text("preview_state", { enum: ["pending", "ready", "failed"] }),
    // ThumbHash, base64.
    placeholder: text("placeholder"),
    createdAt: timestamps.createdAt,
  },
  (t) => [
    uniqueIndex("media_message_position_key").on(t.messageId, t.position),
    uniqueIndex("media_object_key_key").on(t.objectKey),
  ],
);

// WebP renditions of an image medium, one per standard size made (see @parley/imaging). Their
// objects (media/<conversationId>/<mediaId>.preview-<maxSize>) go with the media row; the orphan
// sweeper treats a key no row references as an orphan, like the originals.
export const mediaPreviews = pgTable(
  "media_previews",
  {
    mediaId: uuid("media_id")
      .notNull()
      .references(() => media.id, { onDelete: "cascade" }),
    maxSize: integer("max_size").notNull(),
    width: integer("width").notNull(),
    height: integer("height").notNull(),
    contentType: text("content_type").notNull(),
    size: integer("size").notNull(),
    objectKey: text("object_key").notNull(),
    createdAt: timestamps.createdAt,
  },
  (t) => [
    primaryKey({ columns: [t.mediaId, t.maxSize] }),
    uniqueIndex("media_previews_object_key_key").on(t.objectKey),
  ],
);

// Tombstones of removed messages: make removeMessage idempotent and let clients that resume by
// index learn which indexes disappeared. Holds no content.
export const removedMessages = pgTable(
  "removed_messages",
  {
    id: uuid("id").primaryKey(),
    conversationId: uuid("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    index: integer("index").notNull(),
    author: text("author").notNull(),
    removedAt: timestamp("removed_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [index("removed_messages_conversation_idx").on(t.conversationId, t.index)],
);

export type ConversationRow = typeof conversations.$inferSelect;
export type ParticipantRow = typeof participants.$inferSelect;
export type MessageRow = typeof messages.$inferSelect;
export type MediaRow = typeof media.$inferSelect;
export type MediaPreviewRow = typeof mediaPreviews.$inferSelect;
export type RemovedMessageRow = typeof removedMessages.$inferSelect;

// Object keys of media uploads in flight, written before the first byte goes to the store and
// deleted in the transaction that commits their media rows (or once a failed send has cleaned up).
// A row older than the sweeper's grace period is an upload cut off by a crash or an outage: the
// sweeper aborts its partial (multipart) upload by key and deletes its object. Stores such as MinIO
// list incomplete uploads only for an exact key, so the keys must be known.
export const pendingUploads = pgTable(
  "pending_uploads",
  {
    objectKey: text("object_key").primaryKey(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    // The store's multipart upload id, once it has one: the sweeper aborts it by id, since a
    // distributed MinIO lists a key's uploads from one drive only (see MinioStore.incompleteUploads.abort).
    storeUploadId: text("store_upload_id"),
  },
  (t) => [index("pending_uploads_created_idx").on(t.createdAt)],
);

// Rate limits shared by every instance: one fixed one-minute window per (budget, identity), counted
// in one upsert per decision (apps/server/src/services/rate-limit.ts). Rows idle for an hour go.
export const rateLimits = pgTable(
  "rate_limits",
  {
    key: text("key").primaryKey(),
    windowStart: timestamp("window_start", { withTimezone: true, mode: "date" }).notNull(),
    used: bigint("used", { mode: "number" }).notNull(),
  },
  (t) => [index("rate_limits_window_idx").on(t.windowStart)],
);

// Resumable upload sessions (createMediaUpload): one file the client PUTs in parts straight into the
// store (an S3 multipart upload, or the disk store's own), until a sendMediaMessage names it. The row
// is the reservation of its object key: the orphan sweeper spares the key and its multipart upload
// while the row lives, and deletes both once it expires (MEDIA_UPLOAD_TTL_SECONDS). The send that
// uses the upload deletes the row in the transaction that commits the media row.
export const mediaUploads = pgTable(
  "media_uploads",
  {
    id: uuid("id").primaryKey(),
    conversationId: uuid("conversation_id")
      .notNull()
      .references(() => conversations.id),
    uploader: text("uploader").notNull(),
    // media/<conversationId>/<id>: where the parts are assembled.
    objectKey: text("object_key").notNull(),
    // The store's multipart upload id; null only between the row's insert and the store's answer.
    storeUploadId: text("store_upload_id"),
    size: bigint("size", { mode: "number" }).notNull(),
    partSize: integer("part_size").notNull(),
    filename: text("filename"),
    contentType: text("content_type"),
    createdAt: timestamps.createdAt,
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }).notNull(),
    // Set once the parts were assembled into the object (a send that failed after it keeps the object).
    completedAt: timestamp("completed_at", { withTimezone: true, mode: "date" }),
    // Set by abortMediaUpload or the sweeper before they delete what is stored: a send can no longer commit it.
    abortedAt: timestamp("aborted_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [
    uniqueIndex("media_uploads_object_key_key").on(t.objectKey),
    index("media_uploads_expires_idx").on(t.expiresAt),
    index("media_uploads_uploader_idx").on(t.uploader, t.conversationId),
  ],
);

export type MediaUploadRow = typeof mediaUploads.$inferSelect;
