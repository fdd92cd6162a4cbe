import { secondsUntilExpiry } from "./auth.ts";
import { abortReason, ParleyError, parseGraphQLAnswer } from "./errors.ts";
import { SendMediaMessageDocument } from "./generated/documents.ts";
import { type SendMediaMessageMutation, type SendMediaMessageMutationVariables } from "./generated/graphql.ts";
import type { PreparedMedia } from "./media-source.ts";
import { multipartBody } from "./multipart.ts";
import { operationsOf, type Transport } from "./transport.ts";
import { fetchUpload, type StreamingLimits } from "./upload-fetch.ts";
import { ProgressTracker, type ProgressListener } from "./upload-progress.ts";
import { xhrUpload } from "./upload-xhr.ts";

/** How media uploads travel: XMLHttpRequest where it exists (browsers), else a streamed fetch. */
export type UploadMode = "auto" | "fetch" | "xhr";

/** Refresh a token this close to its expiry before an upload rather than have the upload refused. */
const REFRESH_BEFORE_UPLOAD_SECONDS = 30;

export interface MediaMessageInput {
  conversationId: string;
  body: string | null;
  attributes: Record<string, unknown> | null;
  idempotencyKey: string;
  media: readonly PreparedMedia[];
  /**
   * Per medium, an upload session that already holds its bytes (upload-session.ts): named by id,
   * not sent in the body. With every medium in a session the request is plain JSON.
   */
  uploadIds?: readonly (string | undefined)[];
}

/**
 * sendMediaMessage in ONE multipart request, with progress and cancellation. Progress counts the
 * files sent in the body (indexes among those), not the ones named by uploadIds.
 */
export async function uploadMediaMessage(
  transport: Transport,
  mode: UploadMode,
  input: MediaMessageInput,
  options: { onProgress?: ProgressListener; signal?: AbortSignal; limits?: StreamingLimits },
): Promise<SendMediaMessageMutation["sendMediaMessage"]> {
  const { signal } = options;
  if (signal?.aborted) throw abortReason(signal);
  const uploadIds = input.uploadIds ?? [];
  const inBody = input.media.flatMap((file, i) => (uploadIds[i] ? [] : [{ file, i }]));
  const files = inBody.map((e) => e.file);
  const variables = {
    input: {
      conversationId: input.conversationId,
      body: input.body,
      attributes: input.attributes,
      idempotencyKey: input.idempotencyKey,
      // Files are null in `operations`; the map points each multipart file part at its slot.
      media: input.media.map((m, i) => ({
        ...(uploadIds[i] ? { uploadId: uploadIds[i] } : { file: null as unknown as Blob }),
        filename: m.filename,
        contentType: m.contentType,
      })),
    },
  } satisfies SendMediaMessageMutationVariables;
  if (files.length === 0) {
    const { sendMediaMessage } = await transport.request(SendMediaMessageDocument, variables, signal);
    return sendMediaMessage;
  }
  const operations = operationsOf(SendMediaMessageDocument, variables);
  const map = Object.fromEntries(inBody.map((e, j) => [String(j), [`variables.input.media.${e.i}.file`]]));
  const tracker = new ProgressTracker(files, options.onProgress);
  const useXhr = mode === "xhr" || (mode === "auto" && typeof XMLHttpRequest === "function");
  const replayable = files.every((m) => m.replayable);

  const token = await transport.tokens.current();
  const left = secondsUntilExpiry(token, Date.now());
  if (transport.tokens.canRefresh && left !== null && left < REFRESH_BEFORE_UPLOAD_SECONDS)
    await transport.tokens.refresh(token);

  let attempts = 0;
  const result = await transport.authorized(async (bearer) => {
    if (attempts++ > 0) tracker.restart();
    const body = multipartBody(operations, map, files);
    const answer = useXhr
      ? await xhrUpload({ endpoint: transport.endpoint, token: bearer, body, files, tracker, signal })
      : await fetchUpload({
          transport,
          token: bearer,
          body,
          files,
          tracker,
          limits: options.limits,
          signal,
        });
    return parseGraphQLAnswer<SendMediaMessageMutation>(answer.status, answer.text);
  }, replayable);
  if (!result.sendMediaMessage)
    throw new ParleyError("INTERNAL_SERVER_ERROR", "sendMediaMessage answered without a message.");
  return result.sendMediaMessage;
}
