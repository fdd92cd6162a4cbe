import type { Resolvers } from "../generated/resolvers-types.ts";
import { previewSizeFor } from "@parley/imaging";
import { badInput, notFound } from "../errors.ts";
import { requireViewer } from "./context.ts";
import { DateTime, JSONObject, Upload } from "./scalars.ts";
import { subscriptionResolvers } from "./subscriptions.ts";

// Resolvers stay thin: authenticate, authorize, call a service, return.
export const resolvers: Resolvers = {
  DateTime,
  JSONObject,
  Upload,

  Query: {
    viewer: (_, __, ctx) => ({ identity: requireViewer(ctx) }),
    conversations: (_, args, ctx) => ctx.services.conversations.list(requireViewer(ctx), args),
    conversation: async (_, { id }, ctx) => {
      const viewer = requireViewer(ctx);
      return ctx.services.conversations.requireParticipant(id, viewer);
    },
    message: (_, { id }, ctx) => ctx.services.messages.byId(requireViewer(ctx), id),
    mediaByIds: (_, { ids }, ctx) => ctx.services.messages.mediaByIds(requireViewer(ctx), ids),
    mediaUpload: (_, { id }, ctx) => ctx.services.mediaUploads.get(requireViewer(ctx), id),
  },

  Mutation: {
    createConversation: (_, { input }, ctx) => ctx.services.conversations.create(requireViewer(ctx), input),
    addParticipant: (_, { input }, ctx) => ctx.services.conversations.addParticipant(requireViewer(ctx), input),
    sendMessage: (_, { input }, ctx) => ctx.services.messages.sendText(requireViewer(ctx), input),
    sendMediaMessage: (_, { input }, ctx) =>
      ctx.services.mediaMessages.send(
        requireViewer(ctx),
        input,
        ctx.signal,
        ctx.uploadComplete,
        ctx.uploadReceivedBytes,
      ),
    updateMessage: (_, { input }, ctx) => ctx.services.messages.update(requireViewer(ctx), input),
    removeMessage: (_, { id }, ctx) => ctx.services.messageRemoval.remove(requireViewer(ctx), id),
    removeParticipant: (_, { conversationId, identity }, ctx) =>
      ctx.services.conversations.removeParticipant(requireViewer(ctx), conversationId, identity),
    setLastReadMessageIndex: (_, { conversationId, index }, ctx) =>
      ctx.services.conversations.setLastRead(requireViewer(ctx), conversationId, index),
    advanceLastReadMessageIndex: (_, { conversationId, index }, ctx) =>
      ctx.services.conversations.advanceLastRead(requireViewer(ctx), conversationId, index),
    createMediaUpload: (_, { input }, ctx) => ctx.services.mediaUploads.create(requireViewer(ctx), input),
    abortMediaUpload: (_, { id }, ctx) => ctx.services.mediaUploads.abort(requireViewer(ctx), id),
  },

  Subscription: subscriptionResolvers,

  RemovedMessage: {
    id: (r) => r.id,
    conversationId: (r) => r.conversationId,
  },

  Conversation: {
    participants: (c, _, ctx) => ctx.loaders.participants.load(c.id),
    unreadMessagesCount: (c, _, ctx) => ctx.loaders.unreadCount.load(c.id),
    // The row's counter: no query.
    lastMessageIndex: (c) => (c.nextMessageIndex > 0 ? c.nextMessageIndex - 1 : null),
    limits: (_, __, ctx) => ctx.services.limits,
    // Reaching a Conversation object already proved participation.
    messages: (c, args, ctx) => {
      // Its messages' `conversation` is this row: no second lookup per page.
      ctx.loaders.conversation.prime(c.id, c);
      return ctx.loaders.messagePage.load([c.id, args]);
    },
  },

  Message: {
    conversation: async (m, _, ctx) => {
      const c = await ctx.loaders.conversation.load(m.conversationId);
      if (!c) throw notFound("Conversation", m.conversationId);
      return c;
    },
    media: async (m, { categories }, ctx) => {
      if (m.type !== "MEDIA") return [];
      const rows = await ctx.loaders.media.load(m.id);
      const wanted = new Set(categories ?? ["MEDIA"]);
      return rows.filter((r) => wanted.has(r.category));
    },
  },

  Media: {
    temporaryUrl: async (row, _, ctx) => (await ctx.loaders.temporaryUrl.load(row)).url,
    temporaryUrlExpiresAt: async (row, _, ctx) => (await ctx.loaders.temporaryUrl.load(row)).expiresAt,
    preview: async (row, { maxSize }, ctx) => {
      if (!Number.isInteger(maxSize) || maxSize < 16 || maxSize > 1024) {
        throw badInput(`preview(maxSize: ${maxSize}) is out of range: ask for 16..1024 px.`, { field: "maxSize" });
      }
      if (row.previewState !== "ready") return null;
      const chosen = previewSizeFor(await ctx.loaders.previews.load(row.id), maxSize);
      if (!chosen) return null;
      const url = await ctx.loaders.previewUrl.load(chosen);
      return {
        width: chosen.width,
        height: chosen.height,
        contentType: chosen.contentType,
        temporaryUrl: url.url,
        temporaryUrlExpiresAt: url.expiresAt,
      };
    },
  },
};
