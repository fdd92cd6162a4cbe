import { secondsUntilExpiry } from "./auth.ts";
import { abortReason, ParleyError, parseGraphQLAnswer } from "./errors.ts";
import {
  SendMediaMessageDocument,
  type SendMediaMessageMutation,
  type SendMediaMessageMutationVariables,
} from "./generated/graphql.ts";
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
}

/** sendMediaMessage in ONE multipart request, with progress and cancellation. */
export async function uploadMediaMessage(
  transport: Transport,
  mode: UploadMode,
  input: MediaMessageInput,
  options: { onProgress?: ProgressListener; signal?: AbortSignal; limits?: StreamingLimits },
): Promise<SendMediaMessageMutation["sendMediaMessage"]> {
  const { signal } = options;
  if (signal?.aborted) throw abortReason(signal);
  const variables = {
    input: {
      conversationId: input.conversationId,
      body: input.body,
      attributes: input.attributes,
      idempotencyKey: input.idempotencyKey,
      // Files are null in `operations`; the map points each multipart file part at its slot.
      media: input.media.map((m) => ({
        file: null as unknown as Blob,
        filename: m.filename,
        contentType: m.contentType,
      })),
    },
  } satisfies SendMediaMessageMutationVariables;
  const operations = operationsOf(SendMediaMessageDocument, variables);
  const map = Object.fromEntries(input.media.map((_, i) => [String(i), [`variables.input.media.${i}.file`]]));
  const tracker = new ProgressTracker(input.media, options.onProgress);
  const useXhr = mode === "xhr" || (mode === "auto" && typeof XMLHttpRequest === "function");
  const replayable = input.media.every((m) => m.replayable);

  const token = await transport.tokens.current();
  const left = secondsUntilExpiry(token, Date.now());
  if (transport.tokens.canRefresh && left !== null && left < REFRESH_BEFORE_UPLOAD_SECONDS)
    await transport.tokens.refresh(token);

  let attempts = 0;
  const result = await transport.authorized(async (bearer) => {
    if (attempts++ > 0) tracker.restart();
    const body = multipartBody(operations, map, input.media);
    const answer = useXhr
      ? await xhrUpload({ endpoint: transport.endpoint, token: bearer, body, files: input.media, tracker, signal })
      : await fetchUpload({
          transport,
          token: bearer,
          body,
          files: input.media,
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
