import { Writable, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Logger } from "pino";
import type { Database } from "@parley/db";
import type { ObjectStore } from "@parley/storage";
import { ApiError, badInput } from "../../errors.ts";
import { sanitizeFilename } from "../../media/filename.ts";
import { newId } from "../ids.ts";
import type { NewMedia } from "../messages.ts";
import type { MediaFileInput, OpenedFile } from "./incoming-file.ts";
import type { MediaLimits } from "./limits.ts";
import { mediaObjectKey } from "./keys.ts";
import { declaredType, shapeFile, storeFile, uploadError } from "./pipeline.ts";
import type { Reservations } from "../../repositories/upload-reservations.ts";
import type { Budget, UploadMeter } from "./stages.ts";
import type { UploadRows } from "../../repositories/media-uploads.ts";
import type { UploadSessionService } from "./upload-sessions.ts";

/**
 * The files of one message, stored, their keys still reserved: exactly one of `commit` (inside the
 * transaction that inserts their media rows) or `discard` (deletes them) must follow, and after a
 * commit, `committed`.
 */
export interface StoredUploads {
  media: NewMedia[];
  keys: string[];
  /**
   * Releases the reservations and consumes the upload sessions in the message's transaction: from
   * then on the rows own the objects. Throws NOT_FOUND when a session was aborted or expired meanwhile.
   */
  commit(tx: Database): Promise<void>;
  /** Deletes the objects and releases their keys; never throws (the sweeper finishes what fails). */
  discard(): Promise<void>;
  /** After the commit: deletes the sessions' objects that were stored again without metadata. */
  committed(): Promise<void>;
}

export interface IngestDeps {
  store: ObjectStore;
  reservations: Reservations;
  sessions: UploadSessionService;
  rows: UploadRows;
  logger: Logger;
}

/**
 * Undoes a send that did not commit (it failed, or repeated one already committed): deletes its objects, aborts the partial
 * uploads of `unfinished` keys, then releases the keys. When storage or the database is unreachable
 * the keys stay reserved and the orphan sweeper finishes the job. Logged, never thrown over the
 * original error.
 */
async function discardKeys(deps: IngestDeps, keys: string[], unfinished: string[] = []): Promise<void> {
  if (keys.length === 0) return;
  try {
    await deps.store.delete(keys);
    if (unfinished.length > 0) {
      await deps.store.incompleteUploads?.abort(unfinished, await deps.reservations.uploadIds(unfinished));
    }
    await deps.reservations.release(keys);
  } catch (error) {
    deps.logger.error(
      { err: error, keys },
      "could not clean up the objects of a send that did not commit (failed, or a duplicate); the orphan sweeper removes them later",
    );
  }
}

/** Reads the stored bytes to the end, keeping only what the stages measured. */
const drain = (body: Readable, signal?: AbortSignal) =>
  pipeline(body, new Writable({ write: (_chunk, _encoding, done) => done() }), { signal });

/**
 * Stores the files of one message, in order: multipart files stream through the pipeline (see
 * storeFile) into the store; upload sessions are checked first (before any multipart byte is read:
 * a refused send leaves them resumable), then assembled and read back through the same stages, so
 * the stored type, size, sha256 and pixel size are the server's, never the client's word. An
 * image whose metadata is stripped is stored again under its own key; the session's object is
 * deleted once the message commits. The keys are reserved first, so a crash or an outage mid-way
 * leaves nothing the sweeper cannot find. All or nothing: on any failure every object stored so
 * far is deleted (awaited) and the files not yet read are discarded before the error is rethrown.
 */
