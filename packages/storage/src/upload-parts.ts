import { addAbortSignal, type Readable } from "node:stream";

export interface UploadPart {
  bytes: Buffer;
  /** True for the final part (the only one for an object of at most one part size, possibly empty). */
  last: boolean;
}

/**
 * Cuts `body` into parts of exactly `partSize` bytes (the last may be shorter or empty), holding at
 * most one part plus one incoming chunk. A part is yielded only once the next byte or the end shows
 * whether it is the last. Throws when the body errors, is destroyed before its end
 * (ERR_STREAM_PREMATURE_CLOSE) or the signal aborts (AbortError).
 */
export async function* uploadParts(body: Readable, partSize: number, signal?: AbortSignal): AsyncGenerator<UploadPart> {
  if (signal) addAbortSignal(signal, body);
  let pending: Buffer[] = [];
  let pendingLength = 0;
  for await (const chunk of body) {
    const data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    pending.push(data);
    pendingLength += data.length;
    if (pendingLength > partSize) {
      let all = Buffer.concat(pending, pendingLength);
      while (all.length > partSize) {
        yield { bytes: all.subarray(0, partSize), last: false };
        all = all.subarray(partSize);
      }
      pending = [all];
      pendingLength = all.length;
    }
  }
  yield { bytes: Buffer.concat(pending, pendingLength), last: true };
}
