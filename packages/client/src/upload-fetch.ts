import { ParleyError } from "./errors.ts";
import type { PreparedMedia } from "./media-source.ts";
import type { MultipartBody } from "./multipart.ts";
import type { Transport } from "./transport.ts";
import type { ProgressTracker } from "./upload-progress.ts";

/** Limits the counted stream enforces for files whose size was unknown before sending. */
export interface StreamingLimits {
  fileBytes: number;
  totalBytes: number;
}

/**
 * Node (and any fetch with streaming request bodies): the multipart body is a pull-based
 * ReadableStream, so each chunk is counted as the HTTP client takes it and nothing is buffered
 * beyond one chunk.
 */
export async function fetchUpload(args: {
  transport: Transport;
  token: string;
  body: MultipartBody;
  files: readonly PreparedMedia[];
  tracker: ProgressTracker;
  limits: StreamingLimits | undefined;
  signal: AbortSignal | undefined;
}): Promise<{ status: number; text: string }> {
  const { body, files, limits } = args;
  let failure: unknown;

  async function* chunks(): AsyncGenerator<{ bytes: Uint8Array; file?: number }> {
    let total = 0;
    for (const part of body.parts) {
      if (part.kind === "text") {
        yield { bytes: part.bytes };
        continue;
      }
      const file = files[part.index]!;
      let sent = 0;
      for await (const bytes of file.chunks()) {
        sent += bytes.byteLength;
        total += bytes.byteLength;
        if (limits && sent > limits.fileBytes) {
          throw new ParleyError(
            "PAYLOAD_TOO_LARGE",
            `media #${part.index + 1} is larger than this conversation's limit of ${limits.fileBytes} bytes per file.`,
          );
        }
        if (limits && total > limits.totalBytes) {
          throw new ParleyError(
            "PAYLOAD_TOO_LARGE",
            `The media add up to more than this conversation's limit of ${limits.totalBytes} bytes.`,
          );
        }
        if (file.size !== null && sent > file.size) break;
        yield { bytes, file: part.index };
      }
      if (file.size !== null && sent !== file.size) {
        throw new ParleyError(
          "BAD_USER_INPUT",
          `media #${part.index + 1} was declared as ${file.size} bytes but its stream has ${sent > file.size ? "more" : sent}.`,
        );
      }
    }
  }

  const source = chunks();
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const next = await source.next();
          if (next.done) {
            controller.close();
            return;
          }
          controller.enqueue(next.value.bytes);
          if (next.value.file !== undefined) args.tracker.add(next.value.file, next.value.bytes.byteLength);
        } catch (error) {
          failure = error;
          controller.error(error);
        }
      },
      async cancel() {
        await source.return(undefined);
      },
    },
    { highWaterMark: 0 },
  );

  const response = await (async () => {
    try {
      return await args.transport.post(
        { authorization: `Bearer ${args.token}`, "content-type": body.contentType, "apollo-require-preflight": "true" },
        stream,
        args.signal,
        { duplex: "half" },
      );
    } catch (error) {
      // The body stream failed on our side (limit, bad size): report that, not "fetch failed".
      if (failure !== undefined && !args.signal?.aborted) throw failure;
      throw error;
    }
  })();
  const text = await response.text();
  if (failure !== undefined) throw failure;
  return { status: response.status, text };
}
