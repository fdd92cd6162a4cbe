import type { SdkContext } from "./context.ts";
import { abortReason, codeForStatus, isAbortError, ParleyError } from "./errors.ts";
import { AbortMediaUploadDocument, CreateMediaUploadDocument, MediaUploadDocument } from "./generated/documents.ts";
import { type MediaUploadFieldsFragment, type SendMediaMessageMutation } from "./generated/graphql.ts";
import { PreparedMedia, type MediaOptions } from "./media-source.ts";
import type { Transport } from "./transport.ts";
import { uploadMediaMessage, type MediaMessageInput } from "./upload.ts";
import type { StreamingLimits } from "./upload-fetch.ts";
import { ProgressTracker, type ProgressListener } from "./upload-progress.ts";

const MiB = 1024 * 1024;

/**
 * Files of at least this many bytes (of known size) go through a resumable upload session rather
 * than the multipart request: 8 MiB is one part of the server's, the size from which a cut
 * connection costs more to send again than a session's extra round trips (create, then send).
 */
export const RESUMABLE_THRESHOLD_BYTES = 8 * MiB;
export const DEFAULT_PARALLEL_PARTS = 4;

/** How large files are uploaded: in parts, straight into storage, resumable. */
export interface ResumableUploadOptions {
  /** Files of at least this many bytes use a session (default RESUMABLE_THRESHOLD_BYTES, 8 MiB); Infinity never. */
  thresholdBytes?: number;
  /** Parts PUT at once per file (default 4). */
  parallelParts?: number;
  /**
   * Attempts after the first for one part (default 8) that fails on the network, with a 5xx, 408 or
   * 429: waits 0.5 s, 1 s, 2 s, ... (at most 10 s) between them, about a minute in all, so a
   * connection that drops and comes back is ridden out. Parts already stored are never sent again.
   */
  retries?: number;
  /** First wait between attempts of a part, doubled each time (default 500 ms, at most 10 s). */
  retryDelayMs?: number;
}

export interface UploadSessionOptions extends ResumableUploadOptions {
  /** Bytes of this file stored so far (parts already stored on a resume included); never goes backwards. */
  onProgress?: (loaded: number, total: number) => void;
  /** Aborting stops the PUTs; the upload stays resumable (abort it with abortMediaUpload to delete it). */
  signal?: AbortSignal;
  /** Told the upload's id as soon as it exists: save it to resume after a reload or a restart. */
  onUploadStarted?: (uploadId: string) => void;
}

type Upload = MediaUploadFieldsFragment;

const sleep = (ms: number, signal: AbortSignal | undefined) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });

/** A part PUT that failed; `retry` says whether trying again may help. */
class PartFailure extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly retry: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** PUTs one part to its URL with no header of the SDK's own (the URL is the credential). */
async function putPart(
  context: SdkContext,
  url: string,
  body: Blob | Uint8Array,
  onLoaded: (bytes: number) => void,
  signal: AbortSignal | undefined,
): Promise<void> {
  const useXhr =
    context.uploadMode === "xhr" || (context.uploadMode === "auto" && typeof XMLHttpRequest === "function");
  const status = useXhr
    ? await xhrPut(url, body, onLoaded, signal)
    : await fetchPut(context.transport, url, body, onLoaded, signal);
  if (status >= 200 && status < 300) return;
  const retry = status >= 500 || status === 408 || status === 429;
  throw new PartFailure(`the part PUT answered HTTP ${status}`, status, retry);
}

