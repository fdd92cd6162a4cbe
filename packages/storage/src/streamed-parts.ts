import { request as httpRequest, type ClientRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { StorageUnavailableError } from "./object-store.ts";

/** Where a part goes: a URL that accepts one unsigned-payload PUT of it (see sigV4Presigner). */
export type PartUrl = (partNumber: number) => string;

const ATTEMPTS = 3;
const RETRY_DELAY_MS = 200;
const RESPONSE_TIMEOUT_MS = 120_000;
// Answers worth another attempt: the store was busy or lost quorum, or (S3) it gave up waiting for
// a body that arrived too slowly.
const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);

class PartRefused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly retryable: boolean,
  ) {
    super(`the store refused a part: ${status} ${code}`);
  }
}

/**
 * One part of a multipart upload, sent while its bytes arrive. It keeps the bytes it was given
 * (references to the caller's chunks, never copies) until the store has acknowledged it, so a
 * failed attempt is sent again from the start, and a part that turns out to be the last one, shorter
 * than planned, is sent again with its real length.
 */
class StreamedPart {
  private readonly chunks: Buffer[] = [];
  private bytes = 0;
  private length: number;
  private ended = false;
  private attempt: { req: ClientRequest; failed: boolean } | undefined;
  private attempts = 0;
  private drainWaiter: (() => void) | undefined;
  private settle!: { resolve: (etag: string) => void; reject: (error: Error) => void };
  private failure: Error | undefined;
  /** The part's ETag once stored; rejects when it cannot be. */
  readonly done: Promise<string>;

  constructor(
    readonly number: number,
    plannedLength: number,
    private readonly url: string,
    /** Told when the part cannot be stored, so the upload stops reading at once. */
    onFailure: (error: Error) => void,
  ) {
    this.length = plannedLength;
    this.done = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
    this.done.catch(onFailure);
    this.send();
  }

  /** Bytes still missing from the planned length. */
  get room(): number {
    return this.length - this.bytes;
  }

  /** Adds bytes (at most `room`); resolves when the connection can take more. */
  async write(chunk: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    const current = this.attempt;
    if (current && !current.failed && !current.req.write(chunk)) {
      await new Promise<void>((resolve) => (this.drainWaiter = resolve));
    }
    if (this.bytes === this.length) this.end();
  }

  /** The source ended inside this part: it is the last one, as long as what it holds. */
  endShort(): void {
    if (this.ended) return;
    this.length = this.bytes;
    this.dropAttempt();
    this.ended = true;
    this.send();
  }

  /** Stops every attempt (the upload failed elsewhere or was aborted). */
  cancel(error: Error): void {
    this.failure ??= error;
    this.dropAttempt();
    this.settle.reject(this.failure);
  }

  private end(): void {
    this.ended = true;
    this.attempt?.req.end();
  }

  private dropAttempt(): void {
    const current = this.attempt;
    this.attempt = undefined;
    if (current) {
      current.failed = true;
      current.req.destroy();
    }
    this.wake();
  }

  private wake(): void {
    const w = this.drainWaiter;
    this.drainWaiter = undefined;
    w?.();
  }

  private send(): void {
    if (this.failure) return;
    this.attempts++;
    const url = new URL(this.url);
    const request = url.protocol === "https:" ? httpsRequest : httpRequest;
    const req = request(url, { method: "PUT", headers: { "content-length": String(this.length) } });
    const attempt = { req, failed: false };
    this.attempt = attempt;
    req.on("drain", () => this.wake());
    // Idle while bytes are still coming is the sender's pace; once they are all sent, the store
    // must answer in time or the attempt counts as failed.
    req.on("finish", () =>
      req.setTimeout(RESPONSE_TIMEOUT_MS, () => req.destroy(new Error("no answer to a part in time"))),
    );
    req.on("response", (res) => {
      readAnswer(res).then(
        (answer) => {
          if (attempt.failed) return;
          if (res.statusCode === 200 && answer.etag) {
            this.attempt = undefined;
            this.chunks.length = 0; // the store has them: let them go
            this.settle.resolve(answer.etag);
            return;
          }
          const code = /<Code>([^<]*)<\/Code>/.exec(answer.body)?.[1] ?? "";
          const status = res.statusCode ?? 0;
          this.retryOrFail(
            attempt,
            new PartRefused(status, code, RETRYABLE_STATUS.has(status) || code === "RequestTimeout"),
          );
        },
        (error: Error) => this.retryOrFail(attempt, error),
      );
    });
    req.on("error", (error) => this.retryOrFail(attempt, error));
    // What arrived so far (everything, on a second attempt); the rest follows through write().
    for (const chunk of this.chunks) req.write(chunk);
    if (this.ended) req.end();
  }

