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
  return {
    conversation: new DataLoader<string, ConversationRow | undefined>(async (ids) => {
      const rows = new Map((await services.conversations.byIds(ids)).map((r) => [r.id, r]));
      return ids.map((id) => rows.get(id));
    }),
    participants: new DataLoader<string, ParticipantRow[]>(async (ids) => {
      const rows = groupBy(await services.conversations.participantsOf(ids), (r) => r.conversationId);
      return ids.map((id) => rows.get(id) ?? []);
    }),
    media: new DataLoader<string, MediaRow[]>(async (ids) => {
      const rows = groupBy(await services.messages.mediaOf(ids), (r) => r.messageId);
      return ids.map((id) => rows.get(id) ?? []);
    }),
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
    temporaryUrl: new DataLoader<MediaRow, PresignedUrl, string>(
      async (rows) => Promise.all(rows.map((row) => services.mediaUrls.original(row, now))),
      { cacheKeyFn: (row) => row.id, batch: false },
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
