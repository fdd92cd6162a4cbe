import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import exifr from "exifr";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { imageStage } from "../src/index.ts";
import { cameraJpeg, metadataPng, noise, pieces, pngChunks, webpChunks, XMP, CAMERA_EXIF } from "./fixtures.ts";

async function run(contentType: string, input: Buffer, options: { strip?: boolean; piece?: number } = {}) {
  const stage = imageStage(contentType, { strip: options.strip ?? true })!;
  const out: Buffer[] = [];
  await pipeline(
    Readable.from(options.piece ? pieces(input, options.piece) : [input]),
    stage.stream,
    new Writable({
      write(chunk: Buffer, _e, cb) {
        out.push(chunk);
        cb();
      },
    }),
  );
  return { bytes: Buffer.concat(out), chunks: out.length, info: stage.info(), report: stage.report, stage };
}

const raw = (image: Buffer) => sharp(image).raw().toBuffer();

/** From the first SOS to EOI: the compressed pixels. */
function scans(jpeg: Buffer): Buffer {
  const sos = jpeg.indexOf(Buffer.from([0xff, 0xda]));
  const eoi = jpeg.indexOf(Buffer.from([0xff, 0xd9]), sos);
  return jpeg.subarray(sos, eoi + 2);
}

describe("JPEG", () => {
  it("removes camera and GPS EXIF, XMP, IPTC, comments and trailing data, keeping the pixels byte for byte", async () => {
    const input = await cameraJpeg();
    const before = await exifr.parse(input, { gps: true, xmp: true, iptc: true });
    expect(before).toMatchObject({ Make: "Acme", Model: "Phone 9 Pro", latitude: expect.closeTo(51.5, 1) });

    const { bytes, report, info } = await run("image/jpeg", input);
    expect(await exifr.parse(bytes, { gps: true, xmp: true, iptc: true, tiff: true, ifd1: true })).toBeUndefined();
    expect(await exifr.gps(bytes)).toBeUndefined();
    for (const secret of ["Acme", "SN-0042", "Jane Doe", "51.5", "Berlin", "GPS hidden", "adobe:ns:meta"]) {
      expect(bytes.includes(secret)).toBe(false);
    }
    expect(report!.removed.map((r) => r.name)).toEqual(
      expect.arrayContaining([
        "APP1 Exif",
        "APP1 http://ns.adobe.com/xap/1.0/",
        "APP13 Photoshop 3.0",
        "COM",
        "after EOI",
      ]),
    );
    expect(scans(bytes).equals(scans(input))).toBe(true);
    expect((await raw(bytes)).equals(await raw(input))).toBe(true);
    expect(info).toEqual({ width: 320, height: 240, orientation: 1 });
    expect(bytes.length).toBeLessThan(input.length);
  });

  it.each([6, 8, 5, 3])(
    "keeps orientation %i as a minimal EXIF and reports the displayed size",
    async (orientation) => {
      const input = await cameraJpeg({ width: 300, height: 200, orientation });
      const { bytes, info } = await run("image/jpeg", input);
      expect(await exifr.parse(bytes, { gps: true, tiff: true, exif: true, translateValues: false })).toEqual({
        Orientation: orientation,
      });
      const swapped = orientation >= 5;
      expect(info).toEqual({ width: swapped ? 200 : 300, height: swapped ? 300 : 200, orientation });
      // libvips agrees on what the viewer sees.
      const shown = await sharp(bytes).rotate().toBuffer({ resolveWithObject: true });
      expect([shown.info.width, shown.info.height]).toEqual([info!.width, info!.height]);
      expect((await raw(bytes)).equals(await raw(input))).toBe(true);
    },
  );

  it("gives the same bytes however the input is split (headers across chunk boundaries)", async () => {
    const input = await cameraJpeg({ orientation: 6, progressive: true });
    const whole = await run("image/jpeg", input);
    for (const piece of [1, 3, 17, 4096]) {
      const split = await run("image/jpeg", input, { piece });
      expect(split.bytes.equals(whole.bytes)).toBe(true);
      expect(split.info).toEqual(whole.info);
    }
    expect((await raw(whole.bytes)).equals(await raw(input))).toBe(true); // progressive: several scans
  });

  it("keeps the ICC profile and JFIF", async () => {
    const input = await (await noise(64, 64)).jpeg().withIccProfile("p3").withExif(CAMERA_EXIF).toBuffer();
    const { bytes } = await run("image/jpeg", input);
    expect((await sharp(bytes).metadata()).icc?.length).toBe((await sharp(input).metadata()).icc?.length);
    expect(bytes.includes("ICC_PROFILE\0")).toBe(true);
    expect(bytes.includes("Acme")).toBe(false);
  });

  it("with stripping off forwards every byte and still reads the size", async () => {
    const input = await cameraJpeg({ width: 120, height: 80, orientation: 8 });
    const { bytes, info } = await run("image/jpeg", input, { strip: false, piece: 100 });
    expect(bytes.equals(input)).toBe(true);
    expect(info).toEqual({ width: 80, height: 120, orientation: 8 });
  });

  it("holds no more than a segment while streaming a large image", async () => {
    const input = await (await noise(4000, 3000)).jpeg({ quality: 95 }).withExif(CAMERA_EXIF).toBuffer();
    const { bytes, stage, chunks } = await run("image/jpeg", input, { piece: 64 * 1024 });
    expect(input.length).toBeGreaterThan(5_000_000);
    expect(scans(bytes).equals(scans(input))).toBe(true);
    expect((stage.stream as unknown as { peakQueued: number }).peakQueued).toBeLessThanOrEqual(2 * 64 * 1024 + 65_537);
    // The entropy data leaves in runs, not one piece per stuffed 0xFF (which made 40,000+ chunks here).
    const given = [...pieces(input, 64 * 1024)].length;
    expect(chunks).toBeLessThanOrEqual(2 * given + 32);
  });

  it("passes a file it cannot parse through as it came", async () => {
    const input = Buffer.concat([Buffer.from([0xff, 0xd8, 0x00, 0x01, 0x02]), Buffer.alloc(100, 7)]);
    const { bytes, report, info } = await run("image/jpeg", input, { piece: 3 });
    expect(bytes.equals(input)).toBe(true);
    expect(report!.gaveUp).toMatch(/marker/);
    expect(info).toBeUndefined();
  });

  it("stores a truncated JPEG's bytes up to where it ends", async () => {
    const full = await cameraJpeg();
    const input = full.subarray(0, full.indexOf(Buffer.from([0xff, 0xda])) + 2000);
    const { bytes, info } = await run("image/jpeg", input, { piece: 9 });
    expect(info).toEqual({ width: 320, height: 240, orientation: 1 });
    const sos = Buffer.from([0xff, 0xda]);
    expect(bytes.subarray(bytes.indexOf(sos)).equals(input.subarray(input.indexOf(sos)))).toBe(true);
  });
});

