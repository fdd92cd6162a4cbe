import { and, eq, inArray, lte } from "drizzle-orm";
import { media, mediaPreviews, messages, type Database, type MediaPreviewRow } from "@parley/db";
import { notifyStatement } from "../realtime/events.ts";

/** Queries of the preview job and of Media.preview; no rules here. */
export function previewsRepository(db: Database) {
  return {
    /** The medium with what the job needs of its message, or undefined once it is gone. */
    async target(mediaId: string) {
      const [row] = await db
        .select({
          id: media.id,
          objectKey: media.objectKey,
          contentType: media.contentType,
          previewState: media.previewState,
          messageId: messages.id,
          conversationId: messages.conversationId,
          index: messages.index,
        })
        .from(media)
        .innerJoin(messages, eq(messages.id, media.messageId))
        .where(eq(media.id, mediaId));
      return row;
    },

    /**
     * Records the previews and publishes messageUpdated (reason MEDIA) in one transaction, if the
     * medium still exists and is still pending; false when it is not (removed, or another attempt won).
     */
    async complete(
      target: { id: string; messageId: string; conversationId: string; index: number },
      placeholder: string,
      rows: Omit<MediaPreviewRow, "createdAt">[],
    ): Promise<boolean> {
      return db.transaction(async (tx) => {
        const updated = await tx
          .update(media)
          .set({ previewState: "ready", placeholder })
          .where(and(eq(media.id, target.id), eq(media.previewState, "pending")))
          .returning({ id: media.id });
        if (updated.length === 0) return false;
        await tx.insert(mediaPreviews).values(rows);
        await tx.execute(
          notifyStatement({
            type: "messageUpdated",
            conversationId: target.conversationId,
            messageId: target.messageId,
            index: target.index,
            reasons: ["MEDIA"],
            updatedAt: new Date().toISOString(),
          }),
        );
        return true;
      });
    },

    async fail(mediaId: string): Promise<void> {
      await db
        .update(media)
        .set({ previewState: "failed" })
        .where(and(eq(media.id, mediaId), eq(media.previewState, "pending")));
    },

    /** Previews of many media (DataLoader batch). */
    async of(mediaIds: readonly string[]): Promise<MediaPreviewRow[]> {
      if (mediaIds.length === 0) return [];
      return db
        .select()
        .from(mediaPreviews)
        .where(inArray(mediaPreviews.mediaId, [...mediaIds]));
    },

    /** Object keys of the previews of a message's media (to delete with it). */
    async keysOfMessage(messageId: string): Promise<string[]> {
      const rows = await db
        .select({ key: mediaPreviews.objectKey })
        .from(mediaPreviews)
        .innerJoin(media, eq(media.id, mediaPreviews.mediaId))
        .where(eq(media.messageId, messageId));
      return rows.map((r) => r.key);
    },

    /** Media pending since before `cutoff` (a job lost before it was queued: a crash right after the send). */
    async pendingIds(cutoff: Date, limit: number): Promise<string[]> {
      const rows = await db
        .select({ id: media.id })
        .from(media)
        .where(and(eq(media.previewState, "pending"), lte(media.createdAt, cutoff)))
        .limit(limit);
      return rows.map((r) => r.id);
    },
  };
}

export type PreviewsRepository = ReturnType<typeof previewsRepository>;
