import { abortReason, ParleyError } from "./errors.ts";
import type { PreparedMedia } from "./media-source.ts";
import type { MultipartBody } from "./multipart.ts";
import type { ProgressTracker } from "./upload-progress.ts";

/**
 * Browsers: fetch cannot report upload progress (and streams request bodies only over HTTP/2),
 * so the body is one Blob sent with XMLHttpRequest, whose upload events count body bytes; file
 * offsets in the body turn those into per-file progress. Blobs are sent by reference, not copied.
 */
export async function xhrUpload(args: {
  endpoint: string;
  token: string;
  body: MultipartBody;
  files: readonly PreparedMedia[];
  tracker: ProgressTracker;
  signal: AbortSignal | undefined;
}): Promise<{ status: number; text: string }> {
  const { body, signal, tracker } = args;
  const blobParts: BlobPart[] = [];
  const offsets: number[] = [];
  let offset = 0;
  for (const part of body.parts) {
    if (part.kind === "text") {
      blobParts.push(part.bytes as Uint8Array<ArrayBuffer>);
      offset += part.bytes.byteLength;
    } else {
      const blob = await args.files[part.index]!.toBlob();
      offsets[part.index] = offset;
      blobParts.push(blob);
      offset += blob.size;
    }
  }
  if (signal?.aborted) throw abortReason(signal);

  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const onAbort = () => xhr.abort();
    const done = () => signal?.removeEventListener("abort", onAbort);
    xhr.open("POST", args.endpoint);
    xhr.setRequestHeader("authorization", `Bearer ${args.token}`);
    xhr.setRequestHeader("apollo-require-preflight", "true");
    xhr.setRequestHeader("content-type", body.contentType);
    xhr.upload.onprogress = (event) => tracker.setBodyLoaded(event.loaded, offsets);
    xhr.upload.onload = () => tracker.complete();
    xhr.onload = () => {
      done();
      resolve({ status: xhr.status, text: xhr.responseText });
    };
    xhr.onerror = () => {
      done();
      reject(
        new ParleyError(
          "NETWORK_ERROR",
          `Could not reach Parley at ${args.endpoint} (the upload failed on the network).`,
        ),
      );
    };
    xhr.onabort = () => {
      done();
      reject(signal?.aborted ? abortReason(signal) : new DOMException("The upload was aborted.", "AbortError"));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    xhr.send(new Blob(blobParts));
  });
}
