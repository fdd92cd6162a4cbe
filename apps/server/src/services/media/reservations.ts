import { asc, inArray, lte } from "drizzle-orm";
import { pendingUploads, type Database } from "@parley/db";

/**
 * The object keys of media uploads in flight (table `pending_uploads`). A key is reserved before
 * any byte of it reaches the store and released in the transaction that commits its media row, or
 * once a failed send has cleaned up. A key still reserved after the sweeper's grace period belongs
 * to an upload cut off by a crash or an outage; the sweeper aborts and deletes it by key.
 */
export interface Reservations {
  reserve(keys: string[]): Promise<void>;
  /** `within`: a transaction to release in (the commit's release runs inside the message's). */
  release(keys: string[], within?: Database): Promise<void>;
  /** Up to `limit` keys reserved at or before `cutoff`, oldest first. */
  reservedBefore(cutoff: Date, limit: number): Promise<string[]>;
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
    async reservedBefore(cutoff, limit) {
      const rows = await db
        .select({ key: pendingUploads.objectKey })
        .from(pendingUploads)
        .where(lte(pendingUploads.createdAt, cutoff))
        .orderBy(asc(pendingUploads.createdAt))
        .limit(limit);
      return rows.map((r) => r.key);
    },
  };
}
