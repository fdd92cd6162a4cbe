import type { Media } from "@parley/client";
import type { MediaUrlFields } from "./media-urls.ts";

/**
 * The derivative fields of the contract's second wave (Media.width/height/preview/placeholder), as
 * the SDK's Media and the API's MediaFields carry them. Absent or null (a server without them, an
 * image whose preview is not made yet) the layout falls back to fixed boxes. Nothing here invents a
 * size or a preview.
 */
export interface MediaDerivatives {
  width?: number | null;
  height?: number | null;
  placeholder?: string | null;
  preview?: {
    width: number;
    height: number;
    contentType: string;
    temporaryUrl: string;
    temporaryUrlExpiresAt: Date | string;
  } | null;
}

export const derivativesOf = (media: Media | MediaDerivatives): MediaDerivatives => media;

/** Media ids of previews in MediaUrls: the preview has its own temporary URL. */
export const previewKey = (mediaId: string) => `${mediaId}#preview`;

/** The temporary URLs of an attachment and of its preview (when it has one), for MediaUrls. */
export function urlFieldsOf(media: MediaUrlFields & MediaDerivatives): MediaUrlFields[] {
  const fields: MediaUrlFields[] = [
    { id: media.id, temporaryUrl: media.temporaryUrl, temporaryUrlExpiresAt: media.temporaryUrlExpiresAt },
  ];
  if (media.preview)
    fields.push({
      id: previewKey(media.id),
      temporaryUrl: media.preview.temporaryUrl,
      temporaryUrlExpiresAt: media.preview.temporaryUrlExpiresAt,
    });
  return fields;
}

export const mediaKind = (contentType: string): "image" | "video" | "audio" | "file" => {
  const type = contentType.split(";")[0]!.trim().toLowerCase();
  if (type.startsWith("image/") && type !== "image/svg+xml") return "image";
  if (type.startsWith("video/")) return "video";
  if (type.startsWith("audio/")) return "audio";
  return "file";
};

/** The largest side of a single photo in the thread, in CSS pixels. */
export const SINGLE_MAX_PX = 320;
/** Without dimensions a photo gets a 4:3 box: reserved, so nothing moves when it loads. */
const FALLBACK_RATIO = 4 / 3;

/** Width and height of a single photo's box: its own shape (clamped to 1:2..2:1) within 320 px. */
export function singleTileSize(d: MediaDerivatives): { width: number; height: number } {
  const known = d.width && d.height ? d.width / d.height : d.preview ? d.preview.width / d.preview.height : null;
  const ratio = Math.min(2, Math.max(0.5, known ?? FALLBACK_RATIO));
  return ratio >= 1
    ? { width: SINGLE_MAX_PX, height: Math.round(SINGLE_MAX_PX / ratio) }
    : { width: Math.round(SINGLE_MAX_PX * ratio), height: SINGLE_MAX_PX };
}

/** How many tiles a gallery of `count` photos shows, and the "+N" on the last one. */
export function galleryTiles(count: number): { shown: number; more: number } {
  const shown = Math.min(count, 4);
  return { shown, more: count - shown };
}

/** Sizes for players: video keeps its own shape when known, 16:9 otherwise. */
export function videoBoxRatio(d: MediaDerivatives): number {
  const ratio = d.width && d.height ? d.width / d.height : 16 / 9;
  return Math.min(2.4, Math.max(0.5, ratio));
}

/** "PDF document", "ZIP archive", "text file", … from the type and the name. */
export function fileTypeLabel(contentType: string, filename: string | null): string {
  const type = contentType.split(";")[0]!.trim().toLowerCase();
  const ext = filename?.includes(".") ? filename.split(".").pop()!.toLowerCase() : "";
  const known: Record<string, string> = {
    "application/pdf": "PDF document",
    "application/zip": "ZIP archive",
    "application/gzip": "GZIP archive",
    "application/json": "JSON file",
    "text/plain": "Text file",
    "text/csv": "CSV file",
    "image/svg+xml": "SVG image",
  };
  if (known[type]) return known[type];
  if (type.startsWith("text/")) return "Text file";
  if (ext && ext.length <= 8) return `${ext.toUpperCase()} file`;
  return "File";
}
