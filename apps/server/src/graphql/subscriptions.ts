import type { MessageRow } from "@parley/db";
import type { SubscriptionResolvers } from "../generated/resolvers-types.ts";
import type { ConversationEvent, MessageUpdateReason } from "../realtime/events.ts";
import type { Services } from "../services/index.ts";
import { requireViewer, type Context } from "./context.ts";

type EventOf<T extends ConversationEvent["type"]> = Extract<ConversationEvent, { type: T }>;

/**
 * The hub hands the same event object to every local subscriber. Per event, each subscription
 * field's root value is built once (one row read), and the same object goes to every subscriber:
 * subscription-delivery.ts keys its shared execution on that object.
 */
const roots = new WeakMap<ConversationEvent, Map<string, Promise<unknown>>>();
const rows = new WeakMap<ConversationEvent, Promise<MessageRow | undefined>>();

function rootOf<P>(
  event: ConversationEvent,
  field: string,
  build: () => Promise<P | undefined>,
): Promise<P | undefined> {
  let byField = roots.get(event);
  if (!byField) roots.set(event, (byField = new Map()));
  let root = byField.get(field) as Promise<P | undefined> | undefined;
  if (!root) byField.set(field, (root = build()));
  return root;
}

/** The message as the event left it, read once per event; undefined if it was removed before we could read it. */
function load(services: Services, event: EventOf<"messageAdded" | "messageUpdated">): Promise<MessageRow | undefined> {
  let row = rows.get(event);
  if (!row) rows.set(event, (row = services.messages.byIds([event.messageId]).then(([r]) => r)));
  return row;
}

/**
 * Checks participation before the first event (a refused subscription is an error, not an empty
 * stream), then maps this conversation's events of one type to payloads.
 */
async function events<T extends ConversationEvent["type"], P>(
  ctx: Context,
  conversationId: string,
  type: T,
  field: string,
  toPayload: (event: EventOf<T>) => Promise<P | undefined>,
): Promise<AsyncIterableIterator<P>> {
  const viewer = requireViewer(ctx);
  await ctx.services.conversations.requireParticipant(conversationId, viewer);
  return payloads(ctx.services.hub.subscribe(conversationId, viewer), type, field, toPayload);
}

/** The events of one type of every conversation the viewer participates in, joined later ones too. */
function viewerEvents<T extends ConversationEvent["type"], P>(
  ctx: Context,
  type: T,
  field: string,
  toPayload: (event: EventOf<T>) => Promise<P | undefined>,
): AsyncIterableIterator<P> {
  const viewer = requireViewer(ctx);
  const source = ctx.services.hub.subscribeViewer(viewer, () => ctx.services.conversations.idsOf(viewer));
  return payloads(source, type, field, toPayload);
}

function payloads<T extends ConversationEvent["type"], P>(
  source: AsyncIterableIterator<ConversationEvent>,
  type: T,
  field: string,
  toPayload: (event: EventOf<T>) => Promise<P | undefined>,
): AsyncIterableIterator<P> {
  const out: AsyncIterableIterator<P> = {
    [Symbol.asyncIterator]: () => out,
    next: async () => {
      for (;;) {
        const next = await source.next();
        if (next.done) return { value: undefined, done: true };
        if (next.value.type !== type) continue;
        const event = next.value as EventOf<T>;
        const payload = await rootOf(event, field, () => toPayload(event));
        if (payload !== undefined) return { value: payload, done: false };
      }
    },
    return: async () => {
      await source.return?.();
      return { value: undefined, done: true };
    },
  };
  return out;
}

async function updated(services: Services, e: EventOf<"messageUpdated">) {
  const message = await load(services, e);
  return message && { message, reasons: e.reasons satisfies MessageUpdateReason[] };
}

const removed = (e: EventOf<"messageRemoved">) => ({
  id: e.messageId,
  index: e.index,
  conversationId: e.conversationId,
  removedAt: new Date(e.removedAt),
});

export const subscriptionResolvers: SubscriptionResolvers<Context> = {
  messageAdded: {
    subscribe: (_, { conversationId }, ctx) =>
      events(ctx, conversationId, "messageAdded", "messageAdded", async (e) => {
        const message = await load(ctx.services, e);
        return message && { messageAdded: message };
      }) as never,
  },
  messageUpdated: {
    subscribe: (_, { conversationId }, ctx) =>
      events(ctx, conversationId, "messageUpdated", "messageUpdated", async (e) => {
        const update = await updated(ctx.services, e);
        return update && { messageUpdated: update };
      }) as never,
  },
  messageRemoved: {
    subscribe: (_, { conversationId }, ctx) =>
      events(ctx, conversationId, "messageRemoved", "messageRemoved", async (e) => ({
        messageRemoved: removed(e),
      })) as never,
  },
  viewerMessageAdded: {
    subscribe: (_, __, ctx) =>
      viewerEvents(ctx, "messageAdded", "viewerMessageAdded", async (e) => {
        const message = await load(ctx.services, e);
        return message && { viewerMessageAdded: message };
      }) as never,
  },
  viewerMessageUpdated: {
    subscribe: (_, __, ctx) =>
      viewerEvents(ctx, "messageUpdated", "viewerMessageUpdated", async (e) => {
        const update = await updated(ctx.services, e);
        return update && { viewerMessageUpdated: update };
      }) as never,
  },
  viewerMessageRemoved: {
    subscribe: (_, __, ctx) =>
      viewerEvents(ctx, "messageRemoved", "viewerMessageRemoved", async (e) => ({
        viewerMessageRemoved: removed(e),
      })) as never,
  },
};
