/**
 * The object key layout of media, written once: `media/<conversationId>/<mediaId>`. Keys are
 * opaque to clients and never contain a filename. Everything under MEDIA_PREFIX is the media
 * module's to sweep.
 */
export const MEDIA_PREFIX = "media/";

export const mediaObjectKey = (conversationId: string, mediaId: string) =>
  `${MEDIA_PREFIX}${conversationId}/${mediaId}`;
