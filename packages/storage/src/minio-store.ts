import { PassThrough, type Readable } from "node:stream";
import { Client } from "minio";
import {
  StorageUnavailableError,
  type ObjectInfo,
  type ObjectStore,
  type PresignedUrl,
  type PresignOptions,
} from "./object-store.ts";

export interface MinioStoreOptions {
  endpoint: string;
  /** Host the temporary URLs are signed for (defaults to `endpoint`). */
  publicEndpoint?: string;
  accessKey: string;
  secretKey: string;
  bucket: string;
  region: string;
  /** Multipart part size: bounds the client's buffering per upload (default 8 MiB). */
  partSize?: number;
}

function clientFor(endpoint: string, o: MinioStoreOptions): Client {
  const url = new URL(endpoint);
  const useSSL = url.protocol === "https:";
  return new Client({
    endPoint: url.hostname,
    port: url.port ? Number(url.port) : useSSL ? 443 : 80,
    useSSL,
    accessKey: o.accessKey,
    secretKey: o.secretKey,
    // A known region means presigning never asks the server for the bucket's location.
    region: o.region,
    partSize: o.partSize ?? 8 * 1024 * 1024,
  });
}

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENOTFOUND", "EPIPE"]);

function isUnavailable(error: unknown): boolean {
  const e = error as { code?: string; cause?: { code?: string } } | undefined;
  return NETWORK_CODES.has(e?.code ?? "") || NETWORK_CODES.has(e?.cause?.code ?? "");
}

function wrap(error: unknown, what: string): Error {
  if (error instanceof StorageUnavailableError) return error;
  if (isUnavailable(error)) {
    return new StorageUnavailableError(`object storage is unreachable while trying to ${what}`, { cause: error });
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** Settles when `stream` fails or is destroyed before its end, so a stalled upload cannot hang. */
function streamFailure(stream: Readable): Promise<never> {
  return new Promise((_, reject) => {
    stream.once("error", reject);
    stream.once("close", () => {
      if (!stream.readableEnded) reject(new Error("upload source closed before its end"));
    });
  });
}

/** S3-compatible storage on MinIO: private bucket, SSE-S3 by default, presigned GETs. */
export class MinioStore implements ObjectStore {
  readonly kind = "minio" as const;
  readonly bucket: string;
  private readonly client: Client;
  private readonly signer: Client;

  constructor(private readonly options: MinioStoreOptions) {
    this.bucket = options.bucket;
    this.client = clientFor(options.endpoint, options);
    this.signer = clientFor(options.publicEndpoint ?? options.endpoint, options);
  }

  async init(): Promise<void> {
    try {
      if (!(await this.client.bucketExists(this.bucket))) {
        try {
          await this.client.makeBucket(this.bucket, this.options.region);
        } catch (error) {
          // Another instance created it between our check and our create.
          if ((error as { code?: string }).code !== "BucketAlreadyOwnedByYou") throw error;
        }
      }
      // Encrypted at rest by default (SSE-S3); needs a KMS key on the MinIO server.
      await this.client.setBucketEncryption(this.bucket, {
        Rule: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }],
      });
    } catch (error) {
      const e = wrap(error, `prepare bucket "${this.bucket}"`);
      if (e instanceof StorageUnavailableError) throw e;
      throw new Error(
        `could not prepare bucket "${this.bucket}" with SSE-S3 encryption: ${e.message}. ` +
          "Start MinIO with a KMS key (MINIO_KMS_SECRET_KEY) and check S3_ACCESS_KEY/S3_SECRET_KEY.",
        { cause: error },
      );
    }
  }

  async ping(): Promise<void> {
    try {
      await this.client.bucketExists(this.bucket);
    } catch (error) {
      throw new StorageUnavailableError("object storage is unreachable", { cause: error });
    }
  }

  async put(key: string, body: Readable, options: { contentType: string; signal?: AbortSignal }): Promise<void> {
    // The minio client can wait forever on a source destroyed without an error, so the upload
    // is raced against the source's failure and the caller's abort signal.
    const source = new PassThrough({ highWaterMark: 1024 * 1024 });
    const failed = streamFailure(body);
    body.on("error", (e) => source.destroy(e));
    body.pipe(source);
    const aborted = new Promise<never>((_, reject) => {
      if (!options.signal) return;
      const onAbort = () => {
        const reason = options.signal?.reason as unknown;
        source.destroy(reason instanceof Error ? reason : new Error("upload aborted"));
        reject(reason instanceof Error ? reason : new Error("upload aborted"));
      };
      if (options.signal.aborted) onAbort();
      else options.signal.addEventListener("abort", onAbort, { once: true });
    });
    const upload = this.client.putObject(this.bucket, key, source, undefined, {
      "Content-Type": options.contentType,
      "X-Amz-Server-Side-Encryption": "AES256",
    });
    try {
      await Promise.race([upload, failed, aborted]);
    } catch (error) {
      source.destroy();
      // Let the client finish failing before removing what it may have written.
      await Promise.race([upload.catch(() => {}), new Promise((r) => setTimeout(r, 5_000))]);
      await this.discard(key);
      throw wrap(error, `store "${key}"`);
    } finally {
      failed.catch(() => {});
      aborted.catch(() => {});
    }
  }

  /** Removes an object and any incomplete multipart upload under its key; best effort. */
  private async discard(key: string): Promise<void> {
    await this.client.removeIncompleteUpload(this.bucket, key).catch(() => {});
    await this.client.removeObject(this.bucket, key).catch(() => {});
  }

  async stat(key: string): Promise<ObjectInfo | null> {
    try {
      const s = await this.client.statObject(this.bucket, key);
      const meta = s.metaData as Record<string, string>;
      return {
        key,
        size: s.size,
        contentType: meta["content-type"] ?? "application/octet-stream",
        lastModified: s.lastModified,
      };
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === "NotFound" || code === "NoSuchKey") return null;
      throw wrap(error, `stat "${key}"`);
    }
  }

  async get(key: string): Promise<Readable> {
    try {
      return await this.client.getObject(this.bucket, key);
    } catch (error) {
      throw wrap(error, `read "${key}"`);
    }
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    try {
      for (let i = 0; i < keys.length; i += 1000) {
        await this.client.removeObjects(this.bucket, keys.slice(i, i + 1000));
      }
    } catch (error) {
      throw wrap(error, `delete ${keys.length} object(s)`);
    }
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    try {
      const out: ObjectInfo[] = [];
      const stream = this.client.listObjectsV2(this.bucket, prefix, true);
      for await (const item of stream as AsyncIterable<{ name?: string; size: number; lastModified: Date }>) {
        if (item.name) {
          out.push({ key: item.name, size: item.size, contentType: "", lastModified: item.lastModified });
        }
      }
      return out;
    } catch (error) {
      throw wrap(error, `list "${prefix}"`);
    }
  }

  async presignGet(key: string, o: PresignOptions): Promise<PresignedUrl> {
    // Signatures carry whole seconds; start from one so expiresAt is exactly when the URL dies.
    const now = new Date(Math.floor((o.now ?? new Date()).getTime() / 1000) * 1000);
    const url = await this.signer.presignedGetObject(
      this.bucket,
      key,
      o.expiresInSeconds,
      {
        "response-content-type": o.contentType,
        "response-content-disposition": o.contentDisposition,
      },
      now,
    );
    return { url, expiresAt: new Date(now.getTime() + o.expiresInSeconds * 1000) };
  }
}
