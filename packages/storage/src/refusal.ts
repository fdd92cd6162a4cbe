import type { ServerResponse } from "node:http";

/**
 * A request that a store's own route (serveSignedMedia, serveUploadPart) refuses. The storage package
 * says what went wrong; the API says it in its own error format (`formatRefusal`).
 */
export interface Refusal {
  /** The HTTP status: 400, 403, 404, 405, 413, 416, 500 or 503. */
  status: number;
  message: string;
  /** Why a media URL was refused (MediaUrlError.code: MEDIA_URL_EXPIRED, MEDIA_URL_INVALID). */
  reason?: string;
}

/** The JSON body of a refusal. Without one from the API: `{ "status", "message", "reason"? }`. */
export type FormatRefusal = (refusal: Refusal) => unknown;

const plain: FormatRefusal = (r) => ({
  status: r.status,
  message: r.message,
  ...(r.reason ? { reason: r.reason } : {}),
});

/** Answers `refusal` as JSON, never cached; a HEAD gets the headers only. */
export function sendRefusal(
  res: ServerResponse,
  refusal: Refusal,
  o: { format?: FormatRefusal; headers?: Record<string, string> },
): void {
  const body = JSON.stringify((o.format ?? plain)(refusal));
  res.writeHead(refusal.status, {
    ...o.headers,
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
    "Cache-Control": "no-store",
  });
  res.end(res.req?.method === "HEAD" ? undefined : body);
}
