import type { Logger } from "pino";
import {
  UploadNotFoundError,
  UploadPartsChangedError,
  type ObjectStore,
  type UploadedPart,
  type UploadSessions,
} from "@parley/storage";
import { ApiError, badInput, tooLarge } from "../../errors.ts";
import { sanitizeFilename } from "../../media/filename.ts";
import { isId, newId } from "../ids.ts";
import type { MediaLimits } from "./limits.ts";
import { mediaObjectKey } from "./keys.ts";
import { declaredType, uploadError } from "./pipeline.ts";
import type { MediaUploadRow, UploadRows } from "../../repositories/media-uploads.ts";

const MiB = 1024 * 1024;
/**
 * Parts of 8 MiB: small enough that a cut costs little to resend and four run in parallel on a
 * 32 MiB file, large enough that a 2 GiB file needs 256 parts (S3 allows 10,000).
 */
export const UPLOAD_PART_SIZE = 8 * MiB;

/** MediaUpload as the API returns it. */
export interface MediaUploadView {
  id: string;
  conversationId: string;
  size: number;
  partSize: number;
  parts: { number: number; size: number; url: string; uploaded: boolean }[];
  expiresAt: Date;
}

/** An upload named by a send, checked: every part is stored (or the object already assembled). */
export interface ReadyUpload {
  row: MediaUploadRow;
  /** The parts to assemble; null when an earlier send already assembled them. */
  parts: UploadedPart[] | null;
}

export interface SessionDeps {
  store: ObjectStore;
  rows: UploadRows;
  logger: Logger;
  limits: MediaLimits;
  ttlSeconds: number;
}

/** The sizes of an upload's parts: `partSize` each, the last one the rest. */
export function partSizes(size: number, partSize: number): number[] {
  const count = Math.max(1, Math.ceil(size / partSize));
  return Array.from({ length: count }, (_, i) => (i < count - 1 ? partSize : size - partSize * (count - 1)));
}

const gone = (id: string) =>
  new ApiError(
    "NOT_FOUND",
    `Upload ${id} does not exist: it was sent already, aborted or expired. Start a new one with createMediaUpload.`,
  );

/**
 * Resumable upload sessions: the rules of createMediaUpload, mediaUpload and abortMediaUpload, the
 * checks and assembly a send needs, and the cleanup of aborted and expired sessions. The caller has
 * authorized the conversation; here every session is the uploader's alone.
 */
