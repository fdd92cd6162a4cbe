import type { Logger } from "pino";
import type { ObjectStore } from "@parley/storage";
import type { MediaObjectRepository } from "../../repositories/media-objects.ts";
import { MEDIA_PREFIX } from "./keys.ts";
import type { Reservations } from "../../repositories/upload-reservations.ts";
import type { UploadSessionService } from "./upload-sessions.ts";

const BATCH = 500;

export interface SweepDeps {
  objects: MediaObjectRepository;
  store: ObjectStore;
  reservations: Reservations;
  sessions: UploadSessionService;
  logger: Logger;
}

/**
 * Deletes stored media objects that no media row references and that are older than `graceMs`
 * (objects of sends that failed while storage was unreachable, or of a crashed process), and the
 * partial uploads of such sends: those of keys still reserved after the grace period (aborted by
 * key, which MinIO needs) and those the store can list itself. The grace period must exceed the
 * longest upload, so an upload about to commit is never taken. Upload sessions past their
 * MEDIA_UPLOAD_TTL_SECONDS (or aborted, their cleanup unfinished) go first, with their parts and
 * objects; live ones are spared whatever the grace period. Safe with several instances:
 * deleting an object or aborting an upload twice is harmless.
 */
export interface SweepResult {
  scanned: number;
  deleted: number;
  partial: number;
  abandoned: number;
  /** Upload sessions past MEDIA_UPLOAD_TTL_SECONDS (or aborted) removed. */
  expired: number;
}

export async function sweepOrphans(deps: SweepDeps, args: { graceMs: number; now?: Date }): Promise<SweepResult> {
  const { objects, store, reservations, sessions } = deps;
  // Expired and aborted upload sessions first: their objects and multipart uploads go with them.
  const expired = await sessions.sweep(args.now);
  const cutoff = (args.now ?? new Date()).getTime() - args.graceMs;
  const old = (await store.list(MEDIA_PREFIX)).filter((o) => o.lastModified.getTime() <= cutoff);
  let deleted = 0;
  const unreferenced = async (keys: string[]) => {
    const referenced = await objects.referenced(keys);
    // Objects of upload sessions, assembled by a send that failed, wait for the next send or expiry.
    const inSessions = await sessions.keysInUse(keys.filter((k) => !referenced.has(k)));
    return keys.filter((k) => !referenced.has(k) && !inSessions.has(k));
  };
  for (let i = 0; i < old.length; i += BATCH) {
    const orphans = await unreferenced(old.slice(i, i + BATCH).map((o) => o.key));
    if (orphans.length > 0) {
      await store.delete(orphans);
      deleted += orphans.length;
    }
  }
  // Uploads cut off by a crash or an outage: their keys were reserved before the first byte.
  let partial = 0;
  let abandoned = 0;
  for (;;) {
    const reserved = await reservations.reservedBefore(new Date(cutoff), BATCH);
    const keys = reserved.map((r) => r.key);
    const orphans = keys.length > 0 ? await unreferenced(keys) : [];
    if (orphans.length > 0) {
      const uploadIds = new Map(reserved.flatMap((r) => (r.uploadId ? [[r.key, r.uploadId] as const] : [])));
      partial += (await store.incompleteUploads?.abort(orphans, uploadIds)) ?? 0;
      await store.delete(orphans);
    }
    await reservations.release(keys);
    abandoned += keys.length;
    if (keys.length < BATCH) break;
  }
  // Partial uploads the store can list by prefix (S3, the disk store's temporary parts), except
  // the multipart uploads of live sessions, which may take MEDIA_UPLOAD_TTL_SECONDS.
  partial += (await store.incompleteUploads?.sweep(MEDIA_PREFIX, new Date(cutoff), { spare: sessions.spare })) ?? 0;
  if (deleted > 0 || partial > 0 || abandoned > 0 || expired > 0) {
    deps.logger.info(
      { deleted, partial, abandoned, expired },
      "orphan sweeper removed unreferenced media objects, partial uploads and expired upload sessions",
    );
  }
  return { scanned: old.length, deleted, partial, abandoned, expired };
}

/** Runs the sweep at start and then every `intervalMs`; returns a stop function. */
export function scheduleSweeps(
  deps: SweepDeps,
  args: { graceMs: number; intervalMs: number; onSwept?: (result: SweepResult) => void },
) {
  let running: Promise<unknown> = Promise.resolve();
  const run = () => {
    running = sweepOrphans(deps, args).then(args.onSwept, (error: unknown) =>
      deps.logger.warn({ err: error }, "orphan sweep failed; it runs again at the next interval"),
    );
  };
  run();
  const timer = setInterval(run, args.intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
