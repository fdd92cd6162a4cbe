import { and, asc, desc, eq, gt, inArray, lt, lte, gte, sql } from "drizzle-orm";
import {
  conversations,
  media,
  mediaPreviews,
  messages,
  participants,
  removedMessages,
  rowsOf,
  type Database,
  type MediaRow,
  type MessageRow,
  type RemovedMessageRow,
} from "@parley/db";
import { badInput, forbidden, notFound } from "../errors.ts";
import { EVENTS_CHANNEL, notifyStatement, type MessageUpdateReason } from "../realtime/events.ts";
import type { ConversationService } from "./conversations.ts";
import { decodeIndexCursor, encodeCursor } from "./cursor.ts";
import { uniqueViolation } from "./db-errors.ts";
import { isId, newId } from "./ids.ts";
import type { RateLimiter } from "./rate-limit.ts";
import { checkAttributes, checkBody, checkIdempotencyKey } from "./validation.ts";

const PAGE_MAX = 100;
const PAGE_DEFAULT = 30;
const MEDIA_BY_IDS_MAX = 100;

export interface NewMessage {
  conversationId: string;
  body: string | null;
  attributes?: Record<string, unknown> | null;
  idempotencyKey?: string | null;
}

/** A media row to insert with its message; the object is already stored under objectKey. */
/** A stored file about to get its row; image fields are set by the ingest stage and the preview job. */
export type NewMedia = Omit<
  MediaRow,
  "messageId" | "position" | "createdAt" | "category" | "width" | "height" | "previewState" | "placeholder"
