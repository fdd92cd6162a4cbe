import { Readable, type Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { imageStage } from "@parley/imaging";
import { fileTypeFromBuffer } from "file-type";
import { StorageUnavailableError, type ObjectStore } from "@parley/storage";
import { badInput, ParleyError } from "../../errors.ts";
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
  if (error instanceof ParleyError) return error;
  if (error instanceof StorageUnavailableError) {
    return new ParleyError(
      "STORAGE_UNAVAILABLE",
      "Media storage is unavailable right now; nothing was sent. Try again shortly.",
    );
  }
  const status = (error as { status?: number }).status;
  const message = (error as Error | undefined)?.message ?? "upload failed";
  if (status === 413) return new ParleyError("PAYLOAD_TOO_LARGE", message);
  if (status !== undefined && status >= 400 && status < 500) {
    return new ParleyError("BAD_USER_INPUT", `The upload could not be read: ${message}`);
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

/**
 * One file through the stages, never whole in memory: limit → sniff the type from the head →
 * image stage (JPEG/PNG/WebP metadata removed, width/height read; @parley/imaging) → sha256 and
 * size of the stored bytes → ObjectStore.put. The chunks flow with backpressure from the source to the
 * store; a stage that throws ends the put, and the caller cleans up.
 */
export async function storeFile(
  store: ObjectStore,
  file: PipelineFile,
  budget: Budget,
  signal?: AbortSignal,
  options: { stripMetadata: boolean } = { stripMetadata: true },
): Promise<NewMedia> {
  const { opened } = file;
  const { head, rest } = await peekHead(limit(budget)(opened.stream));
  const sniffed = head.length > 0 ? await fileTypeFromBuffer(head) : undefined;
  const contentType =
    sniffed?.mime ?? file.declaredType ?? declaredType(opened.mimetype, "mimetype") ?? "application/octet-stream";
  const image = imageStage(contentType, { strip: options.stripMetadata });
  const measured = digest();
  const shaped = image ? through(rest, image.stream) : rest;
  const body = Readable.from(measured.stage(shaped), { objectMode: false, highWaterMark: 1024 * 1024 });
  await store.put(file.objectKey, body, { contentType, signal });
  const { size, sha256 } = measured.result();
  const info = image?.info();
  return {
    id: file.id,
    objectKey: file.objectKey,
    contentType,
    size,
    sha256,
    filename: sanitizeFilename(file.filename ?? opened.filename),
    width: info?.width ?? null,
    height: info?.height ?? null,
  };
}
