import { ParleyError } from "./errors.ts";

/**
 * Node's `Readable` (or any async iterable of bytes with `pipe`), recognised by shape so the SDK's
 * browser path never imports Node.
 */
export interface NodeReadableLike extends AsyncIterable<Uint8Array | string> {
  pipe: (...args: never[]) => unknown;
}

/** What an attachment's bytes can be: File/Blob everywhere, Buffer/Uint8Array, and web or Node streams. */
export type MediaData = Blob | ArrayBuffer | ArrayBufferView | ReadableStream<Uint8Array> | NodeReadableLike;

export interface MediaOptions {
  media: MediaData;
  /** Defaults to a File's name. */
  filename?: string;
  /** Defaults to a Blob's type; the server sniffs the bytes and overrides both where it can. */
  contentType?: string;
  /**
   * Byte length of a stream. With it, limits are checked before sending and progress has a total;
   * without it, limits are enforced while streaming. Ignored for Blob and bytes (their size is known).
   */
  size?: number;
  /**
   * A resumable upload of these same bytes started earlier (reported by `SendOptions.onUploadStarted`,
   * e.g. before a page reload or a process restart): send() PUTs only its missing parts. One that
   * has expired or was used is replaced by a new upload.
   */
  uploadId?: string;
}

/** Chunk size for progress: small enough for a smooth bar, large enough to stay cheap. */
export const CHUNK_BYTES = 64 * 1024;

function* slices(bytes: Uint8Array): Generator<Uint8Array> {
  for (let offset = 0; offset < bytes.byteLength; offset += CHUNK_BYTES)
    yield bytes.subarray(offset, offset + CHUNK_BYTES);
}

async function* readWebStream(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      yield* slices(value);
    }
  } finally {
    // Stopping early (abort, limit) cancels the source instead of leaving it locked and open.
    await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

async function* readNodeStream(stream: NodeReadableLike): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  for await (const chunk of stream) yield* slices(typeof chunk === "string" ? encoder.encode(chunk) : chunk);
}

const isWebStream = (value: unknown): value is ReadableStream<Uint8Array> =>
  typeof value === "object" && value !== null && typeof (value as ReadableStream).getReader === "function";

const isNodeStream = (value: unknown): value is NodeReadableLike =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as NodeReadableLike).pipe === "function" &&
  typeof (value as NodeReadableLike)[Symbol.asyncIterator] === "function";

/** One attachment, normalised: known metadata and a way to read its bytes (once, for streams). */
export class PreparedMedia {
  readonly filename: string | null;
  readonly contentType: string | null;
  /** Byte length, or null for a stream given without `size`. */
  readonly size: number | null;
  /** Blob and bytes can be sent again (token refresh, retry); streams only once. */
  readonly replayable: boolean;
  private readonly blob: Blob | undefined;
  private readonly bytes: Uint8Array | undefined;
  private readonly stream: ReadableStream<Uint8Array> | NodeReadableLike | undefined;
  private consumed = false;

  constructor(options: MediaOptions, index: number) {
    const { media } = options;
    if (typeof Blob !== "undefined" && media instanceof Blob) {
      this.blob = media;
      this.size = media.size;
      this.replayable = true;
    } else if (media instanceof ArrayBuffer || ArrayBuffer.isView(media)) {
      this.bytes =
        media instanceof ArrayBuffer
          ? new Uint8Array(media)
          : new Uint8Array(media.buffer, media.byteOffset, media.byteLength);
      this.size = this.bytes.byteLength;
      this.replayable = true;
    } else if (isWebStream(media) || isNodeStream(media)) {
      this.stream = media;
      this.replayable = false;
      const size = options.size;
      if (size !== undefined && (!Number.isSafeInteger(size) || size < 0)) {
        throw new ParleyError(
          "BAD_USER_INPUT",
          `media #${index + 1}: size must be a whole number of bytes, got ${String(size)}.`,
        );
      }
      this.size = size ?? null;
    } else {
      throw new ParleyError(
        "BAD_USER_INPUT",
        `media #${index + 1} is not a File, Blob, Buffer, Uint8Array, ArrayBuffer, ReadableStream or Node Readable.`,
      );
    }
    const named = this.blob as (Blob & { name?: unknown }) | undefined;
    this.filename = options.filename ?? (typeof named?.name === "string" && named.name !== "" ? named.name : null);
    this.contentType = options.contentType ?? (this.blob?.type ? this.blob.type : null);
  }

  /** The bytes in chunks of at most CHUNK_BYTES. Streams can be read once. */
  chunks(): AsyncIterable<Uint8Array> {
    if (this.blob) return readWebStream(this.blob.stream());
    if (this.bytes) {
      const bytes = this.bytes;
      return (async function* () {
        yield* slices(bytes);
      })();
    }
    return this.takeStream(
      isWebStream(this.stream) ? readWebStream(this.stream) : readNodeStream(this.stream as NodeReadableLike),
    );
  }

  /** Bytes start..end (exclusive) without reading the rest, for a Blob or bytes; undefined for a stream. */
  slice(start: number, end: number): Blob | Uint8Array | undefined {
    if (this.blob) return this.blob.slice(start, end);
    if (this.bytes) return this.bytes.subarray(start, end);
    return undefined;
  }

  /** The bytes as a Blob, for XMLHttpRequest; a stream is read into memory first. */
  async toBlob(): Promise<Blob> {
    if (this.blob) return this.blob;
    if (this.bytes) return new Blob([this.bytes as Uint8Array<ArrayBuffer>]);
    const parts: Uint8Array<ArrayBuffer>[] = [];
    for await (const chunk of this.chunks()) parts.push(chunk.slice());
    return new Blob(parts);
  }

  private takeStream<T>(value: T): T {
    if (this.consumed) {
      throw new ParleyError(
        "BAD_USER_INPUT",
        "A media stream can be sent only once; add a new stream (or a Blob/Buffer) to send again.",
      );
    }
    this.consumed = true;
    return value;
  }
}
