// The media module owns an upload's lifecycle, from the first byte to the commit or the sweep:
// object keys (keys.ts), their reservation while in flight, the pipeline that stores a file
// (pipeline.ts, stages.ts), resumable upload sessions (upload-sessions.ts), the commit's release and
// the cleanup of a failed send (ingest.ts), and the sweep of whatever a crash, an outage or an
// expired session left (sweeper.ts). Its queries are in src/repositories (upload-reservations.ts,
// media-uploads.ts, media-objects.ts): the rules here, the SQL there. Files come in as plain
// IncomingFile values (incoming-file.ts): the transport's types end at the edge.
import type { Logger } from "pino";
import type { Database } from "@parley/db";
import type { ObjectStore } from "@parley/storage";
import type { MediaFileInput } from "./incoming-file.ts";
import type { UploadMeter } from "./stages.ts";
import { deleteObjects, ingestFiles, type StoredUploads } from "./ingest.ts";
import type { MediaLimits } from "./limits.ts";
import { reservationsIn } from "../../repositories/upload-reservations.ts";
import { mediaObjectRepository } from "../../repositories/media-objects.ts";
import { scheduleSweeps, sweepOrphans, type SweepResult } from "./sweeper.ts";
import { uploadRowsIn } from "../../repositories/media-uploads.ts";
import { uploadSessions } from "./upload-sessions.ts";
import { isPreviewKey } from "../../media/preview-keys.ts";

export type { IncomingFile, MediaFileInput, OpenedFile } from "./incoming-file.ts";
export type { StoredUploads } from "./ingest.ts";
export type { MediaLimits } from "./limits.ts";
export type { UploadMeter } from "./stages.ts";
export type { MediaUploadView } from "./upload-sessions.ts";
export { MEDIA_PREFIX, mediaObjectKey } from "./keys.ts";
export { UPLOAD_PART_SIZE } from "./upload-sessions.ts";

export function createMedia(deps: {
  db: Database;
  store: ObjectStore;
  logger: Logger;
  limits: MediaLimits;
  /** MEDIA_UPLOAD_TTL_SECONDS: an unfinished upload session is swept this long after it started. */
  uploadTtlSeconds: number;
  /** Told what each scheduled sweep removed (metrics). */
  onSwept?: (result: SweepResult) => void;
}) {
  const reservations = reservationsIn(deps.db);
  const rows = uploadRowsIn(deps.db);
  const sessions = uploadSessions({
    store: deps.store,
    rows,
    logger: deps.logger,
    limits: deps.limits,
    ttlSeconds: deps.uploadTtlSeconds,
  });
  const ingestDeps = { store: deps.store, reservations, sessions, rows, logger: deps.logger };
  const sweepDeps = { ...ingestDeps, objects: mediaObjectRepository(deps.db) };
  return {
    limits: deps.limits,
    reservations,
    /** createMediaUpload, mediaUpload, abortMediaUpload (the caller authorizes the conversation). */
    sessions,
    /** Stores the files of one message, all or nothing; see StoredUploads for what must follow. */
    ingest: (
      uploader: string,
      conversationId: string,
      inputs: MediaFileInput[],
      signal?: AbortSignal,
      meter?: UploadMeter,
    ): Promise<StoredUploads> =>
      ingestFiles(ingestDeps, { uploader, conversationId, inputs, limits: deps.limits, signal, meter }),
    /** Deletes the objects of a removed message. */
    deleteObjects: (keys: string[]) => deleteObjects(ingestDeps, keys, "of a removed message"),
    /** One sweep of unreferenced objects, abandoned reservations older than graceMs, and expired sessions. */
    sweep: (graceMs: number, now?: Date) => sweepOrphans(sweepDeps, { graceMs, now }),
    /** Whether an object key is a preview's (a derivative beside its original), not an original's. */
    isPreviewKey,
    /** Sweeps at start and every intervalMs; returns a stop function. */
    scheduleSweeps: (graceMs: number, intervalMs: number) =>
      scheduleSweeps(sweepDeps, { graceMs, intervalMs, onSwept: deps.onSwept }),
  };
}

export type Media = ReturnType<typeof createMedia>;
