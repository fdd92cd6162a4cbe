// Types a browser would execute or render as a document: always downloaded, never inline.
const ACTIVE =
  /^(text\/html|application\/xhtml\+xml|image\/svg\+xml|text\/xml|application\/xml|[a-z]+\/[a-z0-9.+-]*\+xml|text\/javascript|application\/(x-)?javascript|application\/ecmascript|text\/ecmascript|application\/pdf-active)$/;
const INLINE = /^(image|video|audio)\/|^application\/pdf$|^text\/plain$/;

export const isActiveType = (contentType: string): boolean => ACTIVE.test(baseType(contentType));

const baseType = (contentType: string) => (contentType.split(";")[0] ?? "").trim().toLowerCase();

/** RFC 6266 Content-Disposition with an ASCII fallback and an RFC 5987 `filename*` for the real name. */
export function contentDisposition(filename: string | null, contentType: string): string {
  const type = !isActiveType(contentType) && INLINE.test(baseType(contentType)) ? "inline" : "attachment";
  if (!filename) return type;
  const ascii = filename.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
