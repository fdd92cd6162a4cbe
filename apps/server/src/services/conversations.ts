import { and, desc, eq, inArray, lt, or, sql } from "drizzle-orm";
import { conversations, participants, type ConversationRow, type Database, type ParticipantRow } from "@parley/db";
import { badInput, forbidden, notFound, tooLarge } from "../errors.ts";
import { decodeActivityCursor, encodeCursor } from "./cursor.ts";
import { uniqueViolation } from "./db-errors.ts";
import type { RateLimiter } from "./rate-limit.ts";
import { isId, newId } from "./ids.ts";
import { notifyAllStatement, notifyStatement } from "../realtime/events.ts";
import { checkAttributes, checkIdentity, checkText } from "./validation.ts";

export interface CreateConversation {
  friendlyName?: string | null;
  uniqueName?: string | null;
  attributes?: Record<string, unknown> | null;
  participants?: string[] | null;
}

const NAME_MAX = 256;
const PAGE_MAX = 100;

// Rows per INSERT: each participant row takes a few bind parameters, and a statement has at most 65535.
const INSERT_CHUNK = 1000;

export function conversationService(
  db: Database,
  limits: { attributesMaxBytes: number; maxParticipants: number },
  changes?: RateLimiter,
) {
  const overCap = (n: number) =>
    tooLarge(
      `A conversation has at most ${limits.maxParticipants} participants (CONVERSATION_MAX_PARTICIPANTS); this one would have ${n}. Nothing was changed.`,
    );

  /** The conversation, if `identity` participates in it: NOT_FOUND when missing, FORBIDDEN when not a participant. */
  async function requireParticipant(conversationId: string, identity: string): Promise<ConversationRow> {
    if (!isId(conversationId)) throw notFound("Conversation", conversationId);
    const [row] = await db
      .select({
        conversation: conversations,
        member: sql<boolean>`exists (select 1 from ${participants} p where p.conversation_id = ${conversationId} and p.identity = ${identity})`,
      })
      .from(conversations)
      .where(eq(conversations.id, conversationId));
    if (!row) throw notFound("Conversation", conversationId);
    if (!row.member) throw forbidden(`You are not a participant of conversation ${conversationId}.`);
    return row.conversation;
  }

  async function create(identity: string, input: CreateConversation): Promise<ConversationRow> {
    const attributes = checkAttributes(input.attributes, limits.attributesMaxBytes);
    const friendlyName = checkText(input.friendlyName, "friendlyName", NAME_MAX);
    const uniqueName = checkText(input.uniqueName, "uniqueName", NAME_MAX);
    // The creator is a participant; repeats (and the creator listed again) are ignored.
    const listed = input.participants ?? [];
    // Refuse an oversized list before validating it item by item.
    const unique = new Set([identity, ...listed]).size;
    if (unique > limits.maxParticipants) throw overCap(unique);
    const identities = [...new Set([identity, ...listed.map((p) => checkIdentity(p, "participants"))])];
    await changes?.take(identity);
    const id = newId();
    try {
      return await db.transaction(async (tx) => {
        const [row] = await tx
          .insert(conversations)
          .values({ id, friendlyName, uniqueName, attributes, createdBy: identity, lastActivityAt: new Date() })
          .returning();
        for (let i = 0; i < identities.length; i += INSERT_CHUNK) {
          const chunk = identities.slice(i, i + INSERT_CHUNK);
          await tx.insert(participants).values(chunk.map((p) => ({ id: newId(), conversationId: id, identity: p })));
          // Viewer-wide subscriptions of these identities start following the conversation.
          await tx.execute(
            notifyAllStatement(chunk.map((p) => ({ type: "participantAdded", conversationId: id, identity: p }))),
          );
        }
        return row!;
      });
    } catch (error) {
      if (uniqueViolation(error) === "conversations_unique_name_key") {
        throw badInput(`uniqueName "${uniqueName}" is already used by another conversation.`, { field: "uniqueName" });
      }
      throw error;
    }
  }

  /** Adds a participant; adding one who is already there returns the existing participant. */
  async function addParticipant(
    viewer: string,
    input: { conversationId: string; identity: string; attributes?: Record<string, unknown> | null },
  ): Promise<ParticipantRow> {
    await requireParticipant(input.conversationId, viewer);
    const identity = checkIdentity(input.identity);
    const attributes = checkAttributes(input.attributes, limits.attributesMaxBytes);
    const existing = async (tx: Pick<Database, "select">) =>
      (
        await tx
          .select()
          .from(participants)
          .where(and(eq(participants.conversationId, input.conversationId), eq(participants.identity, identity)))
      )[0];
    const found = await existing(db);
    if (found) return found;
    await changes?.take(viewer);
    return db.transaction(async (tx) => {
      // The conversation's row lock serialises additions, so concurrent ones cannot pass the cap together.
      await tx
        .select({ id: conversations.id })
        .from(conversations)
        .where(eq(conversations.id, input.conversationId))
        .for("update");
      const again = await existing(tx);
      if (again) return again;
      const [count] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(participants)
        .where(eq(participants.conversationId, input.conversationId));
      if (Number(count?.n ?? 0) >= limits.maxParticipants) throw overCap(Number(count?.n ?? 0) + 1);
      const [inserted] = await tx
        .insert(participants)
        .values({ id: newId(), conversationId: input.conversationId, identity, attributes })
        .returning();
      await tx.execute(notifyStatement({ type: "participantAdded", conversationId: input.conversationId, identity }));
      return inserted!;
    });
  }

  /** The creator may remove anyone, anyone may remove themselves; false when not a participant. */
  async function removeParticipant(viewer: string, conversationId: string, identity: string): Promise<boolean> {
    const c = await requireParticipant(conversationId, viewer);
    if (identity !== viewer && c.createdBy !== viewer) {
      throw forbidden(`Only the creator (${c.createdBy}) may remove other participants.`);
    }
    return db.transaction(async (tx) => {
      const gone = await tx
        .delete(participants)
        .where(and(eq(participants.conversationId, conversationId), eq(participants.identity, identity)))
        .returning({ id: participants.id });
      if (gone.length > 0) await tx.execute(notifyStatement({ type: "participantRemoved", conversationId, identity }));
      return gone.length > 0;
    });
  }

  /** Sets the viewer's read horizon; null clears it. */
  async function setLastRead(
    viewer: string,
    conversationId: string,
    index: number | null | undefined,
  ): Promise<ParticipantRow> {
    await requireParticipant(conversationId, viewer);
    if (index != null && index < 0) throw badInput("index must be 0 or more.", { field: "index" });
    const [row] = await db
      .update(participants)
      .set({ lastReadMessageIndex: index ?? null })
      .where(and(eq(participants.conversationId, conversationId), eq(participants.identity, viewer)))
      .returning();
    if (!row) throw forbidden(`You are not a participant of conversation ${conversationId}.`);
    return row;
  }

  /**
   * Moves the viewer's read horizon forward to `index`, never back: one UPDATE with greatest(), so
   * two tabs advancing at once end at the higher index whatever the order they land in.
   */
  async function advanceLastRead(viewer: string, conversationId: string, index: number): Promise<ParticipantRow> {
    await requireParticipant(conversationId, viewer);
    if (index < 0) throw badInput("index must be 0 or more.", { field: "index" });
    const [row] = await db
      .update(participants)
      .set({ lastReadMessageIndex: sql`greatest(coalesce(${participants.lastReadMessageIndex}, -1), ${index}::int)` })
      .where(and(eq(participants.conversationId, conversationId), eq(participants.identity, viewer)))
      .returning();
    if (!row) throw forbidden(`You are not a participant of conversation ${conversationId}.`);
    return row;
  }

  /** The viewer's conversations, latest activity first. */
  async function list(identity: string, args: { first?: number | null; after?: string | null }) {
    const first = args.first ?? 20;
    if (first < 0 || first > PAGE_MAX) throw badInput(`first must be between 0 and ${PAGE_MAX}.`, { field: "first" });
    const afterKey = args.after ? decodeActivityCursor(args.after, "after") : undefined;
    const member = inArray(
      conversations.id,
      db.select({ id: participants.conversationId }).from(participants).where(eq(participants.identity, identity)),
    );
    const rows = await db
      .select()
      .from(conversations)
      .where(
        afterKey
          ? and(
              member,
              or(
                lt(conversations.lastActivityAt, afterKey.at),
                and(eq(conversations.lastActivityAt, afterKey.at), lt(conversations.id, afterKey.id)),
              ),
            )
          : member,
      )
      .orderBy(desc(conversations.lastActivityAt), desc(conversations.id))
      .limit(first + 1);
    const page = rows.slice(0, first);
    const edges = page.map((node) => ({ node, cursor: encodeCursor([node.lastActivityAt.toISOString(), node.id]) }));
    return {
      edges,
      pageInfo: {
        hasNextPage: rows.length > first,
        hasPreviousPage: afterKey !== undefined,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
    };
  }

  /** Ids of every conversation `identity` participates in (viewer-wide subscriptions start from these). */
  const idsOf = async (identity: string): Promise<string[]> =>
    (
      await db.select({ id: participants.conversationId }).from(participants).where(eq(participants.identity, identity))
    ).map((r) => r.id);

  // Activity times are kept at millisecond precision (set from JS) so cursors compare exactly.
  const byIds = async (ids: readonly string[]) =>
    db
      .select()
      .from(conversations)
      .where(inArray(conversations.id, [...ids]));

  const participantsOf = async (ids: readonly string[]) =>
    db
      .select()
      .from(participants)
      .where(inArray(participants.conversationId, [...ids]))
      .orderBy(participants.createdAt, participants.id);

  return {
    requireParticipant,
    create,
    addParticipant,
    removeParticipant,
    setLastRead,
    advanceLastRead,
    list,
    byIds,
    participantsOf,
    idsOf,
  };
}

export type ConversationService = ReturnType<typeof conversationService>;
