import { eq, inArray, sql } from "drizzle-orm";
import {
  conversations,
  media,
  mediaPreviews,
  messages,
  participants,
  removedMessages,
  statement,
  type Database,
  type MediaRow,
  type MessageRow,
  type RemovedMessageRow,
} from "@parley/db";
import { EVENTS_CHANNEL, notifyStatement, type ConversationEvent } from "../realtime/events.ts";
import { RateLimiter } from "../services/rate-limit.ts";
import { MEDIA_COLUMNS, MESSAGE_COLUMNS, mediaRow, messageRow } from "./rows.ts";

/** A stored file about to get its row; image fields are set by the ingest stage and the preview job. */
export type NewMedia = Omit<
  MediaRow,
  "messageId" | "position" | "createdAt" | "category" | "width" | "height" | "previewState" | "placeholder"
> &
  Partial<Pick<MediaRow, "width" | "height" | "previewState">>;

/** Unread counts stop at this many: past it the answer is "at least UNREAD_COUNT_CAP". */
export const UNREAD_COUNT_CAP = 1000;

// --- The hot statements, written once as SQL text (prepared on PostgreSQL). ---

// A text send in ONE statement (no BEGIN/COMMIT): check that the author is a participant, spend a
// unit of their rate limit (variant with budget), take the next index under the conversation's row
// lock, insert the row and publish the event. Parameters: $1 id, $2 conversation, $3 author,
// $4 body, $5 attributes (JSON text), $6 idempotency key, $7 time, then the budget's $8 key,
// $9 amount, $10 limit.
const member = `exists (select 1 from participants p where p.conversation_id = $2::uuid and p.identity = $3::text)`;
const sendText = (budget: boolean) =>
  statement<{ index: number | null; member: boolean }>(`
  with ${budget ? `budget as (${RateLimiter.spendWhenText(member, "$8", "$9", "$10")}),` : ""} slot as (
    update conversations set next_message_index = next_message_index + 1, last_activity_at = $7::timestamptz
    where id = $2::uuid and ${budget ? "exists (select 1 from budget)" : member}
    returning next_message_index - 1 as index
  ), inserted as (
    insert into messages (id, conversation_id, index, author, body, attributes, type, idempotency_key, created_at, updated_at)
    select $1::uuid, $2::uuid, slot.index, $3::text, $4::text, $5::jsonb, 'TEXT', $6::text, $7::timestamptz, $7::timestamptz
    from slot
    returning index
  )
  select (select index from inserted) as index, ${member} as member,
    (select pg_notify('${EVENTS_CHANNEL}', json_build_object(
      'type', 'messageAdded', 'conversationId', $2::text, 'messageId', $1::text, 'index', inserted.index
    )::text) from inserted) as notified`);
const SEND_TEXT = sendText(false);
const SEND_TEXT_BUDGET = sendText(true);

const BY_ID = statement<MessageRow>(`select ${MESSAGE_COLUMNS} from messages m where m.id = $1::uuid`);
const BY_IDS = statement<MessageRow>(`select ${MESSAGE_COLUMNS} from messages m where m.id = any($1::uuid[])`);
const IDEMPOTENT = statement<MessageRow>(
  `select ${MESSAGE_COLUMNS} from messages m where m.conversation_id = $1::uuid and m.author = $2::text and m.idempotency_key = $3::text`,
);
const FIRST_INDEX = statement<{ edge: number | null }>(
  `select min(m.index) as edge from messages m where m.conversation_id = $1::uuid`,
);
const LAST_INDEX = statement<{ edge: number | null }>(
  `select max(m.index) as edge from messages m where m.conversation_id = $1::uuid`,
);
const MEDIA_OF = statement<MediaRow>(
  `select ${MEDIA_COLUMNS} from media d where d.message_id = any($1::uuid[]) order by d.message_id, d.position`,
);

/**
 * One page of a conversation's messages plus one row (to tell whether more exist), and whether any
 * message lies on the far side of the cursor paged from ("behind"). One text per shape (direction,
 * which cursors), so each is planned as the index range scan it is: $1 conversation, $2 limit,
 * $3 after, $4 before (only the cursors the shape has).
 */
