import { SIGNED_HEADER_MAX } from "@parley/storage";

// Types a browser would execute or render as a document: always downloaded, never inline.
const ACTIVE =
  /^(text\/html|application\/xhtml\+xml|image\/svg\+xml|text\/xml|application\/xml|[a-z]+\/[a-z0-9.+-]*\+xml|text\/javascript|application\/(x-)?javascript|application\/ecmascript|text\/ecmascript|application\/pdf-active)$/;
const INLINE = /^(image|video|audio)\/|^application\/pdf$|^text\/plain$/;

export const isActiveType = (contentType: string): boolean => ACTIVE.test(baseType(contentType));

const baseType = (contentType: string) => (contentType.split(";")[0] ?? "").trim().toLowerCase();

/** RFC 5987 value: UTF-8 percent-encoded, with the characters encodeURIComponent leaves alone but 5987 does not. */
const encode5987 = (s: string) =>
  encodeURIComponent(s).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Cuts an ASCII fallback name to `room` characters, keeping a short extension so the type stays visible. */
function shorten(ascii: string, room: number): string {
  if (ascii.length <= room) return ascii;
  const ext = /\.[A-Za-z0-9]{1,16}$/.exec(ascii)?.[0] ?? "";
  return ext.length < room ? ascii.slice(0, room - ext.length) + ext : ascii.slice(0, room);
}

/**
 * RFC 6266 Content-Disposition with an ASCII fallback and an RFC 5987 `filename*` for the real name.
 * The result always fits what a temporary URL can pin (SIGNED_HEADER_MAX printable ASCII characters):
 * percent-encoding can quadruple a name (255 × "%" is 1020 characters of fallback and encoding), so the
 * fallback gives way and the exact name always survives in `filename*`.
 */
export function contentDisposition(filename: string | null, contentType: string): string {
  const type = !isActiveType(contentType) && INLINE.test(baseType(contentType)) ? "inline" : "attachment";
  if (!filename) return type;
  // One "_" per code point (u flag), so an emoji does not become two.
  const ascii = filename.replace(/[^\x20-\x7e]/gu, "_").replace(/["\\]/g, "_");
  const head = `${type}; filename="`;
  const tail = `"; filename*=UTF-8''${encode5987(filename)}`;
  const room = SIGNED_HEADER_MAX - head.length - tail.length;
  // Only a name far past the filename limit (never stored) leaves no room: then the fallback alone.
  if (room < 1) return `${head}${shorten(ascii, SIGNED_HEADER_MAX - head.length - 1)}"`;
  return `${head}${shorten(ascii, room)}${tail}`;
}
