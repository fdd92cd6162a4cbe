import type { MediaPreviewRow, MediaRow } from "@parley/db";
import type { Logger } from "pino";
import { isSignableHeaderValue, type ObjectStore, type PresignedUrl } from "@parley/storage";
import { contentDisposition } from "./content-disposition.ts";

// What a row whose own headers cannot be signed is served as: a download of opaque bytes.
const FALLBACK_TYPE = "application/octet-stream";
const FALLBACK_DISPOSITION = "attachment";

/**
 * Presigns a GET for one attachment: local signing, no network. Active types (HTML, SVG, XML,
 * JavaScript) are forced to download; the filename travels in the disposition (RFC 5987).
 *
 * `temporaryUrl` is non-null, so a throw here would null the message, its page and the whole
 * conversation. A stored type or name that cannot be pinned (a row written by an older version, or
 * by hand) is therefore served as a plain download instead, and reported through `onUnsignable`.
 */
export function temporaryUrl(
  store: ObjectStore,
  row: MediaRow,
  ttlSeconds: number,
  now: Date,
  onUnsignable?: (row: MediaRow) => void,
): Promise<PresignedUrl> {
  let contentType = row.contentType;
  let disposition = contentDisposition(row.filename, row.contentType);
  if (!isSignableHeaderValue(contentType) || !isSignableHeaderValue(disposition)) {
    onUnsignable?.(row);
    contentType = FALLBACK_TYPE;
    disposition = FALLBACK_DISPOSITION;
  }
  return store.presignGet(row.objectKey, {
    expiresInSeconds: ttlSeconds,
    contentType,
    contentDisposition: disposition,
    now,
  });
}

/** The temporary URLs the API hands out: originals (see temporaryUrl) and previews, MEDIA_URL_TTL_SECONDS long. */
export function mediaUrls(store: ObjectStore, ttlSeconds: number, logger: Logger) {
  return {
    original: (row: MediaRow, now: Date) =>
      temporaryUrl(store, row, ttlSeconds, now, (r) =>
        logger.error(
          { mediaId: r.id, contentType: r.contentType, filename: r.filename },
          "stored media headers cannot be signed; serving it as application/octet-stream",
        ),
      ),
    preview: (row: MediaPreviewRow, now: Date) =>
      store.presignGet(row.objectKey, {
        expiresInSeconds: ttlSeconds,
        contentType: row.contentType,
        contentDisposition: "inline",
        now,
      }),
  };
}

export type MediaUrls = ReturnType<typeof mediaUrls>;
