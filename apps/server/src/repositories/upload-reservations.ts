import { asc, eq, inArray, isNotNull, lte, and } from "drizzle-orm";
import { pendingUploads, type Database } from "@parley/db";

/**
 * The object keys of media uploads in flight (table `pending_uploads`). A key is reserved before
 * any byte of it reaches the store and released in the transaction that commits its media row, or
 * once a failed send has cleaned up. A key still reserved after the sweeper's grace period belongs
 * to an upload cut off by a crash or an outage; the sweeper aborts and deletes it by key, and
 * aborts its multipart upload by the id recorded when it started.
 */
export interface Reservations {
  reserve(keys: string[]): Promise<void>;
  /** `within`: a transaction to release in (the commit's release runs inside the message's). */
  release(keys: string[], within?: Database): Promise<void>;
  /** The store's upload id of a reserved key's multipart upload, once it has started. */
  recordUpload(key: string, uploadId: string): Promise<void>;
  /** The recorded upload ids of these keys (keys without one are left out). */
  uploadIds(keys: string[]): Promise<Map<string, string>>;
  /** Up to `limit` keys reserved at or before `cutoff`, oldest first, with their upload ids. */
  reservedBefore(cutoff: Date, limit: number): Promise<{ key: string; uploadId: string | null }[]>;
}

export function reservationsIn(db: Database): Reservations {
  return {
    async reserve(keys) {
      if (keys.length === 0) return;
      const createdAt = new Date();
      await db.insert(pendingUploads).values(keys.map((objectKey) => ({ objectKey, createdAt })));
    },
    async release(keys, within = db) {
      if (keys.length === 0) return;
      await within.delete(pendingUploads).where(inArray(pendingUploads.objectKey, keys));
    },
    async recordUpload(key, uploadId) {
      await db.update(pendingUploads).set({ storeUploadId: uploadId }).where(eq(pendingUploads.objectKey, key));
    },
    async uploadIds(keys) {
      if (keys.length === 0) return new Map();
      const rows = await db
        .select({ key: pendingUploads.objectKey, uploadId: pendingUploads.storeUploadId })
        .from(pendingUploads)
        .where(and(inArray(pendingUploads.objectKey, keys), isNotNull(pendingUploads.storeUploadId)));
      return new Map(rows.map((r) => [r.key, r.uploadId!]));
    },
    async reservedBefore(cutoff, limit) {
      return db
        .select({ key: pendingUploads.objectKey, uploadId: pendingUploads.storeUploadId })
        .from(pendingUploads)
        .where(lte(pendingUploads.createdAt, cutoff))
        .orderBy(asc(pendingUploads.createdAt))
        .limit(limit);
    },
  };
}
