/**
 * EXIF orientation: read from a TIFF-structured EXIF block, and written back as the smallest valid
 * EXIF (one IFD, one Orientation tag) so stripping everything else keeps how the image is shown.
 */

const ORIENTATION_TAG = 0x0112;
const SHORT = 3;

/** Orientation 1..8 from a TIFF block (starting at "II"/"MM"), or undefined when absent or malformed. */
export function readOrientation(tiff: Buffer): number | undefined {
  if (tiff.length < 8) return undefined;
  const order = tiff.toString("latin1", 0, 2);
  if (order !== "II" && order !== "MM") return undefined;
  const le = order === "II";
  const u16 = (at: number) => (le ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (le ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  if (u16(2) !== 42) return undefined;
  const ifd = u32(4);
  if (ifd + 2 > tiff.length) return undefined;
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > tiff.length) return undefined;
    if (u16(entry) !== ORIENTATION_TAG) continue;
    if (u16(entry + 2) !== SHORT) return undefined;
    const value = u16(entry + 8);
    return value >= 1 && value <= 8 ? value : undefined;
  }
  return undefined;
}

/** Strips a leading "Exif\0\0" (JPEG's APP1 identifier, also written into WebP/PNG by some tools). */
export function tiffOf(exif: Buffer): Buffer {
  return exif.length >= 6 && exif.toString("latin1", 0, 6) === "Exif\0\0" ? exif.subarray(6) : exif;
}

/** A 26-byte big-endian TIFF block holding only IFD0 with the Orientation tag. */
export function minimalExif(orientation: number): Buffer {
  const b = Buffer.alloc(26);
  b.write("MM", 0, "latin1");
  b.writeUInt16BE(42, 2);
  b.writeUInt32BE(8, 4); // IFD0 right after the header
  b.writeUInt16BE(1, 8); // one entry
  b.writeUInt16BE(ORIENTATION_TAG, 10);
  b.writeUInt16BE(SHORT, 12);
  b.writeUInt32BE(1, 14); // count
  b.writeUInt16BE(orientation, 18); // value, left-justified in the 4-byte field
  b.writeUInt32BE(0, 22); // no next IFD
  return b;
}

/** Orientations 5..8 turn the image a quarter: width and height swap on display. */
export function displayed(width: number, height: number, orientation: number | undefined) {
  return orientation !== undefined && orientation >= 5 ? { width: height, height: width } : { width, height };
}
