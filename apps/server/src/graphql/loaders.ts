import DataLoader from "dataloader";
import type { ConversationRow, MediaPreviewRow, MediaRow, ParticipantRow } from "@parley/db";
import type { PresignedUrl } from "@parley/storage";
import type { Services } from "../services/index.ts";
import type { PageArgs } from "../services/messages.ts";

function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = out.get(k);
    if (list) list.push(row);
    else out.set(k, [row]);
  }
  return out;
}

/** Per-request batching: a page of messages costs one media query, not one per message. */
export function createLoaders(services: Services, viewer: string | null = null) {
  // One instant per request, so every URL of a response expires together.
  const now = new Date();
  // What the loaders below have read, for resolvers to answer without a promise: graphql-js completes
  // an object whose fields all answer synchronously in place, and one promise per field of a
  // 50-message page (its media and their URLs) was most of the page's cost.
  const conversationsRead = new Map<string, ConversationRow>();
  const mediaRead = new Map<string, MediaRow[]>();
  const originalUrls = new Map<string, PresignedUrl | Promise<PresignedUrl>>();
  const conversation = new DataLoader<string, ConversationRow | undefined>(async (ids) => {
    const rows = new Map((await services.conversations.byIds(ids)).map((r) => [r.id, r]));
    for (const row of rows.values()) if (!conversationsRead.has(row.id)) conversationsRead.set(row.id, row);
    return ids.map((id) => rows.get(id));
  });
  const originalUrl = (row: MediaRow): PresignedUrl | Promise<PresignedUrl> => {
    const known = originalUrls.get(row.id);
    if (known) return known;
    const signing = services.mediaUrls.original(row, now);
    originalUrls.set(row.id, signing);
    signing.then(
      (url) => originalUrls.set(row.id, url),
      () => {}, // the field that asks gets the rejection
    );
    return signing;
  };
  return {
    conversation,
    /** The conversation row a resolver already has (a page's messages all point at it). */
    primeConversation(row: ConversationRow) {
      conversation.prime(row.id, row);
      if (!conversationsRead.has(row.id)) conversationsRead.set(row.id, row);
    },
    conversationRead: (id: string) => conversationsRead.get(id),
    participants: new DataLoader<string, ParticipantRow[]>(async (ids) => {
      const rows = groupBy(await services.conversations.participantsOf(ids), (r) => r.conversationId);
      return ids.map((id) => rows.get(id) ?? []);
    }),
    media: new DataLoader<string, MediaRow[]>(async (ids) => {
      const rows = groupBy(await services.messages.mediaOf(ids), (r) => r.messageId);
      return ids.map((id) => {
        const of = rows.get(id) ?? [];
        mediaRead.set(id, of);
        return of;
      });
    }),
    /** A message's media rows once the media loader has read them, else undefined. */
    mediaRead: (messageId: string) => mediaRead.get(messageId),
    // One read per distinct page in a request: aliases asking for the same page share it.
    messagePage: new DataLoader<[string, PageArgs], Awaited<ReturnType<Services["messages"]["page"]>>, string>(
      async (keys) => Promise.all(keys.map(([id, args]) => services.messages.page(id, args))),
      {
        batch: false,
        cacheKeyFn: ([id, a]) => JSON.stringify([id, a.first, a.last, a.after, a.before]),
      },
    ),
    unreadCount: new DataLoader<string, number>(async (ids) => {
      if (!viewer) return ids.map(() => 0);
      const counts = await services.messages.unreadCounts(viewer, ids);
      return ids.map((id) => counts.get(id) ?? 0);
    }),
    previews: new DataLoader<string, MediaPreviewRow[]>(async (ids) => {
      const rows = groupBy(await services.previews.of(ids), (r) => r.mediaId);
      return ids.map((id) => rows.get(id) ?? []);
    }),
    previewUrl: new DataLoader<MediaPreviewRow, PresignedUrl, string>(
      async (rows) => Promise.all(rows.map((row) => services.mediaUrls.preview(row, now))),
      { cacheKeyFn: (row) => row.objectKey, batch: false },
    ),
    /**
     * A media row's temporary URL, the same one for every field that asks in this request: the URL
     * itself once signed, a promise while it is being signed.
     */
    originalUrl,
    /** Signs these rows' URLs ahead of their fields, which then answer synchronously. Never rejects. */
    async prepareOriginalUrls(rows: readonly MediaRow[]): Promise<void> {
      const signing: Promise<PresignedUrl>[] = [];
      for (const row of rows) {
        const url = originalUrl(row);
        if (url instanceof Promise) signing.push(url);
      }
      if (signing.length > 0) await Promise.allSettled(signing);
    },
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
