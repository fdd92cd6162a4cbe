import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Logger } from "pino";
import { PREVIEW_TYPE, renderPreviews, UnrenderableImageError } from "@parley/imaging";
import type { ObjectStore } from "@parley/storage";
import { previewKeys } from "../media/preview-keys.ts";
import type { PreviewsRepository } from "../repositories/previews.ts";

/** Media types that get previews: what libvips decodes and browsers show. */
export const PREVIEWABLE_TYPES: ReadonlySet<string> = new Set([
  "image/jpeg",
  "image/png",
  "image/apng",
  "image/webp",
  "image/gif",
  "image/avif",
  "image/heic",
  "image/heif",
  "image/tiff",
]);

/** Where committed images are queued for previews (the job queue). */
export interface PreviewQueue {
  enqueue(mediaIds: string[]): Promise<void>;
}

export type PreviewOutcome = "ready" | "failed" | "gone" | "done-before";

/**
 * Makes the previews of one medium (what a preview job does). The original is copied to a private
 * temporary file first, so libvips reads it sequentially from disk instead of from a buffer of the
 * whole file. An image libvips refuses (too many pixels, truncated, too slow) is marked failed and
 * keeps no preview; the message is untouched. Storage or database errors throw: the job is retried.
 */
export function previewService(deps: {
  store: ObjectStore;
  repository: PreviewsRepository;
  limits: { maxPixels: number; timeoutSeconds: number };
  logger: Logger;
}) {
  const { store, repository, limits, logger } = deps;

  async function make(mediaId: string): Promise<PreviewOutcome> {
    const target = await repository.target(mediaId);
    if (!target) return "gone";
    if (target.previewState !== "pending") return "done-before";
    // os.tmpdir() is the process's own directory (upload-tmp-dir.ts), which a crash leaves for the
    // next start to remove: a copy of a job that died with its process goes with it.
    const dir = join(tmpdir(), "previews");
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const file = join(dir, randomUUID());
    const stored: string[] = [];
    try {
      await pipeline(await store.get(target.objectKey), createWriteStream(file, { mode: 0o600 }));
      let set;
      try {
        set = await renderPreviews(file, { maxInputPixels: limits.maxPixels, timeoutSeconds: limits.timeoutSeconds });
      } catch (error) {
        if (!(error instanceof UnrenderableImageError)) throw error;
        logger.warn({ mediaId, err: error }, "no preview for this image: libvips refused it");
        await repository.fail(mediaId);
        return "failed";
      }
      const keyOf = previewKeys(target.objectKey);
      // Stored side by side (a few small objects: the round trips, not the bytes, are the cost);
      // every put settles before the clean-up below can run.
      const rows = set.renditions.map((r) => ({
        mediaId,
        maxSize: r.maxSize,
        width: r.width,
        height: r.height,
        contentType: PREVIEW_TYPE,
        size: r.bytes.length,
        objectKey: keyOf(r.maxSize),
      }));
      stored.push(...rows.map((r) => r.objectKey));
      const puts = await Promise.allSettled(
        set.renditions.map((r, i) =>
          store.put(rows[i]!.objectKey, Readable.from([r.bytes]), { contentType: PREVIEW_TYPE }),
        ),
      );
      const failedPut = puts.find((p) => p.status === "rejected");
      if (failedPut) throw failedPut.reason;
      if (await repository.complete(target, set.placeholder, rows)) {
        stored.length = 0;
        return "ready";
      }
      return "gone";
    } finally {
      await rm(file, { force: true });
      // Objects of an attempt that did not commit (error, medium removed meanwhile); what cannot be
      // deleted now is unreferenced, so the orphan sweeper takes it.
      if (stored.length > 0) {
        await store
          .delete(stored)
          .catch((error: unknown) =>
            logger.warn({ err: error, keys: stored }, "could not delete uncommitted previews"),
          );
      }
    }
  }

  /** False while the object store does not answer (the job waits for it rather than failing). */
  async function storageReachable(): Promise<boolean> {
    try {
      await store.ping();
      return true;
    } catch {
      return false;
    }
  }

  return { make, storageReachable };
}

export type PreviewService = ReturnType<typeof previewService>;
