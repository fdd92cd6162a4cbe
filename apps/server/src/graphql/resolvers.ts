import type { MediaRow } from "@parley/db";
import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from "graphql";
import type { Resolvers } from "../generated/resolvers-types.ts";
import { previewSizeFor } from "@parley/imaging";
import { badInput, notFound } from "../errors.ts";
import { requireViewer } from "./context.ts";
import { DateTime, JSONObject, Upload } from "./scalars.ts";
import { subscriptionResolvers } from "./subscriptions.ts";

// Resolvers stay thin: authenticate, authorize, call a service, return. Those under a page of
// messages answer from what the loaders have read when they can (see createLoaders).
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
    messages: async (c, args, ctx, info) => {
      // Its messages' `conversation` is this row: no second lookup per page.
      ctx.loaders.primeConversation(c);
      const page = await ctx.loaders.messagePage.load([c.id, args]);
      // The page's media (one query, as the messages' own fields would batch it) and their URLs,
      // read before the page is returned, so that every field under it answers without a promise.
      const edges = fieldsNamed(under(info.fieldNodes), "edges", info);
      const media = fieldsNamed(under(fieldsNamed(under(edges), "node", info)), "media", info);
      if (media.length > 0) {
        const ids = page.edges.filter((e) => e.node.type === "MEDIA").map((e) => e.node.id);
        // Errors stay with the fields that ask: loadMany gives them back per message, not thrown.
        const rows = (await ctx.loaders.media.loadMany(ids)).flatMap((r) => (r instanceof Error ? [] : r));
        const urls = under(media);
        if (fieldsNamed(urls, "temporaryUrl", info).length + fieldsNamed(urls, "temporaryUrlExpiresAt", info).length) {
          await ctx.loaders.prepareOriginalUrls(rows);
        }
      }
      return page;
    },
  },

  Message: {
    conversation: (m, _, ctx) =>
      ctx.loaders.conversationRead(m.conversationId) ??
      ctx.loaders.conversation.load(m.conversationId).then((c) => {
        if (!c) throw notFound("Conversation", m.conversationId);
        return c;
      }),
    media: (m, { categories }, ctx) => {
      if (m.type !== "MEDIA") return [];
      const pick = (rows: MediaRow[]) => {
        if (!categories) return rows.filter((r) => r.category === "MEDIA");
        const wanted = new Set(categories);
        return rows.filter((r) => wanted.has(r.category));
      };
      const read = ctx.loaders.mediaRead(m.id);
      return read ? pick(read) : ctx.loaders.media.load(m.id).then(pick);
    },
  },

  Media: {
    temporaryUrl: (row, _, ctx) => {
      const url = ctx.loaders.originalUrl(row);
      return url instanceof Promise ? url.then((u) => u.url) : url.url;
    },
    temporaryUrlExpiresAt: (row, _, ctx) => {
      const url = ctx.loaders.originalUrl(row);
      return url instanceof Promise ? url.then((u) => u.expiresAt) : url.expiresAt;
    },
    preview: (row, { maxSize }, ctx) => {
      if (!Number.isInteger(maxSize) || maxSize < 16 || maxSize > 1024) {
        throw badInput(`preview(maxSize: ${maxSize}) is out of range: ask for 16..1024 px.`, { field: "maxSize" });
      }
      if (row.previewState !== "ready") return null;
      return (async () => {
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
      })();
    },
  },
};

const under = (fields: readonly FieldNode[]): SelectionSetNode[] =>
  fields.flatMap((f) => (f.selectionSet ? [f.selectionSet] : []));

/**
 * The fields named `name` selected directly in `sets`, through fragments. @skip and @include are
 * not read, so it may find a field the operation leaves out: enough to decide what to read ahead.
 */
function fieldsNamed(sets: readonly SelectionSetNode[], name: string, info: GraphQLResolveInfo): FieldNode[] {
  const found: FieldNode[] = [];
  const visit = (set: SelectionSetNode, depth: number) => {
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) {
        if (s.name.value === name) found.push(s);
      } else if (depth < 16) {
        const inner = s.kind === Kind.INLINE_FRAGMENT ? s.selectionSet : info.fragments[s.name.value]?.selectionSet;
        if (inner) visit(inner, depth + 1);
      }
    }
  };
  for (const set of sets) visit(set, 0);
  return found;
}
