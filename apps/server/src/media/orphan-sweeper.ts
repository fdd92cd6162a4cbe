import { inArray } from "drizzle-orm";
import type { Logger } from "pino";
import { media, type Database } from "@parley/db";
import type { ObjectStore } from "@parley/storage";

/**
 * Deletes stored media objects that no media row references and that are older than `graceMs`
 * (objects of sends that failed while storage was unreachable, or of a crashed process). The grace
 * period must exceed the longest upload, so an object whose row is about to commit is never taken.
 * Safe with several instances: deleting an object twice is harmless.
 */
export async function sweepOrphans(args: { db: Database; store: ObjectStore; graceMs: number; logger: Logger; now?: Date }) {
  const cutoff = (args.now ?? new Date()).getTime() - args.graceMs;
  const old = (await args.store.list("media/")).filter((o) => o.lastModified.getTime() <= cutoff);
  let deleted = 0;
  for (let i = 0; i < old.length; i += 500) {
    const keys = old.slice(i, i + 500).map((o) => o.key);
    const referenced = new Set(
      (await args.db.select({ key: media.objectKey }).from(media).where(inArray(media.objectKey, keys))).map((r) => r.key),
    );
    const orphans = keys.filter((k) => !referenced.has(k));
    if (orphans.length > 0) {
      await args.store.delete(orphans);
      deleted += orphans.length;
    }
  }
  // Partial uploads of a crashed process or of an outage: no row can ever reference them.
  const partial = await args.store.sweepIncomplete("media/", new Date(cutoff));
  if (deleted > 0 || partial > 0) {
    args.logger.info({ deleted, partial }, "orphan sweeper removed unreferenced media objects and partial uploads");
  }
  return { scanned: old.length, deleted, partial };
}

/** Runs the sweep at start and then every `intervalMs`; returns a stop function. */
export function scheduleOrphanSweeps(args: { db: Database; store: ObjectStore; graceMs: number; intervalMs: number; logger: Logger }) {
  let running: Promise<unknown> = Promise.resolve();
  const run = () => {
    running = sweepOrphans(args).catch((error: unknown) =>
      args.logger.warn({ err: error }, "orphan sweep failed; it runs again at the next interval"),
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
