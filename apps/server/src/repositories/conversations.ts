import { and, eq, sql } from "drizzle-orm";
import {
  conversations,
  participants,
  statement,
  type ConversationRow,
  type Database,
  type ParticipantRow,
} from "@parley/db";
import { notifyAllStatement, notifyStatement } from "../realtime/events.ts";
import { newId } from "../services/ids.ts";
import { CONVERSATION_COLUMNS, PARTICIPANT_COLUMNS, conversationRow, participantRow } from "./rows.ts";

// Rows per INSERT: each participant row takes a few bind parameters, and a statement has at most 65535.
const INSERT_CHUNK = 1000;

const WITH_MEMBERSHIP = statement<ConversationRow & { member: boolean }>(
  `select ${CONVERSATION_COLUMNS},
     exists (select 1 from participants p where p.conversation_id = c.id and p.identity = $2::text) as member
   from conversations c where c.id = $1::uuid`,
);
const BY_IDS = statement<ConversationRow>(
  `select ${CONVERSATION_COLUMNS} from conversations c where c.id = any($1::uuid[])`,
);
const PARTICIPANTS_OF = statement<ParticipantRow>(
  `select ${PARTICIPANT_COLUMNS} from participants p where p.conversation_id = any($1::uuid[]) order by p.created_at, p.id`,
);
const IDS_OF = statement<{ id: string }>(
  `select p.conversation_id as id from participants p where p.identity = $1::text`,
);

// The viewer's conversations, latest activity first: $1 identity, $2 limit, then the cursor's
// ($3 activity, $4 id).
const list = (cursor: boolean) =>
  statement<ConversationRow>(
    `select ${CONVERSATION_COLUMNS} from conversations c
     where c.id in (select p.conversation_id from participants p where p.identity = $1::text)
       ${cursor ? "and (c.last_activity_at < $3::timestamptz or (c.last_activity_at = $3::timestamptz and c.id < $4::uuid))" : ""}
     order by c.last_activity_at desc, c.id desc limit $2::int`,
  );
const LIST = list(false);
const LIST_AFTER = list(true);

/** The hot statements, for tests that check their plans (EXPLAIN) as the data grows. */
export const conversationStatements = {
  withMembership: WITH_MEMBERSHIP,
  byIds: BY_IDS,
  participantsOf: PARTICIPANTS_OF,
  list: LIST,
  listAfter: LIST_AFTER,
};

/** The queries of conversations and participants; the rules live in services/conversations.ts. */
export function conversationRepository(db: Database) {
  const participantRowOf = async (tx: Pick<Database, "select">, conversationId: string, identity: string) =>
    (
      await tx
        .select()
        .from(participants)
        .where(and(eq(participants.conversationId, conversationId), eq(participants.identity, identity)))
    )[0];

  return {
    /** The conversation and whether `identity` participates in it; undefined when it does not exist. */
    async withMembership(conversationId: string, identity: string) {
      const [row] = await WITH_MEMBERSHIP.run(db, [conversationId, identity]);
      if (!row) return undefined;
      const member = row.member;
      delete (row as Partial<typeof row>).member;
      return { conversation: conversationRow(row), member };
    },

    /** Inserts the conversation and its participants, publishing participantAdded for each, in one transaction. */
    create: (row: Omit<ConversationRow, "createdAt" | "updatedAt" | "nextMessageIndex">, identities: string[]) =>
      db.transaction(async (tx) => {
        const [inserted] = await tx.insert(conversations).values(row).returning();
        for (let i = 0; i < identities.length; i += INSERT_CHUNK) {
          const chunk = identities.slice(i, i + INSERT_CHUNK);
          await tx
            .insert(participants)
            .values(chunk.map((p) => ({ id: newId(), conversationId: row.id, identity: p })));
          // Viewer-wide subscriptions of these identities start following the conversation.
          await tx.execute(
            notifyAllStatement(chunk.map((p) => ({ type: "participantAdded", conversationId: row.id, identity: p }))),
          );
        }
        return inserted!;
      }),

    participant: (conversationId: string, identity: string) => participantRowOf(db, conversationId, identity),

    /**
     * Adds a participant unless there (then returns the existing one) or the conversation is full
     * (then `full` with the count it would reach). The conversation's row lock serialises
     * additions, so concurrent ones cannot pass the cap together.
     */
    addParticipant: (
      conversationId: string,
      identity: string,
      attributes: Record<string, unknown>,
      maxParticipants: number,
    ): Promise<{ participant: ParticipantRow } | { full: number }> =>
      db.transaction(async (tx) => {
        await tx
          .select({ id: conversations.id })
          .from(conversations)
          .where(eq(conversations.id, conversationId))
          .for("update");
        const again = await participantRowOf(tx, conversationId, identity);
        if (again) return { participant: again };
        const [count] = await tx
          .select({ n: sql<number>`count(*)::int` })
          .from(participants)
          .where(eq(participants.conversationId, conversationId));
        const n = Number(count?.n ?? 0);
        if (n >= maxParticipants) return { full: n + 1 };
        const [inserted] = await tx
          .insert(participants)
          .values({ id: newId(), conversationId, identity, attributes })
          .returning();
        await tx.execute(notifyStatement({ type: "participantAdded", conversationId, identity }));
        return { participant: inserted! };
      }),

    /** Removes a participant, publishing participantRemoved; false when not a participant. */
    removeParticipant: (conversationId: string, identity: string) =>
      db.transaction(async (tx) => {
        const gone = await tx
          .delete(participants)
          .where(and(eq(participants.conversationId, conversationId), eq(participants.identity, identity)))
          .returning({ id: participants.id });
        if (gone.length > 0)
          await tx.execute(notifyStatement({ type: "participantRemoved", conversationId, identity }));
        return gone.length > 0;
      }),

    /** Sets the read horizon (null clears it), or with `forwardOnly` moves it only forward (greatest()). */
    async setLastRead(conversationId: string, identity: string, index: number | null, forwardOnly = false) {
      const [row] = await db
        .update(participants)
        .set({
          lastReadMessageIndex: forwardOnly
            ? sql`greatest(coalesce(${participants.lastReadMessageIndex}, -1), ${index}::int)`
            : index,
        })
        .where(and(eq(participants.conversationId, conversationId), eq(participants.identity, identity)))
        .returning();
      return row;
    },

    /** Up to `limit` of `identity`'s conversations, latest activity first, after the cursor. */
    list: async (identity: string, limit: number, after?: { at: Date; id: string }) =>
      (after
        ? await LIST_AFTER.run(db, [identity, limit, after.at.toISOString(), after.id])
        : await LIST.run(db, [identity, limit])
      ).map(conversationRow),

    /** Ids of every conversation `identity` participates in. */
    idsOf: async (identity: string) => (await IDS_OF.run(db, [identity])).map((r) => r.id),

    byIds: async (ids: readonly string[]) => (await BY_IDS.run(db, [[...ids]])).map(conversationRow),

    /** Participants of these conversations, in the order they joined. */
    participantsOf: async (ids: readonly string[]) => (await PARTICIPANTS_OF.run(db, [[...ids]])).map(participantRow),
  };
}

export type ConversationRepository = ReturnType<typeof conversationRepository>;