/** fetch with a counted body stream and the exact Content-Length (presigned URLs sign it). */
async function fetchPut(
  transport: Transport,
  url: string,
  body: Blob | Uint8Array,
  onLoaded: (bytes: number) => void,
  signal: AbortSignal | undefined,
): Promise<number> {
  const size = body instanceof Uint8Array ? body.byteLength : body.size;
  let sent = 0;
  const source =
    body instanceof Uint8Array
      ? (async function* () {
          for (let at = 0; at < body.byteLength; at += 64 * 1024) yield body.subarray(at, at + 64 * 1024);
        })()
      : (body.stream() as unknown as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  const iterator = source as AsyncIterator<Uint8Array>;
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await iterator.next();
        if (next.done) return controller.close();
        controller.enqueue(next.value);
        sent += next.value.byteLength;
        onLoaded(sent);
      },
      async cancel() {
        await iterator.return?.();
      },
    },
    { highWaterMark: 0 },
  );
  try {
    const response = await transport.fetch(url, {
      method: "PUT",
      body: stream,
      headers: { "content-length": String(size) },
      signal,
      duplex: "half",
    } as RequestInit);
    await response.arrayBuffer().catch(() => undefined);
    return response.status;
  } catch (error) {
    if (signal?.aborted) throw abortReason(signal);
    throw new PartFailure(`the part PUT failed on the network (${(error as Error).message})`, null, true, {
      cause: error,
    });
  }
}

/** Browsers: XMLHttpRequest reports upload progress (fetch does not). */
function xhrPut(
  url: string,
  body: Blob | Uint8Array,
  onLoaded: (bytes: number) => void,
  signal: AbortSignal | undefined,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const onAbort = () => xhr.abort();
    const done = () => signal?.removeEventListener("abort", onAbort);
    xhr.open("PUT", url);
    xhr.upload.onprogress = (event) => onLoaded(event.loaded);
    xhr.onload = () => {
      done();
      resolve(xhr.status);
    };
    xhr.onerror = () => {
      done();
      reject(new PartFailure("the part PUT failed on the network", null, true));
    };
    xhr.onabort = () => {
      done();
      reject(signal?.aborted ? abortReason(signal) : new DOMException("The upload was aborted.", "AbortError"));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    xhr.send(body instanceof Uint8Array ? new Blob([body as Uint8Array<ArrayBuffer>]) : body);
  });
}

/** The bytes of each part, in order: sliced from a Blob or bytes, read into memory from a stream. */
async function* partsOf(
  media: PreparedMedia,
  upload: Upload,
): AsyncGenerator<{ number: number; body: Blob | Uint8Array }> {
  if (media.slice(0, 0) !== undefined) {
    for (const p of upload.parts) {
      const start = (p.number - 1) * upload.partSize;
      yield { number: p.number, body: media.slice(start, start + p.size)! };
    }
    return;
  }
  // A stream is read once, front to back: parts already stored are read and skipped.
  let part = upload.parts[0];
  let buffer = new Uint8Array(part?.size ?? 0);
  let filled = 0;
  for await (const chunk of media.chunks()) {
    let at = 0;
    while (at < chunk.byteLength && part) {
      const n = Math.min(chunk.byteLength - at, part.size - filled);
      buffer.set(chunk.subarray(at, at + n), filled);
      filled += n;
      at += n;
      if (filled === part.size) {
        yield { number: part.number, body: buffer };
        part = upload.parts[part.number];
        buffer = new Uint8Array(part?.size ?? 0);
        filled = 0;
      }
    }
  }
  if (part) throw new ParleyError("BAD_USER_INPUT", `The media stream ended before its declared ${upload.size} bytes.`);
}

/**
 * Uploads one file through a resumable session and returns its id once every part is stored:
 * creates the session (or continues `resume`'s, PUTting only its missing parts), PUTs up to
 * `parallelParts` parts at once, retries a failed part with backoff, and asks for fresh part URLs
 * when they expired. Throws NETWORK_ERROR once a part's retries are spent; the upload stays
 * resumable (pass its id again). A `resume` id that no longer exists starts a new upload.
 */