function pageStatement(forward: boolean, after: boolean, before: boolean) {
  const conds = ["m.conversation_id = $1::uuid"];
  const params: string[] = [];
  const next = () => `$${3 + params.length}`;
  let afterP = "";
  let beforeP = "";
  if (after) params.push((afterP = next()));
  if (before) params.push((beforeP = next()));
  if (after) conds.push(`m.index > ${afterP}::int`);
  if (before) conds.push(`m.index < ${beforeP}::int`);
  // min()/max() of the conversation's indexes: one step down the (conversation, index) index
  // whatever the plan (an EXISTS with a range on a parameter may be planned as a sequential scan).
  const behind =
    forward && after
      ? `coalesce((select min(b.index) from messages b where b.conversation_id = $1::uuid) <= ${afterP}::int, false)`
      : !forward && before
        ? `coalesce((select max(b.index) from messages b where b.conversation_id = $1::uuid) >= ${beforeP}::int, false)`
        : "false";
  return statement<MessageRow & { behind: boolean }>(
    `select ${MESSAGE_COLUMNS}, ${behind} as behind from messages m where ${conds.join(" and ")}
     order by m.index ${forward ? "asc" : "desc"} limit $2::int`,
  );
}
const PAGES = new Map<string, ReturnType<typeof pageStatement>>();
for (const forward of [true, false])
  for (const after of [true, false])
    for (const before of [true, false]) PAGES.set(`${forward}${after}${before}`, pageStatement(forward, after, before));

// Messages from others after the viewer's read horizon, counted up to the cap: an index range scan
// that stops after UNREAD_COUNT_CAP rows per conversation, whatever its size (the ORDER BY keeps it an
// ordered index scan: a bitmap scan would first collect every matching row).
const UNREAD = statement<{ conversationId: string; n: number }>(`
  select p.conversation_id as "conversationId", (
    select count(*)::int from (
      select 1 from messages m
      where m.conversation_id = p.conversation_id and m.index > coalesce(p.last_read_message_index, -1)
        and m.author <> p.identity
      order by m.index limit ${UNREAD_COUNT_CAP}
    ) unread
  ) as n
  from participants p
  where p.identity = $1::text and p.conversation_id = any($2::uuid[])`);

/** The hot statements, for tests that check their plans (EXPLAIN) as the data grows. */
export const messageStatements = {
  sendText: SEND_TEXT,
  sendTextWithBudget: SEND_TEXT_BUDGET,
  byId: BY_ID,
  mediaOf: MEDIA_OF,
  idempotent: IDEMPOTENT,
  /** page(forward, after, before) */
  page: (forward: boolean, after: boolean, before: boolean) => PAGES.get(`${forward}${after}${before}`)!,
  unread: UNREAD,
};