describe("PNG", () => {
  it("removes eXIf, tEXt, zTXt, iTXt, tIME and what follows IEND; image chunks are copied", async () => {
    const input = await metadataPng();
    expect(pngChunks(input)).toEqual(expect.arrayContaining(["eXIf", "tEXt", "zTXt", "iTXt", "tIME"]));
    expect(await exifr.parse(input, { gps: true })).toMatchObject({ Make: "Acme" });
    const { bytes, info } = await run("image/png", input, { piece: 5 });
    expect(pngChunks(bytes)).toEqual(["IHDR", "iCCP", "pHYs", "IDAT", "IEND"]);
    expect(await exifr.parse(bytes, { gps: true, xmp: true })).toMatchObject({ ImageWidth: 200 }); // PNG header only
    expect(await exifr.gps(bytes)).toBeUndefined();
    for (const secret of ["Acme", "51.5", "adobe:ns:meta", "secrets"]) expect(bytes.includes(secret)).toBe(false);
    expect((await raw(bytes)).equals(await raw(input))).toBe(true);
    expect(info).toEqual({ width: 200, height: 100, orientation: 1 });
  });

  it("keeps orientation as a minimal eXIf", async () => {
    const input = await metadataPng({ orientation: 6 });
    const { bytes, info } = await run("image/png", input);
    expect(pngChunks(bytes)).toEqual(["IHDR", "iCCP", "eXIf", "pHYs", "IDAT", "IEND"]);
    expect(await exifr.parse(bytes, { tiff: true, translateValues: false, pick: ["Orientation", "Make"] })).toEqual({
      Orientation: 6,
    });
    expect((await sharp(bytes).metadata()).orientation).toBe(6); // CRC right: libpng reads it
    expect(info).toEqual({ width: 100, height: 200, orientation: 6 });
  });
});

