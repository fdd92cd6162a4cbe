import { Readable, type Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { imageStage } from "@parley/imaging";
import { fileTypeFromBuffer } from "file-type";
import { StorageUnavailableError, UploadPartsChangedError, type ObjectStore } from "@parley/storage";
import { ApiError, badInput } from "../../errors.ts";
import { sanitizeFilename } from "../../media/filename.ts";
import type { NewMedia } from "../messages.ts";
import type { OpenedFile } from "./incoming-file.ts";
import { digest, limit, peekHead, type Budget } from "./stages.ts";

const CONTENT_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;
const GENERIC = new Set(["application/octet-stream", ""]);

/** A declared type, normalised; parameters are dropped because stored types are bare media types. */
export function declaredType(value: string | null | undefined, field: string): string | undefined {
  if (value == null) return undefined;
  const bare = (value.split(";")[0] ?? "").trim().toLowerCase();
  if (!CONTENT_TYPE.test(bare)) throw badInput(`${field} "${value}" is not a media type like image/png.`, { field });
  return GENERIC.has(bare) ? undefined : bare;
}

/** Maps what a failed upload threw to a contract error. */
export function uploadError(error: unknown): Error {
  if (error instanceof ApiError) return error;
  if (error instanceof UploadPartsChangedError) {
    return new ApiError(
      "STORAGE_UNAVAILABLE",
      `Media storage did not hold the parts of upload ${error.uploadId} as it had listed them; nothing was sent. Send again shortly.`,
    );
  }
  if (error instanceof StorageUnavailableError) {
    return new ApiError(
      "STORAGE_UNAVAILABLE",
      "Media storage is unavailable right now; nothing was sent. Try again shortly.",
    );
  }
  const status = (error as { status?: number }).status;
  const message = (error as Error | undefined)?.message ?? "upload failed";
  if (status === 413) return new ApiError("PAYLOAD_TOO_LARGE", message);
  if (status !== undefined && status >= 400 && status < 500) {
    return new ApiError("BAD_USER_INPUT", `The upload could not be read: ${message}`);
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** One file on its way into the store under a reserved key. */
export interface PipelineFile {
  id: string;
  objectKey: string;
  opened: OpenedFile;
  /** MediaInput's overrides, already validated for the type. */
  filename?: string | null;
  declaredType?: string;
}

/** Runs the chunks through a Node Transform (the image stage); its errors and the source's end the iteration. */
function through(chunks: AsyncIterable<Buffer>, transform: Transform): AsyncIterable<Buffer> {
  pipeline(Readable.from(chunks, { objectMode: false }), transform).catch(() => {}); // surfaced by transform
  return transform;
}

/** One file's bytes through the stages, ready to be stored: see shapeFile. */
export interface ShapedFile {
  contentType: string;
  /** The bytes to store: the source's, or the image stage's when it strips metadata. */
  body: Readable;
  /** True when the image stage may change the bytes (metadata stripping on, JPEG/PNG/WebP). */
  rewrites: boolean;
  /** Size, sha256 and pixel size of the bytes `body` gave; available once it has ended. */
  result(): { size: number; sha256: string; width: number | null; height: number | null };
}

/**
 * One file through the stages, never whole in memory: limit → sniff the type from the head →
 * image stage (JPEG/PNG/WebP metadata removed, width/height read; @parley/imaging) → sha256 and
 * size of the bytes to store. The chunks flow with backpressure from the source to whoever reads
 * `body`; a stage that throws errors `body`.
 */
export async function shapeFile(
  source: Readable,
  budget: Budget,
  options: { declaredType?: string; mimetype?: string | null; stripMetadata: boolean },
): Promise<ShapedFile> {
  const { head, rest } = await peekHead(limit(budget)(source));
  const sniffed = head.length > 0 ? await fileTypeFromBuffer(head) : undefined;
  const contentType =
    sniffed?.mime ?? options.declaredType ?? declaredType(options.mimetype, "mimetype") ?? "application/octet-stream";
  const image = imageStage(contentType, { strip: options.stripMetadata });
  const measured = digest();
  const shaped = image ? through(rest, image.stream) : rest;
  return {
    contentType,
    body: Readable.from(measured.stage(shaped), { objectMode: false, highWaterMark: 256 * 1024 }),
    rewrites: image?.report !== undefined,
    result() {
      const info = image?.info();
      return { ...measured.result(), width: info?.width ?? null, height: info?.height ?? null };
    },
  };
}

/** Shapes one file (see shapeFile) and streams it into the store under its reserved key. */
export async function storeFile(
  store: ObjectStore,
  file: PipelineFile,
  budget: Budget,
  signal?: AbortSignal,
  options: { stripMetadata: boolean; onUploadStarted?: (uploadId: string) => Promise<void> } = { stripMetadata: true },
): Promise<NewMedia> {
  const { opened } = file;
  const shaped = await shapeFile(opened.stream, budget, {
    declaredType: file.declaredType,
    mimetype: opened.mimetype,
    stripMetadata: options.stripMetadata,
  });
  await store.put(file.objectKey, shaped.body, {
    contentType: shaped.contentType,
    signal,
    onUploadStarted: options.onUploadStarted,
  });
  return {
    id: file.id,
    objectKey: file.objectKey,
    contentType: shaped.contentType,
    filename: sanitizeFilename(file.filename ?? opened.filename),
    ...shaped.result(),
  };
}
