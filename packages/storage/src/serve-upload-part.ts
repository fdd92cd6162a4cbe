import type { IncomingMessage, ServerResponse } from "node:http";
import type { Readable } from "node:stream";
import { PartRejectedError } from "./disk-upload-sessions.ts";
import { StorageUnavailableError, UploadNotFoundError } from "./object-store.ts";
import { MediaUrlError, type VerifiedPartUrl } from "./signed-url.ts";

/** What serveUploadPart needs (DiskStore.uploadSessions has it). */
export interface UploadPartSink {
  verifyPartUrl(pathname: string, searchParams: URLSearchParams, now?: Date): VerifiedPartUrl;
  receivePart(uploadId: string, number: number, size: number, body: Readable, signal?: AbortSignal): Promise<string>;
}

export interface ServeUploadPartOptions {
  /** Path and query to verify; defaults to `req.url` (pass Express's `req.originalUrl` under a mount). */
  url?: string;
  now?: Date;
  /** Told about failures that are not the client's (storage errors). */
  onError?: (error: unknown) => void;
}

function send(res: ServerResponse, status: number, code: string, message: string, close: boolean): void {
  const body = JSON.stringify({ errors: [{ message, extensions: { code } }] });
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
    "Cache-Control": "no-store",
    // A refused body is not read: the connection cannot be reused for another request.
    ...(close ? { Connection: "close" } : {}),
  });
  res.end(body);
}

/**
 * Answers a PUT of one upload session part to a URL made by the disk store's presignPart: verifies
 * the signature and expiry (403), refuses a declared length other than the signed one before
 * reading (413/400), streams exactly that many bytes into the part (encrypted), and answers 200
 * with the part's ETag. Never throws; errors become JSON responses.
 */
export async function serveUploadPart(
  sink: UploadPartSink,
  req: IncomingMessage,
  res: ServerResponse,
  options: ServeUploadPartOptions = {},
): Promise<void> {
  if (req.method !== "PUT") {
    res.setHeader("Allow", "PUT");
    send(res, 405, "BAD_USER_INPUT", "upload part URLs only answer PUT", true);
    return;
  }
  const url = new URL(options.url ?? req.url ?? "/", "http://upload.invalid");
  let granted: VerifiedPartUrl;
  try {
    granted = sink.verifyPartUrl(url.pathname, url.searchParams, options.now);
  } catch (error) {
    if (!(error instanceof MediaUrlError)) throw error;
    send(res, 403, "FORBIDDEN", error.message, true);
    return;
  }
  const declared = req.headers["content-length"];
  if (declared !== undefined && Number(declared) !== granted.size) {
    const status = Number(declared) > granted.size ? 413 : 400;
    send(
      res,
      status,
      status === 413 ? "PAYLOAD_TOO_LARGE" : "BAD_USER_INPUT",
      `part ${granted.number} takes exactly ${granted.size} bytes; this request declares ${declared}`,
      true,
    );
    return;
  }
  const abort = new AbortController();
  res.once("close", () => {
    if (!res.writableFinished) abort.abort(new Error("client disconnected"));
  });
  try {
    const etag = await sink.receivePart(granted.uploadId, granted.number, granted.size, req, abort.signal);
    res.writeHead(200, { ETag: `"${etag}"`, "Content-Length": 0, "Cache-Control": "no-store" });
    res.end();
  } catch (error) {
    if (res.headersSent || abort.signal.aborted) return void res.destroy();
    if (error instanceof UploadNotFoundError) {
      send(res, 404, "NOT_FOUND", "this upload no longer exists (sent, aborted or expired)", true);
    } else if (error instanceof PartRejectedError) {
      send(res, error.status, error.status === 413 ? "PAYLOAD_TOO_LARGE" : "BAD_USER_INPUT", error.message, true);
    } else if (error instanceof StorageUnavailableError || (error as { syscall?: string }).syscall) {
      options.onError?.(error);
      send(res, 503, "STORAGE_UNAVAILABLE", "media storage is unavailable; PUT this part again shortly", true);
    } else {
      // The request itself failed (cut short, malformed chunking): the client sees a closed connection.
      res.destroy();
    }
  }
}