/** The queries of messages and their media; the rules live in services/messages.ts. */
export function messageRepository(db: Database) {
  return {
    /** The text send (see SEND_TEXT): `index` null when nothing was inserted, `member` says whether the author is a participant. */
    async sendText(
      row: { id: string; conversationId: string; author: string; body: string; idempotencyKey: string | null },
      attributes: Record<string, unknown>,
      at: Date,
      budget: [string, number, number] | null,
    ): Promise<{ index: number | null; member: boolean }> {
      const params = [
        row.id,
        row.conversationId,
        row.author,
        row.body,
        JSON.stringify(attributes),
        row.idempotencyKey,
        at.toISOString(),
      ];
      const [r] = await (budget ? SEND_TEXT_BUDGET.run(db, [...params, ...budget]) : SEND_TEXT.run(db, params));
      return { index: r?.index == null ? null : Number(r.index), member: r?.member ?? false };
    },

    /**
     * A media message with its media rows in one transaction; the conversation row's counter hands
     * out the index (its row lock serialises senders, a rollback gives the index back). `inCommit`
     * runs inside the same transaction. Undefined when the conversation does not exist.
     */
    insertWithMedia: (
      row: Omit<MessageRow, "index" | "type">,
      mediaRows: NewMedia[],
      inCommit?: (tx: Database) => Promise<void>,
    ): Promise<MessageRow | undefined> =>
      db.transaction(async (tx) => {
        const [slot] = await tx
          .update(conversations)
          .set({ nextMessageIndex: sql`${conversations.nextMessageIndex} + 1`, lastActivityAt: row.createdAt })
          .where(eq(conversations.id, row.conversationId))
          .returning({ index: sql<number>`${conversations.nextMessageIndex} - 1` });
        if (!slot) return undefined;
        const [inserted] = await tx
          .insert(messages)
          .values({ ...row, index: slot.index, type: "MEDIA" })
          .returning();
        await tx.insert(media).values(mediaRows.map((m, position) => ({ ...m, messageId: row.id, position })));
        await inCommit?.(tx);
        await tx.execute(
          notifyStatement({
            type: "messageAdded",
            conversationId: row.conversationId,
            messageId: row.id,
            index: slot.index,
          }),
        );
        return inserted;
      }),

    /** The message an earlier send with the same (conversation, author, key) created, if any. */
    idempotent: async (conversationId: string, author: string, key: string) =>
      (await IDEMPOTENT.run(db, [conversationId, author, key])).map(messageRow)[0],

    byId: async (id: string) => (await BY_ID.run(db, [id])).map(messageRow)[0],

    byIds: async (ids: readonly string[]) => (await BY_IDS.run(db, [[...ids]])).map(messageRow),

    /** Media of many messages, in upload order. */
    mediaOf: async (messageIds: readonly string[]) => (await MEDIA_OF.run(db, [[...messageIds]])).map(mediaRow),

    /** Up to `limit` messages past the cursors, ascending (`forward`) or descending index, each with `behind`. */
    async page(conversationId: string, forward: boolean, limit: number, after?: number, before?: number) {
      const s = PAGES.get(`${forward}${after !== undefined}${before !== undefined}`)!;
      const params: unknown[] = [conversationId, limit];
      if (after !== undefined) params.push(after);
      if (before !== undefined) params.push(before);
      return (await s.run(db, params)).map((r) => {
        const behind = r.behind;
        delete (r as Partial<typeof r>).behind;
        return { message: messageRow(r), behind };
      });
    },

    /** Whether any message of the conversation has an index at or below (or at or above) `index`. */
    async anyAtOrBeyond(conversationId: string, index: number, below: boolean): Promise<boolean> {
      const [r] = await (below ? FIRST_INDEX : LAST_INDEX).run(db, [conversationId]);
      const edge = r?.edge;
      return edge != null && (below ? Number(edge) <= index : Number(edge) >= index);
    },

    /** Media by id with their conversation and whether `viewer` participates in it. */
    mediaByIds: (viewer: string, ids: readonly string[]) =>
      db
        .select({
          media,
          conversationId: messages.conversationId,
          member: sql<boolean>`exists (select 1 from ${participants} p where p.conversation_id = ${messages.conversationId} and p.identity = ${viewer})`,
        })
        .from(media)
        .innerJoin(messages, eq(messages.id, media.messageId))
        .where(inArray(media.id, [...ids])),

    /** Sets the fields and publishes the event the change makes, in one transaction. */
    update: (id: string, set: Partial<MessageRow>, event: (updated: MessageRow) => ConversationEvent) =>
      db.transaction(async (tx) => {
        const [updated] = await tx
          .update(messages)
          .set({ ...set, updatedAt: new Date() })
          .where(eq(messages.id, id))
          .returning();
        if (!updated) return undefined;
        await tx.execute(notifyStatement(event(updated)));
        return updated;
      }),

    tombstone: async (id: string): Promise<RemovedMessageRow | undefined> =>
      (await db.select().from(removedMessages).where(eq(removedMessages.id, id)))[0],

    /**
     * Deletes the message and its media rows, leaves a tombstone and publishes messageRemoved;
     * returns the tombstone and the object keys (originals and previews) to delete. Undefined when
     * the message was gone already.
     */
    remove: (row: MessageRow) =>
      db.transaction(async (tx) => {
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
        if (deleted.length === 0) return undefined;
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
      }),

    /** Unread counts (capped at UNREAD_COUNT_CAP) of `viewer` in these conversations, one statement. */
    async unreadCounts(viewer: string, conversationIds: readonly string[]): Promise<Map<string, number>> {
      const rows = await UNREAD.run(db, [viewer, [...conversationIds]]);
      return new Map(rows.map((r) => [r.conversationId, Number(r.n)]));
    },
  };
}

export type MessageRepository = ReturnType<typeof messageRepository>;
