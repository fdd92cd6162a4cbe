// The media module owns an upload's lifecycle, from the first byte to the commit or the sweep:
// object keys (keys.ts), their reservation while in flight (reservations.ts), the pipeline that
// stores a file (pipeline.ts, stages.ts), the commit's release and the cleanup of a failed send
// (ingest.ts), and the sweep of whatever a crash or an outage left (sweeper.ts). Files come in as
// plain IncomingFile values (incoming-file.ts): the transport's types end at the edge.
import type { Logger } from "pino";
import type { Database } from "@parley/db";
import type { ObjectStore } from "@parley/storage";
import type { UploadMeter } from "./stages.ts";
import type { MediaFileInput } from "./incoming-file.ts";
import { deleteObjects, ingestFiles, type MediaLimits, type StoredUploads } from "./ingest.ts";
import { reservationsIn } from "./reservations.ts";
import { scheduleSweeps, sweepOrphans } from "./sweeper.ts";

export type { IncomingFile, MediaFileInput, OpenedFile } from "./incoming-file.ts";
export type { MediaLimits, StoredUploads } from "./ingest.ts";
export type { UploadMeter } from "./stages.ts";
export { MEDIA_PREFIX, mediaObjectKey } from "./keys.ts";

export function createMedia(deps: { db: Database; store: ObjectStore; logger: Logger; limits: MediaLimits }) {
  const reservations = reservationsIn(deps.db);
  const ingestDeps = { store: deps.store, reservations, logger: deps.logger };
  const sweepDeps = { ...ingestDeps, db: deps.db };
  return {
    limits: deps.limits,
    reservations,
    /** Stores the files of one message, all or nothing; see StoredUploads for what must follow. */
    ingest: (
      conversationId: string,
      inputs: MediaFileInput[],
      signal?: AbortSignal,
      meter?: UploadMeter,
    ): Promise<StoredUploads> =>
      ingestFiles(ingestDeps, { conversationId, inputs, limits: deps.limits, signal, meter }),
    /** Deletes the objects of a removed message. */
    deleteObjects: (keys: string[]) => deleteObjects(ingestDeps, keys),
    /** One sweep of unreferenced objects and abandoned reservations older than graceMs. */
    sweep: (graceMs: number, now?: Date) => sweepOrphans(sweepDeps, { graceMs, now }),
    /** Sweeps at start and every intervalMs; returns a stop function. */
    scheduleSweeps: (graceMs: number, intervalMs: number) => scheduleSweeps(sweepDeps, { graceMs, intervalMs }),
  };
}

export type Media = ReturnType<typeof createMedia>;
