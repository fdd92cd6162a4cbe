// PNG files built chunk by chunk, for tests that need headers and chunks a real encoder would not write.
import { createDeflate, crc32 } from "node:zlib";

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** One PNG chunk: length, type, data, CRC. */
export function pngChunk(type: string, data: Buffer): Buffer {
  const c = Buffer.alloc(12 + data.length);
  c.writeUInt32BE(data.length, 0);
  c.write(type, 4, "latin1");
  data.copy(c, 8);
  c.writeUInt32BE(crc32(c.subarray(4, 8 + data.length)), 8 + data.length);
  return c;
}

/** IHDR data: `width` × `height`, 8 bits per sample, colour type 0 (grey) or 2 (RGB), no interlace. */
export function ihdr(width: number, height: number, colourType: 0 | 2): Buffer {
  const data = Buffer.alloc(13);
  data.writeUInt32BE(width, 0);
  data.writeUInt32BE(height, 4);
  data.set([8, colourType, 0, 0, 0], 8);
  return data;
}

/**
 * A side × side RGB PNG of a repeating pattern, compressed row by row (81 MP at 9000 is ~6 MB and
 * a couple of seconds of decoding), without ever holding the raw pixels.
 */
export async function largePng(side: number): Promise<Buffer> {
  const row = Buffer.alloc(1 + side * 3);
  for (let x = 0; x < side * 3; x++) row[1 + x] = (x * 7) & 0xff;
  const deflate = createDeflate({ level: 1 });
  const out: Buffer[] = [];
  deflate.on("data", (d: Buffer) => out.push(d));
  const done = new Promise((r) => deflate.once("end", r));
  for (let y = 0; y < side; y++) if (!deflate.write(row)) await new Promise((r) => deflate.once("drain", r));
  deflate.end();
  await done;
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk("IHDR", ihdr(side, side, 2)),
    pngChunk("IDAT", Buffer.concat(out)),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}
