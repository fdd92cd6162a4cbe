import type { IncomingMessage, ServerResponse } from "node:http";
import { PartRejectedError } from "./disk-upload-sessions.ts";
import {
  StorageUnavailableError,
  UploadNotFoundError,
  type UploadPartSink,
  type VerifiedPartUrl,
} from "./object-store.ts";
import { sendRefusal, type FormatRefusal, type Refusal } from "./refusal.ts";
import { MediaUrlError } from "./signed-url.ts";

export interface ServeUploadPartOptions {
  /** Path and query to verify; defaults to `req.url` (pass Express's `req.originalUrl` under a mount). */
  url?: string;
  now?: Date;
  /** Told about failures that are not the client's (storage errors). */
  onError?: (error: unknown) => void;
  /** The API's error format for refusals (403, 404, 413...); see Refusal. */
  formatRefusal?: FormatRefusal;
}

// A refused body is not read: the connection cannot be reused for another request.
function send(res: ServerResponse, o: ServeUploadPartOptions, refusal: Refusal): void {
  sendRefusal(res, refusal, { format: o.formatRefusal, headers: { Connection: "close" } });
}

/**
 * Answers a PUT of one upload session part to a URL made by the disk store's presignPart: verifies
 * the signature and expiry (403), refuses a declared length other than the signed one before
 * reading (413/400), streams exactly that many bytes into the part (encrypted), and answers 200
 * with the part's ETag. Never throws; refusals become JSON responses in the caller's format.
 */
export async function serveUploadPart(
  sink: UploadPartSink,
  req: IncomingMessage,
  res: ServerResponse,
  options: ServeUploadPartOptions = {},
): Promise<void> {
  if (req.method !== "PUT") {
    res.setHeader("Allow", "PUT");
    send(res, options, { status: 405, message: "upload part URLs only answer PUT" });
    return;
  }
  const url = new URL(options.url ?? req.url ?? "/", "http://upload.invalid");
  let granted: VerifiedPartUrl;
  try {
    granted = sink.verifyPartUrl(url.pathname, url.searchParams, options.now);
  } catch (error) {
    if (!(error instanceof MediaUrlError)) throw error;
    send(res, options, { status: 403, message: error.message });
    return;
  }
  const declared = req.headers["content-length"];
  if (declared !== undefined && Number(declared) !== granted.size) {
    const status = Number(declared) > granted.size ? 413 : 400;
    send(res, options, {
      status,
      message: `part ${granted.number} takes exactly ${granted.size} bytes; this request declares ${declared}`,
    });
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
      send(res, options, { status: 404, message: "this upload no longer exists (sent, aborted or expired)" });
    } else if (error instanceof PartRejectedError) {
      send(res, options, { status: error.status, message: error.message });
    } else if (error instanceof StorageUnavailableError || (error as { syscall?: string }).syscall) {
      options.onError?.(error);
      send(res, options, { status: 503, message: "media storage is unavailable; PUT this part again shortly" });
    } else {
      // The request itself failed (cut short, malformed chunking): the client sees a closed connection.
      res.destroy();
    }
  }
}
