import type { Logger } from "pino";
import type { Database } from "@parley/db";
import type { ObjectStore } from "@parley/storage";
import type { Config } from "../config.ts";
import type { EventHub } from "../realtime/event-hub.ts";
import { previewsRepository } from "../repositories/previews.ts";
import { mediaUrls } from "../media/temporary-url.ts";
import { conversationService } from "./conversations.ts";
import { createMedia } from "./media/index.ts";
import { mediaMessageService } from "./media-messages.ts";
import { messageRemovalService } from "./message-removal.ts";
import { mediaUploadService } from "./media-uploads.ts";
import { messageService } from "./messages.ts";
import type { PreviewQueue } from "./previews.ts";
import { noMetrics, type ServiceMetrics } from "./metrics.ts";
import { RateLimiter } from "./rate-limit.ts";

export function createServices(deps: {
  db: Database;
  store: ObjectStore;
  config: Config;
  logger: Logger;
  hub: EventHub;
  /** Where committed images are queued for previews (the job queue, started beside the services). */
  previewQueue?: PreviewQueue;
  /** Where the services report uploads, refusals and sweeps (Prometheus, when on). */
  metrics?: ServiceMetrics;
}) {
  const { db, store, config, logger, hub } = deps;
  const previewQueue = deps.previewQueue ?? { enqueue: async () => {} };
  const metrics = deps.metrics ?? noMetrics;
  const limiter = (limit: number, id: string, what: string) =>
    new RateLimiter(db, limit, { id, what }, metrics.rateLimited);
  const rateLimits = {
    messages: limiter(config.rateLimits.messagesPerMinute, "messages", "messages"),
    uploadBytes: limiter(config.rateLimits.uploadBytesPerMinute, "upload_bytes", "uploaded bytes"),
    // Writes that are not sends share the messages budget's size, in a window of their own.
    changes: limiter(
      config.rateLimits.messagesPerMinute,
      "changes",
      "changes (createConversation, addParticipant, updateMessage)",
    ),
    // Upload sessions started, in a window of their own the size of the messages budget.
    uploads: limiter(config.rateLimits.messagesPerMinute, "upload_sessions", "upload sessions (createMediaUpload)"),
  };

  const conversations = conversationService(db, config.limits, rateLimits.changes);
  const messages = messageService(db, conversations, config.limits, rateLimits.messages, rateLimits.changes);
  const media = createMedia({
    db,
    store,
    logger,
    limits: config.media,
    uploadTtlSeconds: config.media.uploadTtlSeconds,
    onSwept: metrics.swept,
  });
  const mediaMessages = mediaMessageService({
    media,
    conversations,
    messages,
    rateLimits,
    previewQueue,
    logger,
    metrics,
  });
  const mediaUploads = mediaUploadService({ media, conversations, rateLimits });
  const messageRemoval = messageRemovalService({ messages, media });
  const previews = previewsRepository(db);
  // What Conversation.limits answers (the GraphQL type Limits).
  const limits = {
    mediaAttachmentsCountLimit: config.media.maxFiles,
    mediaAttachmentSizeLimitInBytes: config.media.maxFileBytes,
    mediaAttachmentsTotalSizeLimitInBytes: config.media.maxTotalBytes,
    bodyMaxLength: config.limits.bodyMaxLength,
  };
  return {
    limits,
    mediaUrls: mediaUrls(store, config.media.urlTtlSeconds, logger),
    hub,
    conversations,
    messages,
    media,
    mediaMessages,
    messageRemoval,
    mediaUploads,
    previews,
  };
}

export type Services = ReturnType<typeof createServices>;
