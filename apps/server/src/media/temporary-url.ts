import type { MediaRow } from "@parley/db";
import type { ObjectStore, PresignedUrl } from "@parley/storage";
import { contentDisposition } from "./content-disposition.ts";

/**
 * Presigns a GET for one attachment: local signing, no network. Active types (HTML, SVG, XML,
 * JavaScript) are forced to download; the filename travels in the disposition (RFC 5987).
 */
export function temporaryUrl(store: ObjectStore, row: MediaRow, ttlSeconds: number, now: Date): Promise<PresignedUrl> {
  return store.presignGet(row.objectKey, {
    expiresInSeconds: ttlSeconds,
    contentType: row.contentType,
    contentDisposition: contentDisposition(row.filename, row.contentType),
    now,
  });
}