describe("WebP", () => {
  async function metadataWebp(orientation = 1, size = 64) {
    return (await noise(size, size / 2))
      .webp()
      .withExif(CAMERA_EXIF)
      .withMetadata({ orientation })
      .withXmp(XMP)
      .toBuffer();
  }

  it("removes EXIF and XMP chunks, fixing the RIFF size and the VP8X flags", async () => {
    const input = await metadataWebp();
    expect(webpChunks(input)).toEqual(["VP8X", "ICCP", "VP8 ", "EXIF", "XMP "]);
    const { bytes, info } = await run("image/webp", input, { piece: 11 });
    expect(webpChunks(bytes)).toEqual(["VP8X", "ICCP", "VP8 "]);
    expect(bytes.readUInt32LE(4)).toBe(bytes.length - 8);
    expect(bytes[20]! & 0x0c).toBe(0);
    const meta = await sharp(bytes).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect((await raw(bytes)).equals(await raw(input))).toBe(true);
    expect(info).toEqual({ width: 64, height: 32, orientation: 1 });
  });

  it("keeps orientation as a minimal EXIF chunk", async () => {
    const input = await metadataWebp(6);
    const { bytes, info } = await run("image/webp", input);
    expect(webpChunks(bytes)).toEqual(["VP8X", "ICCP", "VP8 ", "EXIF"]);
    expect(bytes[20]! & 0x0c).toBe(0x08);
    const meta = await sharp(bytes).metadata();
    expect(meta.orientation).toBe(6);
    expect(bytes.includes("Acme")).toBe(false);
    expect(info).toEqual({ width: 32, height: 64, orientation: 6 });
  });

  it("streams a file larger than its window, turning removed chunks into JUNK of the same size", async () => {
    const input = await metadataWebp(6, 512);
    const stage = imageStage("image/webp", { strip: true })!;
    (stage.stream as unknown as { window: number }).window = 1024; // force the streaming path
    const out: Buffer[] = [];
    await pipeline(
      Readable.from(pieces(input, 300)),
      stage.stream,
      new Writable({
        write(chunk: Buffer, _e, cb) {
          out.push(chunk);
          cb();
        },
      }),
    );
    const bytes = Buffer.concat(out);
    expect(bytes.length).toBe(input.length);
    expect(webpChunks(bytes)).toEqual(["VP8X", "ICCP", "VP8 ", "EXIF", "JUNK", "JUNK"]);
    expect(bytes.includes("Acme")).toBe(false);
    expect(bytes.includes("adobe")).toBe(false);
    expect((await sharp(bytes).metadata()).orientation).toBe(6);
    expect((await raw(bytes)).equals(await raw(input))).toBe(true);
    expect(stage.info()).toEqual({ width: 256, height: 512, orientation: 6 });
  });

  it("reads the size of simple lossy and lossless files", async () => {
    const lossy = await (await noise(33, 17)).webp().toBuffer();
    const lossless = await (await noise(35, 19)).webp({ lossless: true }).toBuffer();
    expect((await run("image/webp", lossy)).info).toEqual({ width: 33, height: 17, orientation: undefined });
    expect((await run("image/webp", lossless, { piece: 2 })).info).toEqual({
      width: 35,
      height: 19,
      orientation: undefined,
    });
    expect((await run("image/webp", lossy)).bytes.equals(lossy)).toBe(true);
  });
});

describe("GIF", () => {
  it("reads the size and stores the bytes as sent", async () => {
    const gif = await (await noise(40, 30)).gif().toBuffer();
    const { bytes, info, report } = await run("image/gif", gif, { piece: 4 });
    expect(bytes.equals(gif)).toBe(true);
    expect(info).toEqual({ width: 40, height: 30 });
    expect(report).toBeUndefined();
  });
});

it("has no stage for other types", () => {
  expect(imageStage("application/pdf", { strip: true })).toBeUndefined();
  expect(XMP.length).toBeGreaterThan(0);
});
