import type { Client } from "minio";
import { assertValidObjectKey } from "./object-key.ts";
import {
  UploadNotFoundError,
  UploadPartsChangedError,
  type PresignedUrl,
  type UploadedPart,
  type UploadSessions,
} from "./object-store.ts";
import type { sigV4Presigner } from "./sigv4-presign.ts";

const MiB = 1024 * 1024;

type ListParts = (
  bucket: string,
  key: string,
  uploadId: string,
) => Promise<{ part: number; etag: string; size: number }[]>;

const codeOf = (error: unknown) => (error as { code?: string } | undefined)?.code;

/**
 * S3 multipart uploads whose parts the client PUTs to presigned URLs: the bytes go from the client
 * to the store, never through this process. Part URLs are signed for the public endpoint with the
 * part's exact Content-Length (every HTTP client sends it for a body of known size), so a URL
 * cannot store more than its part. The bucket's default encryption (SSE-S3) applies to the parts.
 */
export class MinioUploadSessions implements UploadSessions {
  readonly minPartSize = 5 * MiB;

  constructor(
    private readonly client: Client,
    private readonly bucket: string,
    private readonly sign: ReturnType<typeof sigV4Presigner>,
    private readonly wrap: (error: unknown, what: string) => Error,
  ) {}

  async create(key: string, options: { contentType: string }): Promise<string> {
    assertValidObjectKey(key);
    try {
      return await this.client.initiateNewMultipartUpload(this.bucket, key, {
        "Content-Type": options.contentType,
        "X-Amz-Server-Side-Encryption": "AES256",
      });
    } catch (error) {
      throw this.wrap(error, `start an upload of "${key}"`);
    }
  }

  async presignPart(
    key: string,
    uploadId: string,
    part: { number: number; size: number },
    options: { expiresInSeconds: number; now?: Date },
  ): Promise<PresignedUrl> {
    assertPart(part);
    // Signatures carry whole seconds; start from one so expiresAt is exactly when the URL dies.
    const now = new Date(Math.floor((options.now ?? new Date()).getTime() / 1000) * 1000);
    const url = this.sign(key, {
      method: "PUT",
      expiresInSeconds: options.expiresInSeconds,
      now,
      query: { partNumber: String(part.number), uploadId },
      headers: { "content-length": String(part.size) },
    });
    return { url, expiresAt: new Date(now.getTime() + options.expiresInSeconds * 1000) };
  }

  async listParts(key: string, uploadId: string): Promise<UploadedPart[]> {
    try {
      // Public in the client's JavaScript; only its TypeScript declaration marks it protected.
      const parts = await (this.client as unknown as { listParts: ListParts }).listParts(this.bucket, key, uploadId);
      return parts.map((p) => ({ number: p.part, size: p.size, etag: p.etag })).sort((a, b) => a.number - b.number);
    } catch (error) {
      if (codeOf(error) === "NoSuchUpload") throw new UploadNotFoundError(uploadId);
      throw this.wrap(error, `list the parts of an upload of "${key}"`);
    }
  }

  async complete(key: string, uploadId: string, parts: UploadedPart[]): Promise<void> {
    try {
      await this.client.completeMultipartUpload(
        this.bucket,
        key,
        uploadId,
        parts.map((p) => ({ part: p.number, etag: p.etag })),
      );
    } catch (error) {
      if (codeOf(error) === "NoSuchUpload") throw new UploadNotFoundError(uploadId);
      if (codeOf(error) === "InvalidPart") throw new UploadPartsChangedError(uploadId, { cause: error });
      throw this.wrap(error, `complete an upload of "${key}"`);
    }
  }

  async abort(key: string, uploadId: string): Promise<void> {
    try {
      await this.client.abortMultipartUpload(this.bucket, key, uploadId);
    } catch (error) {
      // MinIO accepts a second abort; S3 answers it with NoSuchUpload.
      if (codeOf(error) !== "NoSuchUpload") throw this.wrap(error, `abort an upload of "${key}"`);
    }
  }
}

/** S3 numbers parts 1..10000; a part holds at most 5 GiB. */
export function assertPart(part: { number: number; size: number }): void {
  if (!Number.isInteger(part.number) || part.number < 1 || part.number > 10_000) {
    throw new RangeError("part number must be an integer in 1..10000");
  }
  if (!Number.isInteger(part.size) || part.size < 1 || part.size > 5 * 1024 * MiB) {
    throw new RangeError("part size must be an integer in 1..5 GiB");
  }
}
