import { randomBytes } from "node:crypto";

/**
 * Keys of a medium's previews: siblings of its original (`media/<conversationId>/<mediaId>`), so
 * they live under the same prefix the orphan sweeper lists. Each job attempt writes keys of its
 * own (a random tag), so two attempts racing never overwrite or delete each other's objects.
 */
export function previewKeys(objectKey: string): (maxSize: number) => string {
  const attempt = randomBytes(6).toString("base64url");
  return (maxSize) => `${objectKey}.preview-${maxSize}-${attempt}`;
}

/** Whether `key` is a preview's (previewKeys), not an original's. */
export const isPreviewKey = (key: string): boolean => key.includes(".preview-");