export async function uploadThroughSession(
  context: SdkContext,
  conversationId: string,
  media: PreparedMedia,
  resume: string | undefined,
  options: UploadSessionOptions = {},
): Promise<string> {
  const { transport } = context;
  const { signal } = options;
  if (media.size === null) throw new ParleyError("BAD_USER_INPUT", "A resumable upload needs the file's size.");
  const size = media.size;
  let upload: Upload | null = null;
  if (resume) {
    upload = (await transport.request(MediaUploadDocument, { id: resume }, signal)).mediaUpload ?? null;
    if (upload && (upload.size !== size || upload.conversationId !== conversationId)) {
      throw new ParleyError(
        "BAD_USER_INPUT",
        `Upload ${resume} holds ${upload.size} bytes for conversation ${upload.conversationId}; this file has ${size} bytes for ${conversationId}.`,
      );
    }
  }
  if (!upload) {
    const created = await transport.request(
      CreateMediaUploadDocument,
      { input: { conversationId, size, filename: media.filename, contentType: media.contentType } },
      signal,
    );
    upload = created.createMediaUpload;
  }
  options.onUploadStarted?.(upload.id);
  const current = upload;
  const loaded = new Map(current.parts.map((p) => [p.number, p.uploaded ? p.size : 0]));
  const report = () =>
    options.onProgress?.(
      [...loaded.values()].reduce((a, b) => a + b, 0),
      size,
    );
  report();
  let urls = new Map(current.parts.map((p) => [p.number, p.url]));
  let refreshing: Promise<void> | undefined;
  const refreshUrls = () =>
    (refreshing ??= (async () => {
      const fresh = (await transport.request(MediaUploadDocument, { id: current.id }, signal)).mediaUpload;
      if (!fresh) throw new ParleyError("NOT_FOUND", `Upload ${current.id} expired or was aborted; start again.`);
      urls = new Map(fresh.parts.map((p) => [p.number, p.url]));
    })().finally(() => (refreshing = undefined)));

  const retries = options.retries ?? 8;
  const baseDelay = options.retryDelayMs ?? 500;
  const sendPart = async (number: number, body: Blob | Uint8Array) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await putPart(
          context,
          urls.get(number)!,
          body,
          (n) => {
            loaded.set(number, n);
            report();
          },
          signal,
        );
        loaded.set(number, current.parts[number - 1]!.size);
        report();
        return;
      } catch (error) {
        if (signal?.aborted || isAbortError(error)) throw signal?.aborted ? abortReason(signal) : error;
        if (!(error instanceof PartFailure)) throw error;
        loaded.set(number, 0);
        if (error.status === 404) {
          throw new ParleyError("NOT_FOUND", `Upload ${current.id} expired or was aborted; start again.`, {
            status: 404,
          });
        }
        // 403: the URL expired (or the clock is off); fresh ones come with every read.
        const retriable = error.retry || error.status === 403;
        if (!retriable) {
          throw new ParleyError(
            codeForStatus(error.status ?? 500),
            `Part ${number} of upload ${current.id}: ${error.message}.`,
            {
              status: error.status,
            },
          );
        }
        if (attempt >= retries) {
          throw new ParleyError(
            error.status === null ? "NETWORK_ERROR" : codeForStatus(error.status),
            `Part ${number} of upload ${current.id} failed ${attempt + 1} times (${error.message}); the parts stored so far are kept: send again, or resume upload ${current.id}, to continue.`,
            { status: error.status, cause: error },
          );
        }
        await sleep(Math.min(10_000, baseDelay * 2 ** attempt), signal);
        if (error.status === 403) await refreshUrls();
      }
    }
  };

  // Up to parallelParts in flight; a stream is read only as fast as slots free up.
  const parallel = Math.max(1, Math.floor(options.parallelParts ?? DEFAULT_PARALLEL_PARTS));
  const running = new Set<Promise<void>>();
  let failure: unknown;
  try {
    for await (const { number, body } of partsOf(media, current)) {
      if (failure !== undefined) break;
      if (current.parts[number - 1]!.uploaded) continue;
      const task: Promise<void> = sendPart(number, body)
        .catch((error: unknown) => {
          failure ??= error;
        })
        .finally(() => running.delete(task));
      running.add(task);
      while (running.size >= parallel) await Promise.race(running);
    }
  } finally {
    // Parts in flight finish (or fail) before this returns: what they store counts for a resume.
    await Promise.all(running);
  }
  if (failure !== undefined) throw failure;
  if (signal?.aborted) throw abortReason(signal);
  return current.id;
}

