import { MetadataStage } from "./metadata-stage.ts";
import { minimalExif, readOrientation, tiffOf } from "./exif-orientation.ts";

const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
const APP0 = 0xe0;
const APP1 = 0xe1;
const APP2 = 0xe2;
const APP14 = 0xee;
const COM = 0xfe;

/** SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC): the frame header with the pixel size. */
const isSof = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
/** Markers that stand alone, without a length. */
const standalone = (m: number) => m === 0x01 || (m >= 0xd0 && m <= 0xd9);

/** Segments kept by identifier: JFIF (pixel aspect), ICC profile (colour), Adobe (CMYK/YCCK transform). */
function keptApp(marker: number, id: string): boolean {
  if (marker === APP0) return id.startsWith("JFIF\0");
  if (marker === APP2) return id.startsWith("ICC_PROFILE\0");
  if (marker === APP14) return id.startsWith("Adobe");
  return false;
}

function appName(marker: number, id: string): string {
  const printable = id.replace(/\0.*$/s, "").replace(/[^\x20-\x7e]/g, "");
  return `APP${marker - APP0}${printable ? ` ${printable.slice(0, 32)}` : ""}`;
}

/**
 * JPEG: removes every APPn segment except JFIF, ICC_PROFILE and Adobe (so EXIF, XMP, extended XMP,
 * IPTC/Photoshop, MPF, FlashPix and maker segments go), COM segments, and whatever follows the
 * end of the image (MPF's appended secondary images carry their own EXIF). An EXIF orientation
 * other than 1 is written back as a minimal EXIF holding nothing else. Entropy-coded data and
 * the tables are copied byte for byte: the pixels are never decoded. With strip off it only
 * reads the frame header and the orientation and forwards everything.
 */
export class JpegStage extends MetadataStage {
  private state: "soi" | "markers" | "entropy" = "soi";

  constructor(private readonly strip: boolean) {
    super();
  }

  protected step(): boolean {
    if (this.state === "soi") return this.readSoi();
    if (this.state === "entropy") return this.scanEntropy();
    return this.readMarker();
  }

  private readSoi(): boolean {
    const b = this.peek(2);
    if (!b) return false;
    if (b[0] !== 0xff || b[1] !== SOI) return this.giveUp("no start-of-image marker");
    this.pass(2);
    this.state = "markers";
    return true;
  }

  private readMarker(): boolean {
    const b = this.peek(2);
    if (!b) return false;
    if (b[0] !== 0xff) return this.giveUp(`byte 0x${b[0]!.toString(16)} where a marker belongs`);
    const marker = b[1]!;
    if (marker === 0xff) {
      this.skip(1); // fill byte
      return true;
    }
    if (standalone(marker)) {
      this.pass(2);
      if (marker === EOI) this.endOfImage();
      return true;
    }
    const header = this.peek(4);
    if (!header) return false;
    const length = header.readUInt16BE(2);
    if (length < 2) return this.giveUp(`segment 0x${marker.toString(16)} with length ${length}`);
    const total = 2 + length;

    if (isSof(marker)) {
      const sof = this.peek(Math.min(total, 9));
      if (!sof) return false;
      if (!this.size && sof.length >= 9) this.size = { height: sof.readUInt16BE(5), width: sof.readUInt16BE(7) };
      this.pass(total);
      return true;
    }
    if (marker === APP1) {
      // Only EXIF needs its payload (at most 64 KiB) read: the orientation lives there.
      const idBytes = this.peek(Math.min(total, 10));
      if (!idBytes) return false;
      if (idBytes.toString("latin1", 4, 10) === "Exif\0\0") {
        if (this.available < total) return false;
        const segment = this.consume(total);
        this.orientation ??= readOrientation(tiffOf(segment.subarray(4)));
        if (!this.strip) {
          this.output(segment);
        } else {
          this.report.removed.push({ name: "APP1 Exif", bytes: total });
          if (this.orientation !== undefined && this.orientation !== 1) this.output(exifSegment(this.orientation));
        }
        return true;
      }
    }
    if (marker === SOS) {
      this.pass(total);
      this.state = "entropy";
      if (!this.strip && this.size) this.passRest(); // nothing more to learn
      return true;
    }
    if (this.strip && ((marker >= APP0 && marker <= 0xef) || marker === COM)) {
      const idBytes = this.peek(Math.min(total, 4 + 32));
      if (!idBytes) return false;
      const id = idBytes.toString("latin1", 4);
      if (marker === COM || !keptApp(marker, id)) {
        this.report.removed.push({ name: marker === COM ? "COM" : appName(marker, id), bytes: total });
        this.skip(total);
        return true;
      }
    }
    this.pass(total); // tables, restart interval, kept APPn
    return true;
  }

  /**
   * After SOS: copy up to the next real marker (0xFF followed by neither 0x00 stuffing nor RSTn).
   * The whole run up to it leaves in one piece: one pass() per stuffed byte cut 12 MP of entropy
   * data into tens of thousands of chunks, each a trip through every stage downstream.
   */
  private scanEntropy(): boolean {
    const chunk = this.head()!;
    for (let from = 0; ;) {
      const at = chunk.indexOf(0xff, from);
      if (at === -1) {
        this.pass(chunk.length);
        return true;
      }
      if (at + 1 < chunk.length) {
        const next = chunk[at + 1]!;
        if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) {
          from = at + 2;
          continue;
        }
        if (next === 0xff) {
          from = at + 1; // a fill byte: the marker, if any, starts at the next 0xFF
          continue;
        }
      }
      if (at > 0) {
        this.pass(at); // up to the marker, or to a 0xFF whose next byte is in the next chunk
        return true;
      }
      const b = this.peek(2);
      if (!b) return false;
      const next = b[1]!;
      if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) {
        this.pass(2);
      } else if (next === 0xff) {
        this.pass(1);
      } else {
        this.state = "markers"; // DHT/SOS of the next progressive scan, or EOI
      }
      return true;
    }
  }

  private endOfImage(): void {
    if (this.strip) this.dropRest();
    else this.passRest();
  }

  protected override finish(rest: Buffer): void {
    super.finish(rest);
    if (this.droppedRest > 0) this.report.removed.push({ name: "after EOI", bytes: this.droppedRest });
  }
}

function exifSegment(orientation: number): Buffer {
  const tiff = minimalExif(orientation);
  const header = Buffer.from([0xff, APP1, 0, 0]);
  header.writeUInt16BE(2 + 6 + tiff.length, 2);
  return Buffer.concat([header, Buffer.from("Exif\0\0", "latin1"), tiff]);
}
