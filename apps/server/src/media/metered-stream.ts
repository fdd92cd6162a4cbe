import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { tooLarge } from "../errors.ts";

/** Bytes and total shared by the files of one message. */
export interface Budget {
  maxFileBytes: number;
  maxTotalBytes: number;
  /** Bytes of earlier files in the same message. */
  usedBytes: number;
}

export interface Metered {
  /** The upload's bytes; the first chunk is at least `headBytes` long unless the file is shorter. */
  head: Buffer;
  /** The same bytes as they stream (head first), counted, hashed and cut off at the limits. */
  body: Readable;
  /** Available once `body` has ended. */
  result(): { size: number; sha256: string };
}

/**
 * Reads the head of `source` for type sniffing, then streams the rest, hashing and counting as it
 * goes. Passing a size limit destroys the stream with PAYLOAD_TOO_LARGE at once, so nothing past
 * the limit is ever stored.
 */
export async function meter(source: Readable, budget: Budget, headBytes = 4100): Promise<Metered> {
  const hash = createHash("sha256");
  let size = 0;
  const count = (chunk: Buffer) => {
    size += chunk.length;
    if (size > budget.maxFileBytes) {
      throw tooLarge(`A file is larger than the per-file limit of ${budget.maxFileBytes} bytes.`);
    }
    if (budget.usedBytes + size > budget.maxTotalBytes) {
      throw tooLarge(`The files of this message are larger than the combined limit of ${budget.maxTotalBytes} bytes.`);
    }
    hash.update(chunk);
  };
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const headChunks: Buffer[] = [];
  let headLength = 0;
  let done = false;
  while (headLength < headBytes) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    count(next.value);
    headChunks.push(next.value);
    headLength += next.value.length;
  }
  const head = Buffer.concat(headChunks);
  const body = Readable.from(
    (async function* () {
      if (head.length > 0) yield head;
      if (done) return;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        count(next.value);
        yield next.value;
      }
    })(),
    { objectMode: false, highWaterMark: 1024 * 1024 },
  );
  body.once("close", () => {
    // Stop reading the source when the consumer gives up early.
    if (!body.readableEnded) void iterator.return?.();
  });
  return { head, body, result: () => ({ size, sha256: hash.digest("hex") }) };
}
