import { and, asc, eq, gt, inArray, isNotNull, isNull, lte, or } from "drizzle-orm";
import { mediaUploads, type Database, type MediaUploadRow } from "@parley/db";

export type { MediaUploadRow };

/**
 * Queries of the upload sessions table (`media_uploads`); the rules are in upload-sessions.ts. A
 * row is the reservation of its object key and its store upload: whoever deletes the stored bytes
 * (abort, the sweeper) first marks the row aborted, so a send racing with them cannot commit it.
 */
export interface UploadRows {
  insert(row: Omit<MediaUploadRow, "storeUploadId" | "completedAt" | "abortedAt">): Promise<void>;
  setStoreUploadId(id: string, storeUploadId: string): Promise<void>;
  byIds(ids: string[]): Promise<MediaUploadRow[]>;
  markCompleted(id: string, at: Date): Promise<void>;
  /**
   * Marks the row aborted (unless it already is, when `onlyLive`) and returns it; null when there is
   * none to mark. Waits for a send that is committing the row, and then finds none.
   */
  claimForDeletion(
    id: string,
    where: { uploader?: string; expiredBefore?: Date; onlyLive?: boolean },
    at: Date,
  ): Promise<MediaUploadRow | null>;
  delete(id: string): Promise<void>;
  /** Deletes the rows a send commits, in its transaction; returns how many were still live at `now`. */
  consume(tx: Database, ids: string[], now: Date): Promise<number>;
  /** Up to `limit` ids of rows expired at `now` or marked aborted (cleanup left unfinished), oldest first. */
  due(now: Date, limit: number): Promise<string[]>;
  /** Which of these store upload ids / object keys belong to a row (the sweeper spares them). */
  storeUploadIdsIn(ids: string[]): Promise<Set<string>>;
  objectKeysIn(keys: string[]): Promise<Set<string>>;
}

export function uploadRowsIn(db: Database): UploadRows {
  return {
    async insert(row) {
      await db.insert(mediaUploads).values(row);
    },
    async setStoreUploadId(id, storeUploadId) {
      await db.update(mediaUploads).set({ storeUploadId }).where(eq(mediaUploads.id, id));
    },
    async byIds(ids) {
      if (ids.length === 0) return [];
      return db.select().from(mediaUploads).where(inArray(mediaUploads.id, ids));
    },
    async markCompleted(id, at) {
      await db.update(mediaUploads).set({ completedAt: at }).where(eq(mediaUploads.id, id));
    },
    async claimForDeletion(id, where, at) {
      const [row] = await db
        .update(mediaUploads)
        .set({ abortedAt: at })
        .where(
          and(
            eq(mediaUploads.id, id),
            where.uploader === undefined ? undefined : eq(mediaUploads.uploader, where.uploader),
            where.onlyLive ? isNull(mediaUploads.abortedAt) : undefined,
            where.expiredBefore === undefined
              ? undefined
              : or(lte(mediaUploads.expiresAt, where.expiredBefore), isNotNull(mediaUploads.abortedAt)),
          ),
        )
        .returning();
      return row ?? null;
    },
    async delete(id) {
      await db.delete(mediaUploads).where(eq(mediaUploads.id, id));
    },
    async consume(tx, ids, now) {
      if (ids.length === 0) return 0;
      const rows = await tx
        .delete(mediaUploads)
        .where(and(inArray(mediaUploads.id, ids), isNull(mediaUploads.abortedAt), gt(mediaUploads.expiresAt, now)))
        .returning({ id: mediaUploads.id });
      return rows.length;
    },
    async due(now, limit) {
      const rows = await db
        .select({ id: mediaUploads.id })
        .from(mediaUploads)
        .where(or(lte(mediaUploads.expiresAt, now), isNotNull(mediaUploads.abortedAt)))
        .orderBy(asc(mediaUploads.expiresAt))
        .limit(limit);
      return rows.map((r) => r.id);
    },
    async storeUploadIdsIn(ids) {
      if (ids.length === 0) return new Set();
      const rows = await db
        .select({ id: mediaUploads.storeUploadId })
        .from(mediaUploads)
        .where(inArray(mediaUploads.storeUploadId, ids));
      return new Set(rows.map((r) => r.id!));
    },
    async objectKeysIn(keys) {
      if (keys.length === 0) return new Set();
      const rows = await db
        .select({ key: mediaUploads.objectKey })
        .from(mediaUploads)
        .where(inArray(mediaUploads.objectKey, keys));
      return new Set(rows.map((r) => r.key));
    },
  };
}
