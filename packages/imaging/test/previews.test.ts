import { writeFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import sharp from "sharp";
import { thumbHashToApproximateAspectRatio } from "thumbhash";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PREVIEW_SIZES, previewSizeFor, renderPreviews, UnrenderableImageError } from "../src/index.ts";
import { cameraJpeg, noise, pngChunk } from "./fixtures.ts";

// A multi-page raw input (pageHeight) is what sharp turns into an animation.
declare module "sharp" {
  interface Raw {
    pageHeight?: number;
  }
}

const limits = { maxInputPixels: 100_000_000, timeoutSeconds: 20 };
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "parley-previews-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, bytes: Buffer) {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

/** A PNG that claims `width` × `height` and holds a few bytes of IDAT (a decompression bomb's header). */
function bombPng(width: number, height: number) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", ihdr),
    pngChunk("IDAT", deflateSync(Buffer.alloc(64 * 1024))),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

describe("renderPreviews", () => {
  it("makes upright WebP renditions within each standard size and a ThumbHash", async () => {
    const path = await file("rotated.jpg", await cameraJpeg({ width: 1600, height: 1200, orientation: 6 }));
    const { renditions, placeholder } = await renderPreviews(path, limits);
    expect(renditions.map((r) => r.maxSize)).toEqual([...PREVIEW_SIZES]);
    for (const r of renditions) {
      const meta = await sharp(r.bytes).metadata();
      expect(meta.format).toBe("webp");
      expect([meta.width, meta.height]).toEqual([r.width, r.height]);
      expect(Math.max(r.width, r.height)).toBe(r.maxSize);
      expect(r.height).toBeGreaterThan(r.width); // orientation 6: portrait on display
      expect(meta.exif).toBeUndefined();
    }
    expect(Buffer.from(placeholder, "base64").length).toBeLessThanOrEqual(25);
    expect(thumbHashToApproximateAspectRatio(Buffer.from(placeholder, "base64"))).toBeCloseTo(0.75, 1);
  });

  it("stops at the image's own size: never enlarges", async () => {
    const path = await file("small.png", await (await noise(300, 120, 4)).png().toBuffer());
    const { renditions } = await renderPreviews(path, limits);
    expect(renditions.map((r) => r.maxSize)).toEqual([16, 32, 64, 128, 256, 320]);
    expect(renditions.at(-1)).toMatchObject({ width: 300, height: 120 });
    expect(previewSizeFor(renditions, 1024)).toMatchObject({ maxSize: 320, width: 300 });
    expect(previewSizeFor(renditions, 200)).toMatchObject({ maxSize: 128 });
    expect(previewSizeFor(renditions, 16)).toMatchObject({ maxSize: 16 });
  });

  it("refuses a decompression bomb before decoding it", async () => {
    const path = await file("bomb.png", bombPng(60_000, 60_000));
    const started = Date.now();
    await expect(renderPreviews(path, limits)).rejects.toThrow(UnrenderableImageError);
    await expect(renderPreviews(path, limits)).rejects.toThrow(/pixel limit/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("refuses truncated and non-image files", async () => {
    const jpeg = await cameraJpeg({ width: 800, height: 600 });
    await expect(renderPreviews(await file("cut.jpg", jpeg.subarray(0, jpeg.length / 2)), limits)).rejects.toThrow(
      UnrenderableImageError,
    );
    await expect(renderPreviews(await file("text.png", Buffer.from("not a png")), limits)).rejects.toThrow(
      UnrenderableImageError,
    );
  });

  it.each(["gif", "webp"] as const)("renders the first frame of a %s with thousands of frames", async (format) => {
    const frames = 3000;
    const side = 24;
    const pixels = Buffer.alloc(side * side * 3 * frames);
    for (let f = 0; f < frames; f++) pixels.fill(f % 2 ? 200 : 30, f * side * side * 3, (f + 1) * side * side * 3);
    const strip = sharp(pixels, { raw: { width: side, height: side * frames, channels: 3, pageHeight: side } });
    const animated = await (format === "gif" ? strip.gif({ effort: 1 }) : strip.webp({ effort: 0 })).toBuffer();
    expect((await sharp(animated, { animated: true }).metadata()).pages).toBe(frames);
    const started = Date.now();
    const { renditions } = await renderPreviews(await file(`anim.${format}`, animated), limits);
    expect(renditions.at(-1)).toMatchObject({ width: 24, height: 24 });
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
