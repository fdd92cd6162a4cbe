import { uniqueViolation, type ConversationRow, type Database, type ParticipantRow } from "@parley/db";
import { badInput, forbidden, notFound, tooLarge } from "../errors.ts";
import { conversationRepository } from "../repositories/conversations.ts";
import { decodeActivityCursor } from "./cursor.ts";
import type { RateLimiter } from "./rate-limit.ts";
import { isId, newId } from "./ids.ts";
import { connection, pageSize } from "./paging.ts";
import { checkAttributes, checkIdentity, checkText } from "./validation.ts";

export interface CreateConversation {
  friendlyName?: string | null;
  uniqueName?: string | null;
  attributes?: Record<string, unknown> | null;
  participants?: string[] | null;
}

const NAME_MAX = 256;
const PAGE_DEFAULT = 20;

export function conversationService(
  db: Database,
  limits: { attributesMaxBytes: number; maxParticipants: number },
  changes?: RateLimiter,
) {
  const repo = conversationRepository(db);
  const overCap = (n: number) =>
    tooLarge(
      `A conversation has at most ${limits.maxParticipants} participants (CONVERSATION_MAX_PARTICIPANTS); this one would have ${n}. Nothing was changed.`,
    );

  /** The conversation, if `identity` participates in it: NOT_FOUND when missing, FORBIDDEN when not a participant. */
  async function requireParticipant(conversationId: string, identity: string): Promise<ConversationRow> {
    if (!isId(conversationId)) throw notFound("Conversation", conversationId);
    const row = await repo.withMembership(conversationId, identity);
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
    try {
      return await repo.create(
        { id: newId(), friendlyName, uniqueName, attributes, createdBy: identity, lastActivityAt: new Date() },
        identities,
      );
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
    const found = await repo.participant(input.conversationId, identity);
    if (found) return found;
    await changes?.take(viewer);
    const added = await repo.addParticipant(input.conversationId, identity, attributes, limits.maxParticipants);
    if ("full" in added) throw overCap(added.full);
    return added.participant;
  }

  /** The creator may remove anyone, anyone may remove themselves; false when not a participant. */
  async function removeParticipant(viewer: string, conversationId: string, identity: string): Promise<boolean> {
    const c = await requireParticipant(conversationId, viewer);
    if (identity !== viewer && c.createdBy !== viewer) {
      throw forbidden(`Only the creator (${c.createdBy}) may remove other participants.`);
    }
    return repo.removeParticipant(conversationId, identity);
  }

  /** Sets the viewer's read horizon; null clears it. */
  async function setLastRead(
    viewer: string,
    conversationId: string,
    index: number | null | undefined,
  ): Promise<ParticipantRow> {
    await requireParticipant(conversationId, viewer);
    if (index != null && index < 0) throw badInput("index must be 0 or more.", { field: "index" });
    const row = await repo.setLastRead(conversationId, viewer, index ?? null);
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
    const row = await repo.setLastRead(conversationId, viewer, index, true);
    if (!row) throw forbidden(`You are not a participant of conversation ${conversationId}.`);
    return row;
  }

  /** The viewer's conversations, latest activity first. */
  async function list(identity: string, args: { first?: number | null; after?: string | null }) {
    const first = pageSize(args.first, "first") ?? PAGE_DEFAULT;
    const afterKey = args.after ? decodeActivityCursor(args.after, "after") : undefined;
    const rows = await repo.list(identity, first + 1, afterKey);
    // Activity times are kept at millisecond precision (set from JS) so cursors compare exactly.
    return connection(rows.slice(0, first), (node) => [node.lastActivityAt.toISOString(), node.id], {
      hasNextPage: rows.length > first,
      hasPreviousPage: afterKey !== undefined,
    });
  }

  return {
    requireParticipant,
    create,
    addParticipant,
    removeParticipant,
    setLastRead,
    advanceLastRead,
    list,
    byIds: repo.byIds,
    participantsOf: repo.participantsOf,
    /** Ids of every conversation `identity` participates in (viewer-wide subscriptions start from these). */
    idsOf: repo.idsOf,
  };
}

export type ConversationService = ReturnType<typeof conversationService>;
