import type { IncomingMessage, ServerResponse } from "node:http";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { StorageUnavailableError, type SignedMediaSource, type VerifiedMediaUrl } from "./object-store.ts";
import { sendRefusal, type FormatRefusal, type Refusal } from "./refusal.ts";
import { MediaUrlError } from "./signed-url.ts";

export interface ServeSignedMediaOptions {
  /** Path and query to verify; defaults to `req.url` (pass Express's `req.originalUrl` under a mount). */
  url?: string;
  now?: Date;
  /** Told about failures the client cannot see in full (storage errors, integrity errors mid-stream). */
  onError?: (error: unknown) => void;
  /** The API's error format for refusals (403, 404, 416...); see Refusal. */
  formatRefusal?: FormatRefusal;
}

export type ByteRange = { start: number; end: number };

/**
 * Interprets a Range header against an object of `size` bytes (RFC 9110 §14): `null` means serve
 * the whole object (no header, several ranges, or a syntax we ignore), `"unsatisfiable"` means 416.
 */
export function parseRangeHeader(header: string | undefined, size: number): ByteRange | "unsatisfiable" | null {
  if (!header) return null;
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match) return null;
  const [, first = "", last = ""] = match;
  if (first === "" && last === "") return null;
  if (first === "") {
    const suffix = Number(last);
    if (!Number.isSafeInteger(suffix)) return null;
    if (suffix === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === "" ? Number.MAX_SAFE_INTEGER : Number(last);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || end < start) return null;
  if (start >= size) return "unsatisfiable";
  return { start, end: Math.min(end, size - 1) };
}

function sendError(
  res: ServerResponse,
  o: ServeSignedMediaOptions,
  refusal: Refusal,
  headers: Record<string, string> = {},
): void {
  sendRefusal(res, refusal, { format: o.formatRefusal, headers: { ...headers, "X-Content-Type-Options": "nosniff" } });
}

/**
 * Answers a GET or HEAD for a temporary media URL made by DiskStore.presignGet: verifies the
 * signature and expiry (403 otherwise, with `reason` MEDIA_URL_EXPIRED or MEDIA_URL_INVALID), then
 * streams the plaintext with the signed headers, honouring a single byte range (206/416). Never
 * throws; refusals become JSON responses in the caller's format (formatRefusal).
 */
export async function serveSignedMedia(
  store: SignedMediaSource,
  req: IncomingMessage,
  res: ServerResponse,
  options: ServeSignedMediaOptions = {},
): Promise<void> {
  try {
    await serve(store, req, res, options);
  } catch (error) {
    options.onError?.(error);
    if (res.headersSent) {
      res.destroy();
    } else if (error instanceof StorageUnavailableError) {
      sendError(res, options, { status: 503, message: "media storage is unavailable; try again shortly" });
    } else {
      sendError(res, options, { status: 500, message: "the media could not be read" });
    }
  }
}

async function serve(store: SignedMediaSource, req: IncomingMessage, res: ServerResponse, o: ServeSignedMediaOptions) {
  const method = req.method ?? "GET";
  if (method !== "GET" && method !== "HEAD") {
    sendError(res, o, { status: 405, message: "media URLs only answer GET and HEAD" }, { Allow: "GET, HEAD" });
    return;
  }
  const now = o.now ?? new Date();
  const url = new URL(o.url ?? req.url ?? "/", "http://media.invalid");
  let granted: VerifiedMediaUrl;
  try {
    granted = store.verifyMediaUrl(url.pathname, url.searchParams, now);
  } catch (error) {
    if (!(error instanceof MediaUrlError)) throw error;
    // `reason` tells a link to refresh (expired) from a broken one.
    sendError(res, o, { status: 403, message: error.message, reason: error.code });
    return;
  }
  const info = await store.stat(granted.key);
  if (!info) {
    sendError(res, o, { status: 404, message: "this media no longer exists" });
    return;
  }
  const size = info.size;
  const lastModified = info.lastModified.toUTCString();
  const ifRange = req.headers["if-range"];
  // Without a strong validator a Range is only honoured when If-Range names our Last-Modified.
  const range = ifRange === undefined || ifRange === lastModified ? parseRangeHeader(req.headers.range, size) : null;
  const remaining = Math.max(0, Math.floor((granted.expiresAt.getTime() - now.getTime()) / 1000));
  const headers: Record<string, string | number> = {
    "Content-Type": granted.contentType,
    "Content-Disposition": granted.contentDisposition,
    "X-Content-Type-Options": "nosniff",
    // Media is served from the API's origin: even a type rendered inline (PDF, text) runs no script
    // and reaches no origin storage there.
    "Content-Security-Policy": "sandbox",
    "Cache-Control": `private, max-age=${remaining}`,
    "Accept-Ranges": "bytes",
    "Last-Modified": lastModified,
  };
  if (range === "unsatisfiable") {
    sendError(
      res,
      o,
      { status: 416, message: `the requested range is outside the media's ${size} bytes` },
      {
        "Content-Range": `bytes */${size}`,
        "Accept-Ranges": "bytes",
      },
    );
    return;
  }
  const status = range ? 206 : 200;
  if (range) headers["Content-Range"] = `bytes ${range.start}-${range.end}/${size}`;
  headers["Content-Length"] = range ? range.end - range.start + 1 : size;
  if (method === "HEAD") {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  // Open before writing the head, so a vanished object can still be answered with 404.
  let body: Readable;
  try {
    body = range ? await store.getRange(granted.key, range.start, range.end) : await store.get(granted.key);
  } catch (error) {
    if ((error as { code?: string }).code !== "NotFound") throw error;
    sendError(res, o, { status: 404, message: "this media no longer exists" });
    return;
  }
  res.writeHead(status, headers);
  try {
    await pipeline(body, res);
  } catch (error) {
    // A client hanging up is routine; anything else (e.g. failed authentication) is worth reporting.
    if ((error as { code?: string }).code !== "ERR_STREAM_PREMATURE_CLOSE") o.onError?.(error);
    res.destroy();
  }
}
