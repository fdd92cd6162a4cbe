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
  const source = ctx.services.hub.subscribe(conversationId, viewer);
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

export const subscriptionResolvers: SubscriptionResolvers<Context> = {
  messageAdded: {
    subscribe: (_, { conversationId }, ctx) =>
      events(ctx, conversationId, "messageAdded", async (e) => {
        const message = await load(ctx, e);
        return message && { messageAdded: message };
      }) as never,
  },
  messageUpdated: {
    subscribe: (_, { conversationId }, ctx) =>
      events(ctx, conversationId, "messageUpdated", async (e) => {
        const message = await load(ctx, { ...e, updatedKey: e.updatedAt });
        return message && { messageUpdated: { message, reasons: e.reasons satisfies MessageUpdateReason[] } };
      }) as never,
  },
  messageRemoved: {
    subscribe: (_, { conversationId }, ctx) =>
      events(ctx, conversationId, "messageRemoved", async (e) => ({
        messageRemoved: {
          id: e.messageId,
          index: e.index,
          conversationId: e.conversationId,
          removedAt: new Date(e.removedAt),
        },
      })) as never,
  },
};