  private retryOrFail(attempt: { req: ClientRequest; failed: boolean }, error: Error): void {
    if (attempt.failed || this.attempt !== attempt) return;
    attempt.failed = true;
    attempt.req.destroy();
    this.attempt = undefined;
    const retryable = error instanceof PartRefused ? error.retryable : true; // a dropped connection
    if (!retryable || this.attempts >= ATTEMPTS) {
      this.cancel(
        retryable
          ? new StorageUnavailableError(`object storage failed part ${this.number} ${this.attempts} times`, {
              cause: error,
            })
          : error,
      );
      return;
    }
    this.wake(); // the caller goes on reading; what it writes is kept for the next attempt
    setTimeout(() => this.send(), RETRY_DELAY_MS * 2 ** (this.attempts - 1)).unref();
  }
}

async function readAnswer(res: IncomingMessage): Promise<{ etag: string; body: string }> {
  let body = "";
  res.setEncoding("utf8");
  for await (const text of res) if (body.length < 64 * 1024) body += text as string;
  const etag = String(res.headers.etag ?? "").replace(/^"|"$/g, "");
  return { etag, body };
}

/**
 * Sends the chunks (`first`, already read, then `rest`) as the parts of a multipart upload, each of
 * `partSize` bytes but the last, while they arrive: a part's PUT opens on its first byte and ends
 * on its last, and the source is read at the pace the store takes them (backpressure). The chunks
 * are referenced, never copied, until their part is acknowledged, and the next part starts only
 * then, so an upload holds at most one part of them whatever its size. Returns the ETags in order.
 */
export async function streamParts(
  first: Buffer[],
  rest: AsyncIterator<Buffer>,
  partSize: number,
  partUrl: PartUrl,
  signal?: AbortSignal,
): Promise<{ part: number; etag: string }[]> {
  const parts: StreamedPart[] = [];
  let current: StreamedPart | undefined;
  let failure: Error | undefined;
  const fail = (error: Error) => {
    if (failure) return;
    failure = error;
    for (const p of parts) p.cancel(error);
  };
  const onAbort = () => fail(signal?.reason instanceof Error ? signal.reason : new Error("upload aborted"));
  signal?.addEventListener("abort", onAbort, { once: true });
  const take = async (chunk: Buffer) => {
    while (chunk.length > 0) {
      if (failure) throw failure;
      if (!current) {
        // A part is held until the store acknowledges it: the next one starts only then, so one
        // upload holds at most one part's chunks.
        if (parts.length > 0) await parts[parts.length - 1]!.done;
        const number = parts.length + 1;
        current = new StreamedPart(number, partSize, partUrl(number), fail);
        parts.push(current);
      }
      const n = Math.min(chunk.length, current.room);
      const piece = n === chunk.length ? chunk : chunk.subarray(0, n);
      chunk = chunk.subarray(n);
      const part = current;
      if (part.room === n) current = undefined;
      await part.write(piece);
    }
  };
  try {
    signal?.throwIfAborted();
    for (const chunk of first) await take(chunk);
    for (;;) {
      const r = await rest.next();
      if (r.done) break;
      await take(r.value);
    }
    current?.endShort();
    const etags: { part: number; etag: string }[] = [];
    for (const p of parts) etags.push({ part: p.number, etag: await p.done });
    return etags;
  } catch (error) {
    fail(error instanceof Error ? error : new Error(String(error)));
    throw failure ?? error;
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
}
