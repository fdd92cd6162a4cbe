import type { ConversationService } from "./conversations.ts";
import type { Media, MediaUploadView } from "./media/index.ts";
import type { RateLimiter } from "./rate-limit.ts";

export interface CreateUpload {
  conversationId: string;
  size: number;
  filename?: string | null;
  contentType?: string | null;
}

/**
 * createMediaUpload, mediaUpload and abortMediaUpload: authorize, charge the rate limits, and hand
 * over to the media module's sessions. A session counts against the same limits as a multipart
 * file: its size against the per-file and per-message limits when it starts, its bytes against the
 * upload byte budget (charged when it starts, since the bytes then go to storage unseen).
 */
export function mediaUploadService(deps: {
  media: Media;
  conversations: ConversationService;
  rateLimits: { uploadBytes: RateLimiter; uploads: RateLimiter };
}) {
  const { media, conversations, rateLimits } = deps;
  return {
    async create(uploader: string, input: CreateUpload): Promise<MediaUploadView> {
      await conversations.requireParticipant(input.conversationId, uploader);
      await rateLimits.uploadBytes.check(uploader);
      await rateLimits.uploads.take(uploader);
      const view = await media.sessions.create(uploader, input);
      await rateLimits.uploadBytes.charge(uploader, view.size);
      return view;
    },
    get: (viewer: string, id: string) => media.sessions.get(viewer, id),
    abort: (viewer: string, id: string) => media.sessions.abort(viewer, id),
  };
}

export type MediaUploadService = ReturnType<typeof mediaUploadService>;
