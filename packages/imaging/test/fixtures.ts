import { crc32 } from "node:zlib";
import sharp, { type Sharp } from "sharp";

/** What phones write: camera make/model/serial and a GPS position. */
export const CAMERA_EXIF = {
  IFD0: { Make: "Acme", Model: "Phone 9 Pro", Software: "AcmeOS 17.2", Artist: "Jane Doe" },
  IFD2: { BodySerialNumber: "SN-0042-7731", LensModel: "Acme back camera 6.86mm f/1.78" },
  IFD3: {
    GPSLatitudeRef: "N",
    GPSLatitude: "51/1 30/1 2637/100",
    GPSLongitudeRef: "W",
    GPSLongitude: "0/1 7/1 3964/100",
  },
};

export const XMP =
  '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
  '<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="51,30.44N"/></rdf:RDF></x:xmpmeta>';

/** A noisy picture (so the codecs have real work and the entropy data has 0xFF bytes to stuff). */
export async function noise(width: number, height: number, channels: 3 | 4 = 3): Promise<Sharp> {
  const pixels = Buffer.alloc(width * height * channels);
  let x = 0x2545f491;
  for (let i = 0; i < pixels.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    pixels[i] = (x >>> 0) & 0xff & (i % 7 === 0 ? 0xff : 0xf0);
  }
  return sharp(pixels, { raw: { width, height, channels } });
}

export async function cameraJpeg(
  options: { width?: number; height?: number; orientation?: number; progressive?: boolean } = {},
) {
  const { width = 320, height = 240, orientation = 1, progressive = false } = options;
  const jpeg = await (
    await noise(width, height)
  )
    .jpeg({ quality: 85, progressive })
    .withExif(CAMERA_EXIF)
    .withMetadata({ orientation })
    .withXmp(XMP)
    .toBuffer();
  // What sharp does not write but cameras and editors do: IPTC (APP13), a comment, MPF-style data after EOI.
  const iptc = segment(
    0xed,
    Buffer.from("Photoshop 3.0\0" + "8BIM\x04\x04\0\0\0\0\0\x10\x1c\x02\x5a\0\x08Berlin!!", "latin1"),
  );
  const comment = segment(0xfe, Buffer.from("shot at 51.5073N 0.1277W", "latin1"));
  const trailer = Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    segment(0xe1, Buffer.from("Exif\0\0GPS hidden", "latin1")),
    Buffer.from([0xff, 0xd9]),
  ]);
  return Buffer.concat([jpeg.subarray(0, 2), iptc, comment, jpeg.subarray(2), trailer]);
}

export function segment(marker: number, payload: Buffer): Buffer {
  const header = Buffer.from([0xff, marker, 0, 0]);
  header.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([header, payload]);
}

export function pngChunk(type: string, data: Buffer): Buffer {
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write(type, 4, "latin1");
  data.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + data.length)), 8 + data.length);
  return chunk;
}

/** A PNG with eXIf (from sharp) plus tEXt, zTXt, iTXt and tIME chunks spliced in before IDAT. */
export async function metadataPng(options: { orientation?: number } = {}) {
  const png = await (
    await noise(200, 100, 4)
  )
    .png()
    .withExif(CAMERA_EXIF)
    .withMetadata({ orientation: options.orientation ?? 1 })
    .toBuffer();
  const ihdrEnd = 8 + 25;
  const text = [
    pngChunk("tEXt", Buffer.from("Comment\0taken at home, 51.5N", "latin1")),
    pngChunk("zTXt", Buffer.from("Author\0\0x\x9c\x4b\x4c\x4a\x06\0\x02\x4d\x01\x27", "latin1")),
    pngChunk("iTXt", Buffer.from("XML:com.adobe.xmp\0\0\0\0\0" + XMP, "utf8")),
    pngChunk("tIME", Buffer.from([0x07, 0xea, 12, 2, 7, 30, 0])),
  ];
  const trailer = Buffer.from("after IEND: secrets");
  return Buffer.concat([png.subarray(0, ihdrEnd), ...text, png.subarray(ihdrEnd), trailer]);
}

/** Yields `bytes` in pieces of awkward sizes (1..max), so every header straddles chunk boundaries. */
export function* pieces(bytes: Buffer, max: number, seed = 7): Generator<Buffer> {
  let x = seed;
  for (let at = 0; at < bytes.length;) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    const n = 1 + (x % max);
    yield bytes.subarray(at, at + n);
    at += n;
  }
}

export function pngChunks(png: Buffer): string[] {
  const types: string[] = [];
  for (let at = 8; at + 8 <= png.length;) {
    const length = png.readUInt32BE(at);
    const type = png.toString("latin1", at + 4, at + 8);
    if (types.at(-1) !== type) types.push(type); // IDAT runs as one
    at += 12 + length;
    if (types.at(-1) === "IEND") break;
  }
  return types;
}

export function webpChunks(webp: Buffer): string[] {
  const types: string[] = [];
  for (let at = 12; at + 8 <= webp.length;) {
    const size = webp.readUInt32LE(at + 4);
    types.push(webp.toString("latin1", at, at + 4));
    at += 8 + size + (size & 1);
  }
  return types;
}
