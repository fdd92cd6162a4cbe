import { crc32 } from "node:zlib";
import { MetadataStage } from "./metadata-stage.ts";
import { minimalExif, readOrientation, tiffOf } from "./exif-orientation.ts";

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** An eXIf chunk larger than this is not read for its orientation (it is still removed). */
const MAX_EXIF_READ = 1024 * 1024;

/**
 * Ancillary chunks that describe how to show the pixels, kept; every other ancillary chunk goes
 * (eXIf, tEXt, zTXt, iTXt, tIME, and private ones such as C2PA's caBX or Apple's iDOT, whose IDAT
 * offsets removing chunks would invalidate). Critical chunks (upper-case first letter) all stay:
 * a decoder needs them. APNG's acTL/fcTL/fdAT are ancillary by spelling but carry the animation.
 */
const KEPT_ANCILLARY = new Set([
  "tRNS",
  "cHRM",
  "gAMA",
  "iCCP",
  "sBIT",
  "sRGB",
  "cICP",
  "mDCV",
  "cLLI",
  "bKGD",
  "hIST",
  "pHYs",
  "sPLT",
  "acTL",
  "fcTL",
  "fdAT",
]);

/**
 * PNG: removes metadata chunks as above (orientation written back as a minimal eXIf) and anything
 * after IEND; image chunks are copied byte for byte, CRCs included.
 */
export class PngStage extends MetadataStage {
  private signed = false;

  constructor(private readonly strip: boolean) {
    super();
  }

  protected step(): boolean {
    if (!this.signed) {
      const sig = this.peek(8);
      if (!sig) return false;
      if (!sig.equals(SIGNATURE)) return this.giveUp("no PNG signature");
      this.pass(8);
      this.signed = true;
      return true;
    }
    const header = this.peek(8);
    if (!header) return false;
    const length = header.readUInt32BE(0);
    const type = header.toString("latin1", 4, 8);
    if (length > 0x7fffffff || !/^[A-Za-z]{4}$/.test(type)) return this.giveUp(`malformed chunk header "${type}"`);
    const total = 12 + length;

    if (type === "IHDR") {
      const ihdr = this.peek(16);
      if (!ihdr) return false;
      this.size ??= { width: ihdr.readUInt32BE(8), height: ihdr.readUInt32BE(12) };
      this.pass(total);
      return true;
    }
    if (type === "IEND") {
      this.pass(total);
      if (this.strip) this.dropRest();
      else this.passRest();
      return true;
    }
    if (type === "eXIf" && length <= MAX_EXIF_READ) {
      if (this.available < total) return false;
      const chunk = this.consume(total);
      this.orientation ??= readOrientation(tiffOf(chunk.subarray(8, 8 + length)));
      if (!this.strip) this.output(chunk);
      else {
        this.report.removed.push({ name: type, bytes: total });
        if (this.orientation !== undefined && this.orientation !== 1) this.output(exifChunk(this.orientation));
      }
      return true;
    }
    const critical = type.charCodeAt(0) < 0x61;
    if (this.strip && !critical && !KEPT_ANCILLARY.has(type)) {
      this.report.removed.push({ name: type, bytes: total });
      this.skip(total);
      return true;
    }
    this.pass(total);
    // Everything needed is in IHDR and the eXIf before the pixels: no need to look further.
    if (!this.strip && type === "IDAT") this.passRest();
    return true;
  }

  protected override finish(rest: Buffer): void {
    super.finish(rest);
    if (this.droppedRest > 0) this.report.removed.push({ name: "after IEND", bytes: this.droppedRest });
  }
}

function exifChunk(orientation: number): Buffer {
  const data = minimalExif(orientation);
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write("eXIf", 4, "latin1");
  data.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + data.length)), 8 + data.length);
  return chunk;
}
