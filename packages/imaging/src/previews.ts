import sharp, { type OutputInfo } from "sharp";
import { rgbaToThumbHash } from "thumbhash";

/**
 * The renditions made once per image; `preview(maxSize)` serves the largest of them that fits
 * maxSize (never a larger one: the contract says "at most maxSize"), so an answer is at least
 * half the size asked for from 32 up, and exact at the default 320.
 */
export const PREVIEW_SIZES = [16, 32, 64, 128, 256, 320, 512, 1024] as const;
export const PREVIEW_TYPE = "image/webp";

export interface Rendition {
  /** The standard size it was made for: its longer side is at most this. */
  maxSize: number;
  width: number;
  height: number;
  bytes: Buffer;
}

export interface PreviewSet {
  renditions: Rendition[];
  /** ThumbHash, base64. */
  placeholder: string;
}

export interface RenderLimits {
  /** Refused before decoding when width × height exceeds this (decompression bombs). */
  maxInputPixels: number;
  /** libvips gives up on one pipeline after this long. */
  timeoutSeconds: number;
}

/** The image cannot be rendered (unsupported, truncated, too many pixels, too slow): retrying will not help. */
export class UnrenderableImageError extends Error {
  override readonly name = "UnrenderableImageError";
}

/**
 * One libvips thread per image and no operation cache: previews are made one job at a time beside
 * the API, whose latency matters more, and a cache of decoded 12 MP images would be 36 MB each.
 */
export function configureSharp(options: { concurrency?: number } = {}): void {
  sharp.concurrency(options.concurrency ?? 1);
  sharp.cache(false);
}

/**
 * Renders the standard renditions (WebP, upright: EXIF orientation applied) and a ThumbHash of an
 * image file. Reads the file sequentially and shrinks while decoding where the format allows
 * (JPEG, WebP), so memory is bounded by the 1024 px intermediate, not by the file: a 150 MiB PNG
 * costs a few rows of it at a time. Animated images render their first frame.
 */
export async function renderPreviews(file: string, limits: RenderLimits): Promise<PreviewSet> {
  let base: { data: Buffer; info: OutputInfo };
  try {
    base = await sharp(file, {
      limitInputPixels: limits.maxInputPixels,
      sequentialRead: true,
      failOn: "error",
      pages: 1,
    })
      .rotate()
      .resize({ width: 1024, height: 1024, fit: "inside", withoutEnlargement: true })
      .ensureAlpha()
      .toColourspace("srgb")
      .timeout({ seconds: limits.timeoutSeconds })
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw new UnrenderableImageError(`the image could not be decoded: ${(error as Error).message}`, { cause: error });
  }
  const { width, height, channels } = base.info;
  const raw = { raw: { width, height, channels } } as const;
  const longSide = Math.max(width, height);
  const renditions: Rendition[] = [];
  for (const maxSize of PREVIEW_SIZES) {
    const out = await sharp(base.data, raw)
      .resize({ width: maxSize, height: maxSize, fit: "inside", withoutEnlargement: true })
      .webp({ quality: 78, effort: 2, alphaQuality: 80 })
      .timeout({ seconds: limits.timeoutSeconds })
      .toBuffer({ resolveWithObject: true });
    renditions.push({ maxSize, width: out.info.width, height: out.info.height, bytes: out.data });
    if (maxSize >= longSide) break; // the image itself fits: larger sizes would be the same
  }
  const small = await sharp(base.data, raw)
    .resize({ width: 100, height: 100, fit: "inside" })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const hash = rgbaToThumbHash(small.info.width, small.info.height, small.data);
  return { renditions, placeholder: Buffer.from(hash).toString("base64") };
}

/** The rendition that answers preview(maxSize): the largest standard size not above it. */
export function previewSizeFor<T extends { maxSize: number }>(available: T[], asked: number): T | undefined {
  let best: T | undefined;
  for (const r of available) if (r.maxSize <= asked && (!best || r.maxSize > best.maxSize)) best = r;
  return best ?? available.reduce<T | undefined>((min, r) => (!min || r.maxSize < min.maxSize ? r : min), undefined);
}
