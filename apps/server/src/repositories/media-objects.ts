import { inArray } from "drizzle-orm";
import { media, mediaPreviews, type Database } from "@parley/db";

/** Which stored objects the database still points at: the orphan sweeper's one question to it. */
export function mediaObjectRepository(db: Database) {
  return {
    /** The keys among `keys` that a media row or a preview row references. */
    async referenced(keys: string[]): Promise<Set<string>> {
      if (keys.length === 0) return new Set();
      const originals = await db.select({ key: media.objectKey }).from(media).where(inArray(media.objectKey, keys));
      // Previews (media/<conv>/<id>.preview-<size>-<attempt>) are referenced by media_previews.
      const previews = await db
        .select({ key: mediaPreviews.objectKey })
        .from(mediaPreviews)
        .where(inArray(mediaPreviews.objectKey, keys));
      return new Set([...originals, ...previews].map((r) => r.key));
    },
  };
}

export type MediaObjectRepository = ReturnType<typeof mediaObjectRepository>;
