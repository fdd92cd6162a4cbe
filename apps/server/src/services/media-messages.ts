import type { Logger } from "pino";
import type { MessageRow } from "@parley/db";
import { badInput, tooLarge } from "../errors.ts";
import type { ConversationService } from "./conversations.ts";
import type { Media, MediaFileInput } from "./media/index.ts";
import type { MessageService, NewMedia } from "./messages.ts";
import { PREVIEWABLE_TYPES, type PreviewQueue } from "./previews.ts";
import type { ServiceMetrics } from "./metrics.ts";
import type { RateLimiter } from "./rate-limit.ts";

export interface SendMedia {
  conversationId: string;
  body?: string | null;
  attributes?: Record<string, unknown> | null;
  media: MediaFileInput[];
  idempotencyKey?: string | null;
}

export function mediaMessageService(deps: {
  media: Media;
  conversations: ConversationService;
  messages: MessageService;
  rateLimits: { messages: RateLimiter; uploadBytes: RateLimiter };
  previewQueue: PreviewQueue;
  logger: Logger;
  metrics: ServiceMetrics;
}) {
  const { media, conversations, messages, rateLimits, previewQueue, logger, metrics } = deps;
  const { limits } = media;

  /**
   * Authorize → store each file (streaming, media module) → one transaction. A failure at any
   * step deletes the stored objects before the error reaches the client; nothing is committed.
   */
  async function send(
    author: string,
    input: SendMedia,
    signal?: AbortSignal,
    uploadComplete?: () => Promise<boolean>,
    /** The transport's count of the bytes received: a file refused early was still sent. */
    transportBytes?: () => number,
  ): Promise<MessageRow> {
    await conversations.requireParticipant(input.conversationId, author);
    const repeat = await messages.findIdempotent(input.conversationId, author, input.idempotencyKey);
    if (repeat) {
      await rateLimits.messages.take(author);
      return repeat;
    }
    if (input.media.length === 0)
      throw badInput("media must list at least one file; send text with sendMessage.", { field: "media" });
    if (input.media.length > limits.maxFiles) {
      throw tooLarge(`A message carries at most ${limits.maxFiles} files; this one has ${input.media.length}.`);
    }
    const body = input.body === "" ? null : (input.body ?? null);
    const message = {
      conversationId: input.conversationId,
      body,
      attributes: input.attributes,
      idempotencyKey: input.idempotencyKey,
    };
    const attributes = messages.validate(message);
    // Upload bytes are charged once known, so one message may overshoot the byte budget by its size.
    // Bytes received count whether the send succeeds or not: a refused upload is not free. Upload
    // sessions' bytes were charged when they started; the meter counts multipart bytes only.
    await rateLimits.uploadBytes.check(author);
    await rateLimits.messages.take(author);

    const meter = { receivedBytes: 0 };
    const started = performance.now();
    const uploadEnded = metrics.uploadStarted("multipart");
    const stored = await media
      .ingest(author, input.conversationId, input.media, signal, meter)
      .finally(uploadEnded)
      .catch(async (error: unknown) => {
        // The pipeline may stop before it read what the transport already received (a file over a limit).
        const received = Math.max(meter.receivedBytes, transportBytes?.() ?? 0);
        metrics.uploaded("multipart", received, (performance.now() - started) / 1000, "error");
        await rateLimits.uploadBytes.charge(author, received).catch(() => {});
        throw error;
      });
    metrics.uploaded("multipart", meter.receivedBytes, (performance.now() - started) / 1000, "ok");
    // Images get previews: "pending" commits with the row, so a job lost in a crash is found again.
    const rows = stored.media.map((r) =>
      PREVIEWABLE_TYPES.has(r.contentType) ? { ...r, previewState: "pending" as const } : r,
    );
    // A body cut short can end the last file "cleanly"; only a complete request may commit.
    if (uploadComplete && !(await uploadComplete())) {
      await stored.discard();
      throw badInput(
        "The multipart request ended before its closing boundary; the files may be truncated, so nothing was sent.",
      );
    }
    try {
      await rateLimits.uploadBytes.charge(author, meter.receivedBytes);
      const { message: saved, duplicate } = await messages.insert(author, message, attributes, rows, (tx) =>
        stored.commit(tx),
      );
      if (duplicate) await stored.discard();
      else {
        await stored.committed();
        await queuePreviews(rows);
      }
      return saved;
    } catch (error) {
      await stored.discard();
      throw error;
    }
  }

  /** After the commit: a failure here loses no work, the pending rows are queued again at start. */
  async function queuePreviews(rows: NewMedia[]) {
    const ids = rows.filter((r) => r.previewState === "pending").map((r) => r.id);
    if (ids.length === 0) return;
    await previewQueue
      .enqueue(ids)
      .catch((error: unknown) =>
        logger.warn({ err: error, mediaIds: ids }, "could not queue previews; they are queued again at the next start"),
      );
  }

  return { send };
}

export type MediaMessageService = ReturnType<typeof mediaMessageService>;
