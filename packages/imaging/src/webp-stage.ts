import { MetadataStage } from "./metadata-stage.ts";
import { minimalExif, readOrientation, tiffOf } from "./exif-orientation.ts";

const MAX_EXIF_READ = 1024 * 1024;
const VP8X_EXIF = 0x08;
const VP8X_XMP = 0x04;

/** A removed chunk, in its place in the held-back output. */
interface Removed {
  fourcc: string;
  /** Bytes in the input: header, payload, padding. */
  total: number;
  /** The EXIF chunk's orientation, to write back. */
  orientation?: number;
}

/**
 * WebP (RIFF): removes EXIF and XMP chunks, writing the orientation back as a minimal EXIF chunk.
 * RIFF carries the file's size in its first bytes, so the output is held back (up to `window`
 * bytes: every realistic WebP) and sent with the RIFF size and the VP8X EXIF/XMP flags corrected.
 * A larger file is streamed instead and keeps its size: each removed chunk becomes a "JUNK" chunk
 * of zeros (readers skip unknown chunks), with a minimal EXIF first where there was EXIF.
 */
export class WebpStage extends MetadataStage {
  private fromVp8x = false;
  private riff?: Buffer;
  private vp8x?: Buffer;
  private held: (Buffer | Removed)[] | undefined = [];
  private heldBytes = 0;

  constructor(
    private readonly strip: boolean,
    private readonly window = 4 * 1024 * 1024,
  ) {
    super();
    if (!strip) this.held = undefined;
  }

  protected step(): boolean {
    if (!this.riff) {
      const h = this.peek(12);
      if (!h) return false;
      if (h.toString("latin1", 0, 4) !== "RIFF" || h.toString("latin1", 8, 12) !== "WEBP") {
        return this.giveUp("no RIFF/WEBP header");
      }
      this.riff = this.consume(12);
      this.output(this.riff);
      return true;
    }
    const header = this.peek(8);
    if (!header) return false;
    const fourcc = header.toString("latin1", 0, 4);
    const size = header.readUInt32LE(4);
    const total = 8 + size + (size & 1);

    if (fourcc === "VP8X") {
      if (size < 10) return this.giveUp("VP8X chunk too short");
      if (this.available < total) return false;
      this.vp8x = this.consume(total);
      this.size = { width: this.vp8x.readUIntLE(12, 3) + 1, height: this.vp8x.readUIntLE(15, 3) + 1 };
      this.fromVp8x = true;
      this.output(this.vp8x);
      return true;
    }
    if (fourcc === "VP8 " && !this.fromVp8x && !this.size) {
      const b = this.peek(Math.min(total, 18));
      if (!b) return false;
      if (b.length >= 18 && b[11] === 0x9d && b[12] === 0x01 && b[13] === 0x2a) {
        this.size = { width: b.readUInt16LE(14) & 0x3fff, height: b.readUInt16LE(16) & 0x3fff };
      }
    }
    if (fourcc === "VP8L" && !this.fromVp8x && !this.size) {
      const b = this.peek(Math.min(total, 13));
      if (!b) return false;
      if (b.length >= 13 && b[8] === 0x2f) {
        const bits = b.readUInt32LE(9);
        this.size = { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
      }
    }
    if (fourcc === "EXIF" && size <= MAX_EXIF_READ) {
      if (this.available < total) return false;
      const chunk = this.consume(total);
      this.orientation ??= readOrientation(tiffOf(chunk.subarray(8, 8 + size)));
      if (this.strip) this.remove({ fourcc, total, orientation: this.orientation ?? 1 });
      else this.output(chunk);
      return true;
    }
    if (this.strip && (fourcc === "EXIF" || fourcc === "XMP ")) {
      this.remove({ fourcc, total, orientation: fourcc === "EXIF" ? 1 : undefined }, true);
      return true;
    }
    this.pass(total);
    return true;
  }

  /** Records a removed chunk; `unread` when its bytes are still to come (and must be consumed). */
  private remove(chunk: Removed, unread = false): void {
    this.report.removed.push({ name: chunk.fourcc.trim(), bytes: chunk.total });
    if (unread) this.skip(chunk.total);
    if (this.held) this.held.push(chunk);
    else this.fill(chunk, unread);
  }

  /**
   * Streaming: the removed chunk's place is filled so that every size field stays true. When its
   * bytes are still to come (`unread`), they are turned into zeros as they arrive instead of skipped.
   */
  private fill(chunk: Removed, unread: boolean): void {
    let left = chunk.total;
    if (chunk.orientation !== undefined && (left === 34 || left >= 42)) {
      this.output(exifChunk(chunk.orientation));
      left -= 34;
    }
    if (left === 0) return;
    const junk = Buffer.alloc(8);
    junk.write("JUNK", 0, "latin1");
    junk.writeUInt32LE(left - 8, 4);
    this.output(junk);
    if (unread) {
      // skip(total) is pending: blank the last left - 8 of those bytes instead.
      this.unskip(left - 8);
      this.blank(left - 8);
    } else {
      this.output(Buffer.alloc(left - 8));
    }
  }

  protected override output(bytes: Buffer): void {
    if (!this.held) return super.output(bytes);
    this.held.push(bytes);
    this.heldBytes += bytes.length;
    if (this.heldBytes > this.window) this.overflow();
  }

  /** Too big to hold back: send what is held as is, with removed chunks turned into filler. */
  private overflow(): void {
    const held = this.held!;
    this.held = undefined;
    if (this.vp8x) this.vp8x[8] = this.vp8x[8]! & ~VP8X_XMP;
    for (const item of held) {
      if (Buffer.isBuffer(item)) super.output(item);
      else this.fill(item, false);
    }
  }

  protected override finish(rest: Buffer): void {
    if (rest.length > 0) this.output(rest);
    const held = this.held;
    if (!held) return;
    this.held = undefined;
    const out: Buffer[] = [];
    let exif = false;
    for (const item of held) {
      if (Buffer.isBuffer(item)) out.push(item);
      else if (item.orientation !== undefined && item.orientation !== 1 && !exif) {
        out.push(exifChunk(item.orientation));
        exif = true;
      }
    }
    const length = out.reduce((n, b) => n + b.length, 0);
    if (this.riff && !this.report.gaveUp) this.riff.writeUInt32LE(length - 8, 4);
    if (this.vp8x) {
      const flags = this.vp8x[8]! & ~VP8X_XMP & ~VP8X_EXIF;
      this.vp8x[8] = flags | (exif ? VP8X_EXIF : 0);
    }
    for (const b of out) super.output(b);
  }
}

function exifChunk(orientation: number): Buffer {
  const data = minimalExif(orientation);
  const header = Buffer.alloc(8);
  header.write("EXIF", 0, "latin1");
  header.writeUInt32LE(data.length, 4);
  return Buffer.concat([header, data]);
}
