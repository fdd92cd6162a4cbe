const FILENAME_MAX_BYTES = 255;

/**
 * A display name only: never part of an object key. Keeps the last path segment, drops control
 * and bidi-override characters, and bounds the length (255 UTF-8 bytes, whole code points).
 */
export function sanitizeFilename(name: string | null | undefined): string | null {
  if (name == null) return null;
  const base = name.split(/[/\\]/).at(-1) ?? "";
  // eslint-disable-next-line no-control-regex
  let clean = base.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, "").trim();
  if (clean === "." || clean === "..") clean = "";
  let out = "";
  let bytes = 0;
  for (const ch of clean) {
    const n = Buffer.byteLength(ch, "utf8");
    if (bytes + n > FILENAME_MAX_BYTES) break;
    out += ch;
    bytes += n;
  }
  return out.length > 0 ? out : null;
}
