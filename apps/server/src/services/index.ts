import type { Logger } from "pino";
import type { Database } from "@parley/db";
import type { ObjectStore } from "@parley/storage";
import type { Config } from "../config.ts";
import type { EventHub } from "../realtime/event-hub.ts";
import { previewsRepository } from "../media/previews-repository.ts";
import { conversationService } from "./conversations.ts";
import { createMedia } from "./media/index.ts";
import { mediaMessageService } from "./media-messages.ts";
import { mediaUploadService } from "./media-uploads.ts";
import { messageService } from "./messages.ts";
import type { PreviewQueue } from "./previews.ts";
import { RateLimiter } from "./rate-limit.ts";

export function createServices(deps: {
  db: Database;
  store: ObjectStore;
  config: Config;
  logger: Logger;
  hub: EventHub;
  /** Where committed images are queued for previews (the job queue, started beside the services). */
  previewQueue?: PreviewQueue;
}) {
  const { db, store, config, logger, hub } = deps;
  const previewQueue = deps.previewQueue ?? { enqueue: async () => {} };
  const rateLimits = {
    messages: new RateLimiter(db, config.rateLimits.messagesPerMinute, "messages"),
    uploadBytes: new RateLimiter(db, config.rateLimits.uploadBytesPerMinute, "uploaded bytes"),
    // Writes that are not sends share the messages budget's size, in a window of their own.
    changes: new RateLimiter(
      db,
      config.rateLimits.messagesPerMinute,
      "changes (createConversation, addParticipant, updateMessage)",
    ),
    // Upload sessions started, in a window of their own the size of the messages budget.
    uploads: new RateLimiter(db, config.rateLimits.messagesPerMinute, "upload sessions (createMediaUpload)"),
  };
  const conversations = conversationService(db, config.limits, rateLimits.changes);
  const messages = messageService(db, conversations, config.limits, rateLimits.messages, rateLimits.changes);
  const media = createMedia({
    db,
    store,
    logger,
    limits: config.media,
    uploadTtlSeconds: config.media.uploadTtlSeconds,
  });
  const mediaMessages = mediaMessageService({ media, conversations, messages, rateLimits, previewQueue, logger });
  const mediaUploads = mediaUploadService({ media, conversations, rateLimits });
  const previews = previewsRepository(db);
  return { db, store, config, logger, hub, conversations, messages, media, mediaMessages, mediaUploads, previews };
}

export type Services = ReturnType<typeof createServices>;