> &
  Partial<Pick<MediaRow, "width" | "height" | "previewState">>;

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
  /** Validates what every send shares; returns the normalised attributes. */
  function validate(input: NewMessage) {
    if (input.body !== null) checkBody(input.body, limits.bodyMaxLength);
    return checkAttributes(input.attributes, limits.attributesMaxBytes);
  }

  /** The message an earlier send with the same (conversation, author, key) created, if any. */
  async function findIdempotent(conversationId: string, author: string, key: string | null | undefined) {
    if (key == null) return undefined;
    checkIdempotencyKey(key);
    const [row] = await db
      .select()
      .from(messages)
      .where(
        and(eq(messages.conversationId, conversationId), eq(messages.author, author), eq(messages.idempotencyKey, key)),
      );
    return row;
  }

  /**
   * Inserts the message (and its media rows) in one transaction. The conversation row's counter
   * hands out the index: its row lock serialises senders, a rollback gives the index back.
   * `inCommit` runs inside the same transaction (the media module releases its reservations there).
   * Returns `{ message, duplicate }`; a concurrent send with the same idempotency key wins the race
   * and this call returns its message with duplicate=true (the caller then discards its objects).
   */
  async function insert(
    author: string,
    input: NewMessage,
    attributes: Record<string, unknown>,
    mediaRows: NewMedia[],
    inCommit?: (tx: Database) => Promise<void>,
    /** A text send whose membership and rate limit are checked by the insert itself (sendText). */
    gated = false,
  ): Promise<{ message: MessageRow; duplicate: boolean }> {
    const id = newId();
    const now = new Date();
    try {
      if (mediaRows.length === 0)
        return { message: await insertText(id, now, author, input, attributes, gated), duplicate: false };
      const message = await db.transaction(async (tx) => {
        const [slot] = await tx
          .update(conversations)
          .set({ nextMessageIndex: sql`${conversations.nextMessageIndex} + 1`, lastActivityAt: now })
          .where(eq(conversations.id, input.conversationId))
          .returning({ index: sql<number>`${conversations.nextMessageIndex} - 1` });
        if (!slot) throw notFound("Conversation", input.conversationId);
        const [row] = await tx
          .insert(messages)
          .values({
            id,
            conversationId: input.conversationId,
            index: slot.index,
            author,
            body: input.body,
            attributes,
            type: mediaRows.length > 0 ? "MEDIA" : "TEXT",
            idempotencyKey: input.idempotencyKey ?? null,
            createdAt: now,
            updatedAt: now,
          })
          .returning();
        if (mediaRows.length > 0) {
          await tx.insert(media).values(mediaRows.map((m, position) => ({ ...m, messageId: id, position })));
        }
        await inCommit?.(tx);
        await tx.execute(
          notifyStatement({
            type: "messageAdded",
            conversationId: input.conversationId,
            messageId: id,
            index: slot.index,
          }),
        );
        return row!;
      });
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
   * A text message in ONE statement (one round trip, no BEGIN/COMMIT): take the index, insert the
   * row and publish the event. Same row lock and atomicity as the transaction, held for less time.
   * `gated`: the same statement first checks that the author is a participant and spends one unit
   * of their rate limit (rate_limits upsert), and takes an index only if both hold.
   */
  async function insertText(
    id: string,
    now: Date,
    author: string,
    input: NewMessage,
    attributes: Record<string, unknown>,
    gated = false,
  ): Promise<MessageRow> {
    const at = now.toISOString();
    const member = sql`exists (select 1 from ${participants} p where p.conversation_id = ${input.conversationId} and p.identity = ${author})`;
    const spend = gated ? rateLimit.spendWhen(author, member) : null;
    const gate = !gated ? sql`true` : spend ? sql`exists (select 1 from budget)` : member;
    const result = (await db.execute(sql`
      with ${spend ? sql`budget as (${spend}),` : sql``} slot as (
        update ${conversations} set next_message_index = next_message_index + 1, last_activity_at = ${at}::timestamptz
        where id = ${input.conversationId} and ${gate}
        returning next_message_index - 1 as index
      ), inserted as (
        insert into ${messages} (id, conversation_id, index, author, body, attributes, type, idempotency_key, created_at, updated_at)
        select ${id}, ${input.conversationId}, slot.index, ${author}, ${input.body}, ${JSON.stringify(attributes)}::jsonb, 'TEXT',
               ${input.idempotencyKey ?? null}, ${at}::timestamptz, ${at}::timestamptz
        from slot
        returning index
      )
      select (select index from inserted) as index, ${gated ? member : sql`true`} as member,
        (select pg_notify(${EVENTS_CHANNEL}, json_build_object(
          'type', 'messageAdded', 'conversationId', ${input.conversationId}::text, 'messageId', ${id}::text, 'index', inserted.index
        )::text) from inserted) as notified`)) as unknown;
    const [row] = rowsOf<{ index: number | null; member: boolean }>(result);
    const index = row?.index ?? undefined;
    if (index === undefined) {
      // Nothing inserted: say why (rare, so asking again costs nothing on the common path).
      if (gated && !row?.member) {
        await conversations_.requireParticipant(input.conversationId, author);
        throw forbidden(`You are not a participant of conversation ${input.conversationId}.`);
      }
      if (gated && spend) await rateLimit.refuse(author);
      throw notFound("Conversation", input.conversationId);
    }
    return {
      id,
      conversationId: input.conversationId,
      index: Number(index),
      author,
      body: input.body,
      attributes,
      type: "TEXT",
      idempotencyKey: input.idempotencyKey ?? null,
      createdAt: now,
      updatedAt: now,
    };
  }

  /**
   * A text send: one statement in the common case (no idempotency key) that checks membership,
   * spends the rate limit and inserts (insertText). The rare outcomes (not a participant, refused,
   * invalid input) ask again to say exactly why, in the order they always had: access first.
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
    return (await insert(author, input, attributes, [], undefined, true)).message;
  }

  async function byId(viewer: string, id: string): Promise<MessageRow | null> {
    if (!isId(id)) throw notFound("Message", id);
    const [row] = await db.select().from(messages).where(eq(messages.id, id));
    if (!row) throw notFound("Message", id);
    await conversations_.requireParticipant(row.conversationId, viewer);
    return row;
  }

  const cursorIndex = (cursor: string | null | undefined, field: string): number | undefined =>
    cursor == null ? undefined : decodeIndexCursor(cursor, field);

  function pageSize(value: number | null | undefined, field: string): number | undefined {
    if (value == null) return undefined;
    if (value < 0 || value > PAGE_MAX) throw badInput(`${field} must be between 0 and ${PAGE_MAX}.`, { field });
    return value;
  }

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

    const conds = [eq(messages.conversationId, conversationId)];
    if (after !== undefined) conds.push(gt(messages.index, after));
    if (before !== undefined) conds.push(lt(messages.index, before));
    // Anything on the far side of the cursor we paged from?
    const behind =
      forward && after !== undefined
        ? sql<boolean>`exists (select 1 from ${messages} b where b.conversation_id = ${conversationId} and b.index <= ${after})`
        : !forward && before !== undefined
          ? sql<boolean>`exists (select 1 from ${messages} b where b.conversation_id = ${conversationId} and b.index >= ${before})`
          : sql<boolean>`false`;
    const rows = await db
      .select({ message: messages, behind })
      .from(messages)
      .where(and(...conds))
      .orderBy(forward ? asc(messages.index) : desc(messages.index))
      .limit(size + 1);
    const more = rows.length > size;
    const nodes = rows.slice(0, size).map((r) => r.message);
    if (!forward) nodes.reverse();
    let behindAny = rows[0]?.behind ?? false;
    if (rows.length === 0 && (after !== undefined || before !== undefined)) {
      // Empty page: ask separately (rare, keeps the common path to one statement).
      const [r] = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(messages)
        .where(
          and(
            eq(messages.conversationId, conversationId),
            forward ? lte(messages.index, after!) : gte(messages.index, before!),
          ),
        );
      behindAny = (r?.n ?? 0) > 0;
    }
    const edges = nodes.map((node) => ({ node, cursor: encodeCursor([node.index]) }));
    return {
      edges,
      pageInfo: {
        hasNextPage: forward ? more : behindAny,
        hasPreviousPage: forward ? behindAny : more,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
    };
  }

  const byIds = async (ids: readonly string[]) =>
    db
      .select()
      .from(messages)
      .where(inArray(messages.id, [...ids]));

  /** Media of many messages in one query (DataLoader batch), in upload order. */
  const mediaOf = async (messageIds: readonly string[]) =>
    db
      .select()
      .from(media)
      .where(inArray(media.messageId, [...messageIds]))
      .orderBy(media.messageId, media.position);

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
    const rows = await db
      .select({
        media,
        conversationId: messages.conversationId,
        member: sql<boolean>`exists (select 1 from ${participants} p where p.conversation_id = ${messages.conversationId} and p.identity = ${viewer})`,
      })
      .from(media)
      .innerJoin(messages, eq(messages.id, media.messageId))
      .where(inArray(media.id, [...new Set(ids)]));
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
    if (!row) throw notFound("Message", id);
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
    return db.transaction(async (tx) => {
      const [updated] = await tx
        .update(messages)
        .set({ ...set, updatedAt: new Date() })
        .where(eq(messages.id, row.id))
        .returning();
      if (!updated) throw notFound("Message", row.id);
      await tx.execute(
        notifyStatement({
          type: "messageUpdated",
          conversationId: row.conversationId,
          messageId: row.id,
          index: row.index,
          reasons,
          updatedAt: updated.updatedAt.toISOString(),
        }),
      );
      return updated;
    });
  }

  /**
   * Deletes the message and its media rows, leaving a tombstone; returns the object keys to delete.
   * Idempotent: removing it again returns the same tombstone.
   */
  async function remove(viewer: string, id: string): Promise<{ removed: RemovedMessageRow; objectKeys: string[] }> {
    if (!isId(id)) throw notFound("Message", id);
    const [tomb] = await db.select().from(removedMessages).where(eq(removedMessages.id, id));
    if (tomb) {
      await conversations_.requireParticipant(tomb.conversationId, viewer);
      if (tomb.author !== viewer) throw forbidden(`Only the author (${tomb.author}) may remove message ${id}.`);
      return { removed: tomb, objectKeys: [] };
    }
    const row = await requireAuthor(viewer, id);
    return db.transaction(async (tx) => {
      // Lock the media rows first: a preview job committing its renditions (it updates the media
      // row) then either finished before (its previews are read below) or waits and finds the row
      // gone (it deletes its own objects). Reading the previews unlocked missed a job's commit in
      // between, and its objects stayed behind.
      await tx.select({ id: media.id }).from(media).where(eq(media.messageId, row.id)).for("update");
      // Previews go with their media rows (cascade): collect their keys first.
      const previews = await tx
        .select({ key: mediaPreviews.objectKey })
        .from(mediaPreviews)
        .innerJoin(media, eq(media.id, mediaPreviews.mediaId))
        .where(eq(media.messageId, row.id));
      const gone = await tx.delete(media).where(eq(media.messageId, row.id)).returning({ key: media.objectKey });
      const deleted = await tx.delete(messages).where(eq(messages.id, row.id)).returning({ id: messages.id });
      if (deleted.length === 0) throw notFound("Message", row.id);
      const [removed] = await tx
        .insert(removedMessages)
        .values({
          id: row.id,
          conversationId: row.conversationId,
          index: row.index,
          author: row.author,
          removedAt: new Date(),
        })
        .returning();
      await tx.execute(
        notifyStatement({
          type: "messageRemoved",
          conversationId: row.conversationId,
          messageId: row.id,
          index: row.index,
          removedAt: removed!.removedAt.toISOString(),
        }),
      );
      return { removed: removed!, objectKeys: [...gone, ...previews].map((g) => g.key) };
    });
  }

  /** Unread counts for the viewer in many conversations, in one statement (DataLoader batch). */
  async function unreadCounts(viewer: string, conversationIds: readonly string[]): Promise<Map<string, number>> {
    const rows = await db
      .select({ conversationId: participants.conversationId, n: sql<number>`count(${messages.id})::int` })
      .from(participants)
      .leftJoin(
        messages,
        and(
          eq(messages.conversationId, participants.conversationId),
          sql`${messages.author} <> ${participants.identity}`,
          sql`${messages.index} > coalesce(${participants.lastReadMessageIndex}, -1)`,
        ),
      )
      .where(and(eq(participants.identity, viewer), inArray(participants.conversationId, [...conversationIds])))
      .groupBy(participants.conversationId);
    return new Map(rows.map((r) => [r.conversationId, Number(r.n)]));
  }

  return {
    rateLimit,
    validate,
    findIdempotent,
    insert,
    sendText,
    byId,
    page,
    byIds,
    mediaOf,
    mediaByIds,
    update,
    remove,
    unreadCounts,
  };
}

export type MessageService = ReturnType<typeof messageService>;
