import { addAbortSignal, type Readable } from "node:stream";

export interface UploadPart {
  bytes: Buffer;
  /** True for the final part (the only one for an object of at most one part size, possibly empty). */
  last: boolean;
}

/**
 * Cuts `body` into parts of exactly `partSize` bytes (the last may be shorter or empty). Parts are
 * copied into two buffers used in turn, so memory stays at 2 × partSize whatever the size, and the
 * caller may upload one part while the next fills. A yielded part's bytes stay valid until the
 * part after it has been yielded and the caller asks for another. A part is yielded only once the
 * next byte or the end shows whether it is the last. Throws when the body errors, is destroyed
 * before its end (ERR_STREAM_PREMATURE_CLOSE) or the signal aborts (AbortError).
 */
export async function* uploadParts(body: Readable, partSize: number, signal?: AbortSignal): AsyncGenerator<UploadPart> {
  if (signal) addAbortSignal(signal, body);
  const chunks = body[Symbol.asyncIterator]() as AsyncIterator<Buffer | Uint8Array | string>;
  let held: Buffer | undefined; // bytes read but not yet copied into a part
  const nextChunk = async (): Promise<Buffer | undefined> => {
    if (held) {
      const h = held;
      held = undefined;
      return h;
    }
    for (;;) {
      const r = await chunks.next();
      if (r.done) return undefined;
      const data = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value as Uint8Array);
      if (data.length > 0) return data;
    }
  };
  const buffers = [Buffer.allocUnsafe(partSize), Buffer.allocUnsafe(partSize)];
  try {
    for (let which = 0; ; which ^= 1) {
      const buf = buffers[which]!;
      let filled = 0;
      while (filled < partSize) {
        const chunk = await nextChunk();
        if (!chunk) {
          yield { bytes: buf.subarray(0, filled), last: true };
          return;
        }
        const n = Math.min(partSize - filled, chunk.length);
        chunk.copy(buf, filled, 0, n);
        filled += n;
        if (n < chunk.length) held = chunk.subarray(n);
      }
      const more = await nextChunk();
      if (!more) {
        yield { bytes: buf, last: true };
        return;
      }
      held = more;
      yield { bytes: buf, last: false };
    }
  } finally {
    // Stop reading (and destroy the body) when the caller gives up early.
    await chunks.return?.();
  }
}
