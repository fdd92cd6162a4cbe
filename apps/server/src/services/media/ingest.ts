import type { Logger } from "pino";
import type { Database } from "@parley/db";
import type { ObjectStore } from "@parley/storage";
import { ParleyError } from "../../errors.ts";
import { newId } from "../ids.ts";
import type { NewMedia } from "../messages.ts";
import type { MediaFileInput, OpenedFile } from "./incoming-file.ts";
import { mediaObjectKey } from "./keys.ts";
import { declaredType, storeFile, uploadError } from "./pipeline.ts";
import type { Reservations } from "./reservations.ts";
import type { Budget, UploadMeter } from "./stages.ts";

export interface MediaLimits {
  maxFiles: number;
  maxFileBytes: number;
  maxTotalBytes: number;
  /** Remove image metadata at ingest (MEDIA_STRIP_METADATA; on unless turned off). */
  stripMetadata?: boolean;
}

/**
 * The files of one message, stored, their keys still reserved: exactly one of `commit` (inside the
 * transaction that inserts their media rows) or `discard` (deletes them) must follow.
 */
export interface StoredUploads {
  media: NewMedia[];
  keys: string[];
  /** Releases the reservations in the message's transaction: from then on the rows own the objects. */
  commit(tx: Database): Promise<void>;
  /** Deletes the objects and releases their keys; never throws (the sweeper finishes what fails). */
  discard(): Promise<void>;
}

export interface IngestDeps {
  store: ObjectStore;
  reservations: Reservations;
  logger: Logger;
}

/**
 * Undoes a send that failed after its keys were reserved: deletes its objects, aborts the partial
 * uploads of `unfinished` keys, then releases the keys. When storage or the database is unreachable
 * the keys stay reserved and the orphan sweeper finishes the job. Logged, never thrown over the
 * original error.
 */
async function discardKeys(deps: IngestDeps, keys: string[], unfinished: string[] = []): Promise<void> {
  if (keys.length === 0) return;
  try {
    await deps.store.delete(keys);
    if (unfinished.length > 0) await deps.store.abortIncomplete(unfinished);
    await deps.reservations.release(keys);
  } catch (error) {
    deps.logger.error(
      { err: error, keys },
      "could not clean up a failed send; the orphan sweeper removes its objects later",
    );
  }
}

/**
 * Streams each file of one message into the store, in order, through the pipeline (see
 * storeFile). The keys are reserved first, so a crash or an outage mid-way leaves nothing the
 * sweeper cannot find. All or nothing: on any failure every object stored so far is deleted
 * (awaited) and the files not yet read are discarded before the error is rethrown.
 */
export async function ingestFiles(
  deps: IngestDeps,
  args: {
    conversationId: string;
    inputs: MediaFileInput[];
    limits: MediaLimits;
    signal?: AbortSignal;
    /** Counts the bytes received, also of a send that fails (rate limits charge them). */
    meter?: UploadMeter;
  },
): Promise<StoredUploads> {
  const { store } = deps;
  const { conversationId, inputs, limits } = args;
  const stored: NewMedia[] = [];
  // Errors of the incoming request (client gone, body cut short, malformed multipart) are the
  // client's, not ours: remember them so they map to BAD_USER_INPUT, not INTERNAL_SERVER_ERROR.
  let sourceError: unknown;
  const opened: OpenedFile[] = [];
  const budget: Budget = {
    maxFileBytes: limits.maxFileBytes,
    maxTotalBytes: limits.maxTotalBytes,
    usedBytes: 0,
    meter: args.meter,
  };
  const ids = inputs.map(() => newId());
  const keys = ids.map((id) => mediaObjectKey(conversationId, id));
  await deps.reservations.reserve(keys);
  try {
    for (const [i, input] of inputs.entries()) {
      const declared = declaredType(input.contentType, `media[${i}].contentType`);
      const file = await input.file
        .then((incoming) => incoming.open())
        .catch((error: unknown) => {
          sourceError ??= error; // a file fails to arrive only for problems with the request
          throw error;
        });
      opened.push(file);
      file.stream.once("error", (error) => (sourceError ??= error));
      const row = await storeFile(
        store,
        { id: ids[i]!, objectKey: keys[i]!, opened: file, filename: input.filename, declaredType: declared },
        budget,
        args.signal,
        { stripMetadata: limits.stripMetadata ?? true },
      );
      budget.usedBytes += row.size;
      stored.push(row);
    }
  } catch (error) {
    for (const file of opened) file.stream.destroy();
    // The file that failed may have left a partial upload; the ones after it never started.
    await discardKeys(deps, keys, keys.slice(stored.length, stored.length + 1));
    const mapped = uploadError(error);
    if (sourceError !== undefined && !(mapped instanceof ParleyError)) {
      const reason = (sourceError as Error).message ?? "the request ended early";
      throw new ParleyError("BAD_USER_INPUT", `The upload did not arrive complete (${reason}); nothing was sent.`);
    }
    throw mapped;
  }
  return {
    media: stored,
    keys,
    commit: (tx) => deps.reservations.release(keys, tx),
    discard: () => discardKeys(deps, keys),
  };
}

/** Deletes objects (of a removed message); logged, never thrown over the original error. */
export async function deleteObjects(deps: IngestDeps, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  try {
    await deps.store.delete(keys);
  } catch (error) {
    deps.logger.error(
      { err: error, keys },
      "could not delete objects of a removed message; the orphan sweeper must remove them",
    );
  }
}