/** One file for a standalone upload (client.uploadMedia / resumeUpload). */
export const prepareOne = (media: MediaOptions | Blob): PreparedMedia =>
  new PreparedMedia(typeof Blob !== "undefined" && media instanceof Blob ? { media } : (media as MediaOptions), 0);

/** Deletes an unfinished upload and its stored parts; false when there was none of the viewer's. */
export async function abortUpload(transport: Transport, uploadId: string): Promise<boolean> {
  return (await transport.request(AbortMediaUploadDocument, { id: uploadId })).abortMediaUpload;
}

/**
 * A media message whose large files (ResumableUploadOptions.thresholdBytes and up, size known) go
 * through upload sessions first, the rest in the multipart request (or JSON when none is left).
 * `uploadIds` is the message's own memory of its sessions, filled as they start: sending again
 * after a failure resumes them instead of starting over. Progress covers every file.
 */
export async function sendWithSessions(
  context: SdkContext,
  input: Omit<MediaMessageInput, "uploadIds"> & { uploadIds: (string | undefined)[] },
  options: {
    resumable?: ResumableUploadOptions | false;
    onUploadStarted?: (upload: { index: number; uploadId: string }) => void;
    onProgress?: ProgressListener;
    signal?: AbortSignal;
    limits?: StreamingLimits;
  },
): Promise<SendMediaMessageMutation["sendMediaMessage"]> {
  const resumable = options.resumable === false ? undefined : (options.resumable ?? {});
  const threshold = resumable?.thresholdBytes ?? RESUMABLE_THRESHOLD_BYTES;
  const viaSession = input.media.map(
    (m, i) => resumable !== undefined && m.size !== null && m.size > 0 && (m.size >= threshold || !!input.uploadIds[i]),
  );
  if (!viaSession.some(Boolean)) {
    return uploadMediaMessage(context.transport, context.uploadMode, input, options);
  }
  const progress = new ProgressTracker(input.media, options.onProgress);
  let sent: SendMediaMessageMutation["sendMediaMessage"];
  try {
    for (const [i, m] of input.media.entries()) {
      if (!viaSession[i]) continue;
      input.uploadIds[i] = await uploadThroughSession(context, input.conversationId, m, input.uploadIds[i], {
        ...resumable,
        signal: options.signal,
        onProgress: (loaded) => progress.set(i, loaded),
        onUploadStarted: (uploadId) => {
          if (input.uploadIds[i] !== uploadId) options.onUploadStarted?.({ index: i, uploadId });
          input.uploadIds[i] = uploadId;
        },
      });
    }
    const inBody = input.media.flatMap((_, i) => (viaSession[i] ? [] : [i]));
    const uploadIds = input.media.map((_, i) => (viaSession[i] ? input.uploadIds[i] : undefined));
    sent = await uploadMediaMessage(
      context.transport,
      context.uploadMode,
      { ...input, uploadIds },
      {
        ...options,
        onProgress: (p) => p.files.forEach((f) => progress.set(inBody[f.index]!, f.loaded)),
      },
    );
  } catch (error) {
    // Cancelled: nothing stays stored, as for a multipart send (failures keep the uploads to resume).
    if (options.signal?.aborted) {
      const started = input.uploadIds.filter((id): id is string => !!id);
      input.uploadIds.fill(undefined);
      await Promise.all(started.map((id) => abortUpload(context.transport, id).catch(() => false)));
    }
    throw error;
  }
  progress.complete();
  // Used: a later send() of the same message must not name them again.
  input.uploadIds.fill(undefined);
  return sent;
}
