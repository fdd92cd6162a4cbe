import { createHash } from "node:crypto";
import { tooLarge } from "../../errors.ts";

/**
 * The stream stages of the upload pipeline. Each takes the bytes of one file as an async iterable
 * and yields them on (possibly changed), so a stage can be inserted between two others; errors
 * thrown by a stage end the file's upload.
 */
export type Stage = (chunks: AsyncIterable<Buffer>) => AsyncIterable<Buffer>;

/** Bytes and total shared by the files of one message. */
export interface Budget {
  maxFileBytes: number;
  maxTotalBytes: number;
  /** Bytes of earlier files in the same message. */
  usedBytes: number;
  meter?: UploadMeter;
}

/** Bytes received from the client for one message, as they arrive (before anything may refuse them). */
export interface UploadMeter {
  receivedBytes: number;
}

/**
 * Counts the bytes of one file and throws PAYLOAD_TOO_LARGE the moment they pass the per-file or
 * the message's limit, before the chunk that passed it goes any further.
 */
export function limit(budget: Budget): Stage {
  return async function* (chunks) {
    let size = 0;
    for await (const chunk of chunks) {
      size += chunk.length;
      if (budget.meter) budget.meter.receivedBytes += chunk.length;
      if (size > budget.maxFileBytes) {
        throw tooLarge(`A file is larger than the per-file limit of ${budget.maxFileBytes} bytes.`);
      }
      if (budget.usedBytes + size > budget.maxTotalBytes) {
        throw tooLarge(
          `The files of this message are larger than the combined limit of ${budget.maxTotalBytes} bytes.`,
        );
      }
      yield chunk;
    }
  };
}

/** Size and sha256 of the bytes that pass; `result()` is available once they all have. */
export function digest(): { stage: Stage; result(): { size: number; sha256: string } } {
  const hash = createHash("sha256");
  let size = 0;
  let sha256: string | undefined;
  return {
    stage: async function* (chunks) {
      for await (const chunk of chunks) {
        hash.update(chunk);
        size += chunk.length;
        yield chunk;
      }
      sha256 = hash.digest("hex");
    },
    result() {
      if (sha256 === undefined) throw new Error("digest read before the file ended");
      return { size, sha256 };
    },
  };
}

/**
 * Reads at least `bytes` from the start of `chunks` (fewer if the file is shorter) for type
 * sniffing, and gives back the whole stream again, head included.
 */
export async function peekHead(
  chunks: AsyncIterable<Buffer>,
  bytes = 4100,
): Promise<{ head: Buffer; rest: AsyncIterable<Buffer> }> {
  const iterator = chunks[Symbol.asyncIterator]();
  const parts: Buffer[] = [];
  let length = 0;
  let done = false;
  while (length < bytes) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    parts.push(next.value);
    length += next.value.length;
  }
  const head = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  const rest = async function* () {
    try {
      if (head.length > 0) yield head;
      if (done) return;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      // Stop the stages upstream (and so the source) when the consumer gives up early.
      if (!done) await iterator.return?.();
    }
  };
  return { head, rest: rest() };
}
