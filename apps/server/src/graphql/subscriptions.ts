import type { MessageRow } from "@parley/db";
import type { SubscriptionResolvers } from "../generated/resolvers-types.ts";
import type { ConversationEvent, MessageUpdateReason } from "../realtime/events.ts";
import { requireViewer, type Context } from "./context.ts";
import { createLoaders } from "./loaders.ts";

type EventOf<T extends ConversationEvent["type"]> = Extract<ConversationEvent, { type: T }>;

/**
 * Checks participation before the first event (a refused subscription is an error, not an empty
 * stream), then maps this conversation's events of one type to payloads.
 */
async function events<T extends ConversationEvent["type"], P>(
  ctx: Context,
  conversationId: string,
  type: T,
  toPayload: (event: EventOf<T>) => Promise<P | undefined>,
): Promise<AsyncIterableIterator<P>> {
  const viewer = requireViewer(ctx);
  await ctx.services.conversations.requireParticipant(conversationId, viewer);
  return payloads(ctx.services.hub.subscribe(conversationId, viewer), type, toPayload);
}

/** The events of one type of every conversation the viewer participates in, joined later ones too. */
function viewerEvents<T extends ConversationEvent["type"], P>(
  ctx: Context,
  type: T,
  toPayload: (event: EventOf<T>) => Promise<P | undefined>,
): AsyncIterableIterator<P> {
  const viewer = requireViewer(ctx);
  const source = ctx.services.hub.subscribeViewer(viewer, () => ctx.services.conversations.idsOf(viewer));
  return payloads(source, type, toPayload);
}

function payloads<T extends ConversationEvent["type"], P>(
  source: AsyncIterableIterator<ConversationEvent>,
  type: T,
  toPayload: (event: EventOf<T>) => Promise<P | undefined>,
): AsyncIterableIterator<P> {
  const out: AsyncIterableIterator<P> = {
    [Symbol.asyncIterator]: () => out,
    next: async () => {
      for (;;) {
        const next = await source.next();
        if (next.done) return { value: undefined, done: true };
        if (next.value.type !== type) continue;
        const payload = await toPayload(next.value as EventOf<T>);
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

/** The message as the event left it; undefined if it was removed before we could read it. */
async function load(
  ctx: Context,
  event: { type: string; messageId: string; updatedKey?: string },
): Promise<MessageRow | undefined> {
  // Fresh loaders for every event: a long subscription must not serve cached rows or old URLs.
  ctx.loaders = createLoaders(ctx.services, ctx.viewer?.identity ?? null);
  const key = `${event.type}:${event.messageId}:${event.updatedKey ?? ""}`;
  const [row] = await ctx.services.hub.shared(key, () => ctx.services.messages.byIds([event.messageId]));
  return row;
}

const added = async (ctx: Context, e: EventOf<"messageAdded">) => load(ctx, e);

async function updated(ctx: Context, e: EventOf<"messageUpdated">) {
  const message = await load(ctx, { ...e, updatedKey: e.updatedAt });
  return message && { message, reasons: e.reasons satisfies MessageUpdateReason[] };
}

const removed = async (e: EventOf<"messageRemoved">) => ({
  id: e.messageId,
  index: e.index,
  conversationId: e.conversationId,
  removedAt: new Date(e.removedAt),
});

export const subscriptionResolvers: SubscriptionResolvers<Context> = {
  messageAdded: {
    subscribe: (_, { conversationId }, ctx) =>
      events(ctx, conversationId, "messageAdded", async (e) => {
        const message = await added(ctx, e);
        return message && { messageAdded: message };
      }) as never,
  },
  messageUpdated: {
    subscribe: (_, { conversationId }, ctx) =>
      events(ctx, conversationId, "messageUpdated", async (e) => {
        const update = await updated(ctx, e);
        return update && { messageUpdated: update };
      }) as never,
  },
  messageRemoved: {
    subscribe: (_, { conversationId }, ctx) =>
      events(ctx, conversationId, "messageRemoved", async (e) => ({ messageRemoved: await removed(e) })) as never,
  },
  viewerMessageAdded: {
    subscribe: (_, __, ctx) =>
      viewerEvents(ctx, "messageAdded", async (e) => {
        const message = await added(ctx, e);
        return message && { viewerMessageAdded: message };
      }) as never,
  },
  viewerMessageUpdated: {
    subscribe: (_, __, ctx) =>
      viewerEvents(ctx, "messageUpdated", async (e) => {
        const update = await updated(ctx, e);
        return update && { viewerMessageUpdated: update };
      }) as never,
  },
  viewerMessageRemoved: {
    subscribe: (_, __, ctx) =>
      viewerEvents(ctx, "messageRemoved", async (e) => ({ viewerMessageRemoved: await removed(e) })) as never,
  },
};
