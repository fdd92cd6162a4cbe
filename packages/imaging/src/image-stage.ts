import type { Transform } from "node:stream";
import { GifStage } from "./gif-stage.ts";
import type { ImageInfo, StripReport } from "./image-info.ts";
import { JpegStage } from "./jpeg-stage.ts";
import { PngStage } from "./png-stage.ts";
import { WebpStage } from "./webp-stage.ts";

/** A stream stage for one image: bytes in, bytes out (stripped when asked), the header learnt on the way. */
export interface ImageStage {
  stream: Transform;
  /** The displayed size; known once the stream has ended (undefined when the header was unreadable). */
  info(): ImageInfo | undefined;
  /** What stripping removed; undefined for formats stored as sent. */
  report?: StripReport;
}

/** Media types whose metadata is removed when stripping is on. */
export const STRIPPED_TYPES: ReadonlySet<string> = new Set(["image/jpeg", "image/png", "image/webp"]);

/**
 * The stage for a (sniffed) media type, or undefined for types that are neither measured nor
 * stripped. `strip` removes EXIF/XMP/IPTC and text metadata from JPEG, PNG and WebP.
 */
export function imageStage(contentType: string, options: { strip: boolean }): ImageStage | undefined {
  const { strip } = options;
  switch (contentType) {
    case "image/jpeg":
      return wrap(new JpegStage(strip), strip);
    case "image/png":
    case "image/apng":
      return wrap(new PngStage(strip), strip);
    case "image/webp":
      return wrap(new WebpStage(strip), strip);
    case "image/gif":
      return wrap(new GifStage(), false);
    default:
      return undefined;
  }
}

function wrap(stage: Transform & { info(): ImageInfo | undefined; report?: StripReport }, strip: boolean): ImageStage {
  return { stream: stage, info: () => stage.info(), report: strip ? stage.report : undefined };
}