export async function ingestFiles(
  deps: IngestDeps,
  args: {
    uploader: string;
    conversationId: string;
    inputs: MediaFileInput[];
    limits: MediaLimits;
    signal?: AbortSignal;
    /** Counts the multipart bytes received, also of a send that fails (rate limits charge them). */
    meter?: UploadMeter;
  },
): Promise<StoredUploads> {
  const { store } = deps;
  const { conversationId, inputs, limits } = args;
  const stripMetadata = limits.stripMetadata ?? true;
  for (const [i, input] of inputs.entries()) {
    if ((input.file == null) === (input.uploadId == null)) {
      throw badInput(`media[${i}] must give exactly one of file and uploadId.`, { field: `media[${i}]` });
    }
  }
  const declared = inputs.map((input, i) => declaredType(input.contentType, `media[${i}].contentType`));
  const ready = await deps.sessions.prepare(
    args.uploader,
    conversationId,
    inputs.flatMap((input) => (input.uploadId == null ? [] : [input.uploadId])),
  );
  const sessionOf = new Map(ready.map((r) => [r.row.id, r]));
  const stored: NewMedia[] = [];
  // Errors of the incoming request (client gone, body cut short, malformed multipart) are the
  // client's, not ours: remember them so they map to BAD_USER_INPUT, not INTERNAL_SERVER_ERROR.
  let sourceError: unknown;
  const opened: OpenedFile[] = [];
  const sessionBytes = ready.reduce((n, r) => n + r.row.size, 0);
  const budget: Budget = {
    maxFileBytes: limits.maxFileBytes,
    maxTotalBytes: limits.maxTotalBytes,
    usedBytes: sessionBytes,
    meter: args.meter,
  };
  const ids = inputs.map(() => newId());
  const keys = ids.map((id) => mediaObjectKey(conversationId, id));
  /** Session objects stored again without metadata: deleted once the message commits. */
  const replaced: string[] = [];
  let inFlight: string | undefined;
  // Recorded with its key, so the sweeper can abort a cut-off multipart upload by id.
  const recordUpload = (key: string) => (uploadId: string) => deps.reservations.recordUpload(key, uploadId);
  await deps.reservations.reserve(keys);
  try {
    for (const [i, input] of inputs.entries()) {
      if (input.uploadId != null) {
        const session = sessionOf.get(input.uploadId)!;
        await deps.sessions.assemble(session);
        const { row } = session;
        const source = await store.get(row.objectKey).catch((error: unknown) => {
          throw uploadError(error);
        });
        // Exactly the declared bytes: the stat above checked the size, this guards the read.
        const shaped = await shapeFile(
          source,
          { maxFileBytes: row.size, maxTotalBytes: row.size, usedBytes: 0 },
          { declaredType: declared[i] ?? row.contentType ?? undefined, stripMetadata },
        );
        if (shaped.rewrites) {
          inFlight = keys[i]!;
          await store.put(keys[i]!, shaped.body, {
            contentType: shaped.contentType,
            signal: args.signal,
            onUploadStarted: recordUpload(keys[i]!),
          });
          replaced.push(row.objectKey);
        } else {
          await drain(shaped.body, args.signal);
        }
        inFlight = undefined;
        stored.push({
          id: shaped.rewrites ? ids[i]! : row.id,
          objectKey: shaped.rewrites ? keys[i]! : row.objectKey,
          contentType: shaped.contentType,
          filename: sanitizeFilename(input.filename ?? row.filename),
          ...shaped.result(),
        });
        continue;
      }
      const file = await input
        .file!.then((incoming) => incoming.open())
        .catch((error: unknown) => {
          sourceError ??= error; // a file fails to arrive only for problems with the request
          throw error;
        });
      opened.push(file);
      file.stream.once("error", (error) => (sourceError ??= error));
      inFlight = keys[i]!;
      const row = await storeFile(
        store,
        { id: ids[i]!, objectKey: keys[i]!, opened: file, filename: input.filename, declaredType: declared[i] },
        budget,
        args.signal,
        { stripMetadata, onUploadStarted: recordUpload(keys[i]!) },
      );
      inFlight = undefined;
      budget.usedBytes += row.size;
      stored.push(row);
    }
  } catch (error) {
    for (const file of opened) file.stream.destroy();
    // The file that failed may have left a partial upload; the ones after it never started.
    await discardKeys(deps, keys, inFlight ? [inFlight] : []);
    const mapped = uploadError(error);
    if (sourceError !== undefined && !(mapped instanceof ApiError)) {
      const reason = (sourceError as Error).message ?? "the request ended early";
      throw new ApiError("BAD_USER_INPUT", `The upload did not arrive complete (${reason}); nothing was sent.`);
    }
    throw mapped;
  }
  const sessionIds = ready.map((r) => r.row.id);
  return {
    media: stored,
    keys,
    async commit(tx) {
      await deps.reservations.release(keys, tx);
      if ((await deps.rows.consume(tx, sessionIds, new Date())) !== sessionIds.length) {
        throw new ApiError(
          "NOT_FOUND",
          "An upload of this message was aborted or expired while it was being sent; nothing was sent.",
        );
      }
    },
    discard: () => discardKeys(deps, keys),
    committed: () => deleteObjects(deps, replaced, "of upload sessions stored again without metadata"),
  };
}

/**
 * Deletes objects no row references any more (`whose`: of a removed message, or upload sessions'
 * objects stored again without metadata, for the log line); logged, never thrown.
 */
export async function deleteObjects(deps: IngestDeps, keys: string[], whose: string): Promise<void> {
  if (keys.length === 0) return;
  try {
    await deps.store.delete(keys);
  } catch (error) {
    deps.logger.error(
      { err: error, keys },
      `could not delete the objects ${whose}; the orphan sweeper removes them later`,
    );
  }
}