export function uploadSessions(deps: SessionDeps) {
  const { store, rows, limits } = deps;
  const capability = (): UploadSessions => {
    if (!store.uploadSessions) {
      throw new ApiError(
        "BAD_USER_INPUT",
        "This server's storage offers no upload sessions; send the file as multipart.",
      );
    }
    return store.uploadSessions;
  };

  async function viewOf(row: MediaUploadRow, uploaded: (number: number, size: number) => boolean, now: Date) {
    const sessions = capability();
    const expiresInSeconds = Math.floor((row.expiresAt.getTime() - now.getTime()) / 1000);
    const sizes = partSizes(row.size, row.partSize);
    const parts = await Promise.all(
      sizes.map(async (size, i) => {
        const number = i + 1;
        const { url } = await sessions.presignPart(
          row.objectKey,
          row.storeUploadId!,
          { number, size },
          { expiresInSeconds, now },
        );
        return { number, size, url, uploaded: uploaded(number, size) };
      }),
    );
    const view: MediaUploadView = {
      id: row.id,
      conversationId: row.conversationId,
      size: row.size,
      partSize: row.partSize,
      parts,
      expiresAt: row.expiresAt,
    };
    return view;
  }

  const live = (row: MediaUploadRow | undefined, now: Date): row is MediaUploadRow =>
    !!row && row.abortedAt === null && row.storeUploadId !== null && row.expiresAt.getTime() - now.getTime() >= 1000;

  /** Deletes everything a session may have stored, then its row (whose abortedAt is already set). */
  async function cleanUp(row: MediaUploadRow): Promise<void> {
    if (row.storeUploadId) await store.uploadSessions?.abort(row.objectKey, row.storeUploadId);
    // Killed between the row and the store's answer: the upload is known only by its key.
    else await store.incompleteUploads?.abort([row.objectKey]);
    await store.delete([row.objectKey]); // assembled by a send that then failed
    await rows.delete(row.id);
  }

  /** The uploaded parts' numbers, or null when the store no longer has the upload (assembled or lost). */
  async function storedParts(row: MediaUploadRow): Promise<UploadedPart[] | null> {
    try {
      return await capability().listParts(row.objectKey, row.storeUploadId!);
    } catch (error) {
      if (error instanceof UploadNotFoundError) return null;
      throw uploadError(error);
    }
  }

  /** The upload's parts in order, each of its planned size; BAD_USER_INPUT naming the missing ones otherwise. */
  function everyPart(row: MediaUploadRow, stored: UploadedPart[]): UploadedPart[] {
    const have = new Map(stored.map((p) => [p.number, p]));
    const sizes = partSizes(row.size, row.partSize);
    const missing = sizes.map((size, i) => (have.get(i + 1)?.size === size ? 0 : i + 1)).filter((n) => n > 0);
    if (missing.length > 0) {
      const bytes = sizes.reduce((n, size, i) => (missing.includes(i + 1) ? n : n + size), 0);
      throw badInput(
        `Upload ${row.id} is missing ${missing.length} of its ${sizes.length} parts (${bytes} of ${row.size} bytes stored): PUT parts ${missing.join(", ")} and send again.`,
        { uploadId: row.id, missingParts: missing },
      );
    }
    return sizes.map((_, i) => have.get(i + 1)!);
  }

  /**
   * Completes the store's upload with these parts. When the store no longer holds them as listed (a part
   * PUT again meanwhile, or a storage node answering before it caught up), lists them once more and
   * completes with what is stored now; a second mismatch is STORAGE_UNAVAILABLE (send again).
   */
  async function complete(row: MediaUploadRow, parts: UploadedPart[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await capability().complete(row.objectKey, row.storeUploadId!, parts);
      } catch (error) {
        // A send racing this one assembled it first.
        if (error instanceof UploadNotFoundError && (await assembled(row))) return;
        if (!(error instanceof UploadPartsChangedError) || attempt === 2) throw uploadError(error);
        deps.logger.warn(
          { uploadId: row.id },
          "the store did not hold an upload's parts as listed; listing them again",
        );
        await new Promise((r) => setTimeout(r, 500));
        const stored = await storedParts(row);
        if (stored === null) {
          if (await assembled(row)) return;
          throw gone(row.id);
        }
        parts = everyPart(row, stored);
      }
    }
  }

  /** True when the object is assembled at its key with the declared size (a send assembled it and failed). */
  async function assembled(row: MediaUploadRow): Promise<boolean> {
    const info = await store.stat(row.objectKey).catch((error: unknown) => {
      throw uploadError(error);
    });
    return info !== null && info.size === row.size;
  }

  return {
    async create(
      uploader: string,
      input: { conversationId: string; size: number; filename?: string | null; contentType?: string | null },
    ): Promise<MediaUploadView> {
      const sessions = capability();
      const { size } = input;
      if (!Number.isInteger(size) || size < 1) {
        throw badInput(`size must be the file's exact byte count, at least 1 (send empty files as multipart).`, {
          field: "size",
        });
      }
      if (size > limits.maxFileBytes) {
        throw tooLarge(`A file is larger than the per-file limit of ${limits.maxFileBytes} bytes.`);
      }
      if (size > limits.maxTotalBytes) {
        throw tooLarge(`The files of a message are limited to ${limits.maxTotalBytes} bytes together.`);
      }
      const contentType = declaredType(input.contentType, "contentType");
      const id = newId();
      const now = new Date();
      const partSize = Math.max(UPLOAD_PART_SIZE, sessions.minPartSize);
      const row = {
        id,
        conversationId: input.conversationId,
        uploader,
        objectKey: mediaObjectKey(input.conversationId, id),
        size,
        partSize,
        filename: sanitizeFilename(input.filename),
        contentType: contentType ?? null,
        createdAt: now,
        expiresAt: new Date(now.getTime() + deps.ttlSeconds * 1000),
      };
      // The row first: a crash after the store's upload started leaves a row the sweeper expires.
      await rows.insert(row);
      let storeUploadId: string;
      try {
        storeUploadId = await sessions.create(row.objectKey, {
          contentType: contentType ?? "application/octet-stream",
        });
        await rows.setStoreUploadId(id, storeUploadId);
      } catch (error) {
        const claimed = await rows.claimForDeletion(id, {}, new Date()).catch(() => null);
        if (claimed) await cleanUp(claimed).catch(() => {}); // the sweeper finishes what fails here
        throw uploadError(error);
      }
      return viewOf({ ...row, storeUploadId, completedAt: null, abortedAt: null }, () => false, now);
    },

    /** The viewer's unfinished upload with fresh part URLs, or null. */
    async get(uploader: string, id: string): Promise<MediaUploadView | null> {
      if (!isId(id)) return null;
      const now = new Date();
      const [row] = await rows.byIds([id]);
      if (!live(row, now) || row.uploader !== uploader) return null;
      if (row.completedAt) return viewOf(row, () => true, now);
      const parts = await storedParts(row);
      if (parts === null) {
        if (await assembled(row)) return viewOf(row, () => true, now);
        return null;
      }
      const have = new Map(parts.map((p) => [p.number, p.size]));
      return viewOf(row, (number, size) => have.get(number) === size, now);
    },

    /** Deletes the viewer's upload and what it stored; false when there was none. */
    async abort(uploader: string, id: string): Promise<boolean> {
      if (!isId(id)) return false;
      const row = await rows.claimForDeletion(id, { uploader }, new Date());
      if (!row) return false;
      try {
        await cleanUp(row);
      } catch (error) {
        deps.logger.warn({ err: error, uploadId: id }, "could not delete an aborted upload; the sweeper retries");
        throw uploadError(error);
      }
      return true;
    },

    /**
     * Checks the uploads a send names, before any byte of the message is read: each is the
     * sender's, in this conversation, live, named once, and has every part stored. Throws the
     * contract's code otherwise, and touches nothing, so an incomplete upload stays resumable.
     */
    async prepare(uploader: string, conversationId: string, ids: string[]): Promise<ReadyUpload[]> {
      if (ids.length === 0) return [];
      const seen = new Set<string>();
      for (const id of ids) {
        if (seen.has(id)) throw badInput(`Upload ${id} is named twice in this message; each upload is one file.`);
        seen.add(id);
      }
      const now = new Date();
      const found = new Map((await rows.byIds(ids.filter(isId))).map((r) => [r.id, r]));
      const ready: ReadyUpload[] = [];
      let total = 0;
      for (const id of ids) {
        const row = found.get(id);
        if (!live(row, now)) throw gone(id);
        if (row.uploader !== uploader) throw new ApiError("FORBIDDEN", `Upload ${id} was started by someone else.`);
        if (row.conversationId !== conversationId) {
          throw badInput(`Upload ${id} was started for another conversation; send it there or start a new one.`);
        }
        if (row.size > limits.maxFileBytes) {
          throw tooLarge(`A file is larger than the per-file limit of ${limits.maxFileBytes} bytes.`);
        }
        total += row.size;
        ready.push({ row, parts: row.completedAt ? null : await storedParts(row) });
      }
      if (total > limits.maxTotalBytes) {
        throw tooLarge(
          `The files of this message are larger than the combined limit of ${limits.maxTotalBytes} bytes.`,
        );
      }
      for (const r of ready) {
        const { row } = r;
        if (r.parts === null) {
          if (row.completedAt || (await assembled(row))) continue;
          throw gone(row.id); // the store lost it
        }
        r.parts = everyPart(row, r.parts);
      }
      return ready;
    },

    /** Assembles a ready upload's parts into its object (once; a later send finds it assembled). */
    async assemble(ready: ReadyUpload): Promise<void> {
      const { row, parts } = ready;
      if (parts !== null) {
        await complete(row, parts);
        await rows.markCompleted(row.id, new Date());
        ready.parts = null;
      }
      const info = await store.stat(row.objectKey).catch((error: unknown) => {
        throw uploadError(error);
      });
      if (!info) throw gone(row.id);
      if (info.size !== row.size) {
        throw badInput(`Upload ${row.id} holds ${info.size} bytes, not the ${row.size} it was started with.`);
      }
    },

    /** Aborted and expired sessions, cleaned up: nothing stored, no row. Returns how many. */
    async sweep(now = new Date()): Promise<number> {
      let swept = 0;
      for (;;) {
        const ids = await rows.due(now, 100);
        for (const id of ids) {
          const row = await rows.claimForDeletion(id, { expiredBefore: now }, now);
          if (!row) continue; // sent or cleaned up by someone else meanwhile
          await cleanUp(row);
          swept++;
        }
        if (ids.length < 100) return swept;
      }
    },

    /** The store upload ids among these that belong to a session (the orphan sweep spares them). */
    spare: (uploads: { uploadId: string }[]) => rows.storeUploadIdsIn(uploads.map((u) => u.uploadId)),
    /** The object keys among these that belong to a session (assembled, not yet sent). */
    keysInUse: (keys: string[]) => rows.objectKeysIn(keys),
  };
}

export type UploadSessionService = ReturnType<typeof uploadSessions>;
