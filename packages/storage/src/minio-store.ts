import { addAbortSignal, type Readable } from "node:stream";
import { assertValidObjectKey, assertValidObjectPrefix } from "./object-key.ts";
import { Client } from "minio";
import {
  isSignableHeaderValue,
  SIGNED_HEADER_MAX,
  StorageUnavailableError,
  type IncompleteUploads,
  type ObjectInfo,
  type ObjectStore,
  type PresignedUrl,
  type PresignOptions,
  type PutOptions,
  type SweepIncompleteOptions,
} from "./object-store.ts";
import { MinioUploadSessions } from "./minio-upload-sessions.ts";
import { sigV4Presigner } from "./sigv4-presign.ts";
import { streamParts } from "./streamed-parts.ts";

export interface MinioStoreOptions {
  endpoint: string;
  /** Host the temporary URLs are signed for (defaults to `endpoint`). */
  publicEndpoint?: string;
  accessKey: string;
  secretKey: string;
  /** With temporary credentials (STS AssumeRole, IRSA, instance roles): sent with every request and URL. */
  sessionToken?: string;
  bucket: string;
  region: string;
  /**
   * Multipart part size of put() (default 5 MiB, S3's minimum): each upload holds at most about two
   * parts of its incoming chunks in memory, referenced until the store has acknowledged them.
   */
  partSize?: number;
}

const DEFAULT_PART_SIZE = 5 * 1024 * 1024;
// put()'s part URLs are signed when its multipart upload starts; a slow sender may take long.
const PART_URL_SECONDS = 24 * 3600;

/** The body's bytes as Buffers, skipping empty chunks; returning it destroys the body. */
async function* nonEmptyChunks(body: Readable): AsyncGenerator<Buffer, void, undefined> {
  for await (const chunk of body as AsyncIterable<Buffer | Uint8Array | string>) {
    const data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    if (data.length > 0) yield data;
  }
}

function clientFor(endpoint: string, o: MinioStoreOptions): Client {
  const url = new URL(endpoint);
  const useSSL = url.protocol === "https:";
  const client = new Client({
    endPoint: url.hostname,
    port: url.port ? Number(url.port) : useSSL ? 443 : 80,
    useSSL,
    accessKey: o.accessKey,
    secretKey: o.secretKey,
    ...(o.sessionToken ? { sessionToken: o.sessionToken } : {}),
    // A known region means presigning never asks the server for the bucket's location.
    region: o.region,
    partSize: o.partSize ?? DEFAULT_PART_SIZE,
  });
  // Requests are signed with UNSIGNED-PAYLOAD over plain HTTP too, as minio-js does over HTTPS and
  // as the upload sessions' presigned part URLs are: otherwise minio-js hashes every part for its
  // signature, a second sha256 pass over each upload on top of the one the pipeline computes.
  client.enableSHA256 = false;
  return client;
}

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENOTFOUND", "EPIPE"]);

// minio-js retries a 408/429/5xx answer once, then throws a plain Error naming the status (the S3 error
// code is dropped): a distributed MinIO without write quorum (503), a node starting up, a proxy's 502/504.
const RETRIES_EXHAUSTED = /^Request failed after \d+ retries: Error: Retryable HTTP status: \d+/;

function isUnavailable(error: unknown): boolean {
  const e = error as { code?: string; message?: unknown; cause?: { code?: string } } | undefined;
  return (
    NETWORK_CODES.has(e?.code ?? "") ||
    NETWORK_CODES.has(e?.cause?.code ?? "") ||
    (typeof e?.message === "string" && RETRIES_EXHAUSTED.test(e.message))
  );
}

function wrap(error: unknown, what: string): Error {
  if (error instanceof StorageUnavailableError) return error;
  if (isUnavailable(error)) {
    return new StorageUnavailableError(`object storage is unreachable while trying to ${what}`, { cause: error });
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** Rejects when `signal` aborts, so a request in flight cannot delay an abort. */
function abortable<T>(work: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error("upload aborted"));
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** Waits for `work` to settle, at most `ms` (a dead connection must not hold the clean-up forever). */
async function settledWithin(work: Promise<unknown> | undefined, ms: number): Promise<void> {
  if (!work) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work.catch(() => {}), new Promise((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}

/** S3-compatible storage on MinIO: private bucket, SSE-S3 by default, presigned GETs. */
export class MinioStore implements ObjectStore {
  readonly bucket: string;
  private readonly partSize: number;
  private readonly client: Client;
  private readonly sign: ReturnType<typeof sigV4Presigner>;
  /** Signs for `endpoint` itself: the requests the API makes (put()'s parts). */
  private readonly signDirect: ReturnType<typeof sigV4Presigner>;
  readonly uploadSessions: MinioUploadSessions;
  readonly incompleteUploads: IncompleteUploads = {
    sweep: (prefix, olderThan, options) => this.sweepIncomplete(prefix, olderThan, options),
    abort: (keys, uploadIds) => this.abortIncomplete(keys, uploadIds),
  };

  constructor(private readonly options: MinioStoreOptions) {
    this.bucket = options.bucket;
    this.partSize = options.partSize ?? DEFAULT_PART_SIZE;
    this.client = clientFor(options.endpoint, options);
    this.sign = sigV4Presigner({ ...options, endpoint: options.publicEndpoint ?? options.endpoint });
    this.signDirect = options.publicEndpoint ? sigV4Presigner(options) : this.sign;
    this.uploadSessions = new MinioUploadSessions(this.client, this.bucket, this.sign, wrap);
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

  async put(key: string, body: Readable, options: PutOptions): Promise<void> {
    assertValidObjectKey(key);
    // Multipart is driven here rather than by the client's putObject(stream): that one copies every
    // part into a buffer of its own, hangs forever when its source fails or is destroyed, and cannot
    // upload an empty stream. An object appears only at the single PUT or at
    // completeMultipartUpload, so a failure before that leaves nothing behind; abortMultipartUpload
    // discards the parts.
    const { signal } = options;
    signal?.throwIfAborted();
    const headers = { "Content-Type": options.contentType, "X-Amz-Server-Side-Encryption": "AES256" };
    if (signal) addAbortSignal(signal, body);
    const chunks = nonEmptyChunks(body);
    let uploadId: string | undefined;
    let singlePut = false;
    let inFlight: Promise<unknown> | undefined;
    try {
      // Part one is read whole, plus a byte: an object of at most one part is a single PUT.
      const head: Buffer[] = [];
      let headBytes = 0;
      while (headBytes <= this.partSize) {
        const r = await chunks.next();
        if (r.done) break;
        head.push(r.value);
        headBytes += r.value.length;
      }
      if (headBytes <= this.partSize) {
        singlePut = true;
        const bytes = head.length === 1 ? head[0]! : Buffer.concat(head, headBytes);
        inFlight = this.client.putObject(this.bucket, key, bytes, bytes.length, headers);
        await abortable(inFlight, signal);
        return;
      }
      const created = this.client.initiateNewMultipartUpload(this.bucket, key, headers);
      inFlight = created;
      const id = await abortable(created, signal);
      uploadId = id;
      await options.onUploadStarted?.(id);
      const now = new Date();
      const partUrl = (partNumber: number) =>
        this.signDirect(key, {
          method: "PUT",
          expiresInSeconds: PART_URL_SECONDS,
          now,
          query: { partNumber: String(partNumber), uploadId: id },
        });
      const sent = streamParts(head, chunks, this.partSize, partUrl, signal);
      inFlight = sent;
      const etags = await sent;
      signal?.throwIfAborted();
      await this.client.completeMultipartUpload(this.bucket, key, id, etags);
    } catch (error) {
      await chunks.return?.(undefined).catch(() => {});
      // Let a request still in flight settle first, so nothing lands after the clean-up.
      await settledWithin(inFlight, 10_000);
      if (uploadId) await this.client.abortMultipartUpload(this.bucket, key, uploadId).catch(() => {});
      // An aborted single PUT may still have landed once it settled.
      if (singlePut) await this.discard(key);
      throw wrap(error, `store "${key}"`);
    }
  }

  /** Removes an object and any incomplete multipart upload under its key; best effort. */
  private async discard(key: string): Promise<void> {
    await this.client.removeIncompleteUpload(this.bucket, key).catch(() => {});
    await this.client.removeObject(this.bucket, key).catch(() => {});
  }

  async stat(key: string): Promise<ObjectInfo | null> {
    assertValidObjectKey(key);
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
    assertValidObjectKey(key);
    try {
      return await this.client.getObject(this.bucket, key);
    } catch (error) {
      throw wrap(error, `read "${key}"`);
    }
  }

  async delete(keys: string[]): Promise<void> {
    keys.forEach(assertValidObjectKey);
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
    assertValidObjectPrefix(prefix);
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

  /**
   * Incomplete multipart uploads under `prefix`, page by page. Not the client's
   * listIncompleteUploads: that one also lists every upload's parts and fails with NoSuchUpload on
   * an upload MinIO was killed while initiating (2 of 30 kills in a repro; abort still removes
   * it), or one another instance aborted between the two requests.
   */
  private async *listIncompleteUploads(
    prefix: string,
  ): AsyncGenerator<{ key: string; uploadId: string; initiated: Date }> {
    let keyMarker = "";
    let uploadIdMarker = "";
    for (;;) {
      const page = await this.client.listIncompleteUploadsQuery(this.bucket, prefix, keyMarker, uploadIdMarker, "");
      yield* page.uploads;
      if (!page.isTruncated) return;
      keyMarker = page.nextKeyMarker;
      uploadIdMarker = page.nextUploadIdMarker;
    }
  }

  /**
   * Aborts one upload; one already aborted or completed (by another instance) counts as done.
   * MinIO accepts a second abort; S3 answers it with NoSuchUpload.
   */
  /** False when there was no such upload (completed or aborted already). */
  private async abortUpload(key: string, uploadId: string): Promise<boolean> {
    try {
      await this.client.abortMultipartUpload(this.bucket, key, uploadId);
      return true;
    } catch (error) {
      if ((error as { code?: string }).code !== "NoSuchUpload") throw error;
      return false;
    }
  }

  private async sweepIncomplete(
    prefix: string,
    olderThan: Date,
    options: SweepIncompleteOptions = {},
  ): Promise<number> {
    assertValidObjectPrefix(prefix);
    try {
      let stale: { key: string; uploadId: string }[] = [];
      for await (const u of this.listIncompleteUploads(prefix)) {
        // Uploads still running on some instance are younger than the grace period.
        if (u.initiated.getTime() <= olderThan.getTime()) stale.push({ key: u.key, uploadId: u.uploadId });
      }
      if (options.spare && stale.length > 0) {
        const spared = await options.spare(stale);
        stale = stale.filter((u) => !spared.has(u.uploadId));
      }
      for (const u of stale) await this.abortUpload(u.key, u.uploadId);
      return stale.length;
    } catch (error) {
      throw wrap(error, `sweep incomplete uploads under "${prefix}"`);
    }
  }

  private async abortIncomplete(keys: string[], uploadIds?: ReadonlyMap<string, string>): Promise<number> {
    keys.forEach(assertValidObjectKey);
    let aborted = 0;
    try {
      for (const key of keys) {
        // By id first: a distributed MinIO lists a key's uploads from one drive of the node that
        // answers, so an upload begun while that drive was offline is not listed there (a sweep
        // answered by a node that had been down would leave it behind).
        const uploads = new Set<string>();
        const known = uploadIds?.get(key);
        if (known) uploads.add(known);
        // MinIO answers ListMultipartUploads for an exact object key (a prefix finds nothing).
        for await (const u of this.listIncompleteUploads(key)) if (u.key === key) uploads.add(u.uploadId);
        for (const uploadId of uploads) if (await this.abortUpload(key, uploadId)) aborted++;
      }
      return aborted;
    } catch (error) {
      throw wrap(error, `abort incomplete uploads of ${keys.length} key(s)`);
    }
  }

  async presignGet(key: string, o: PresignOptions): Promise<PresignedUrl> {
    assertValidObjectKey(key);
    // The same rule as the disk store's signer, so a header that signs here signs everywhere.
    for (const value of [o.contentType, o.contentDisposition]) {
      if (!isSignableHeaderValue(value)) {
        throw new TypeError(`signed response headers must be 1..${SIGNED_HEADER_MAX} printable ASCII characters`);
      }
    }
    // Signatures carry whole seconds; start from one so expiresAt is exactly when the URL dies.
    const now = new Date(Math.floor((o.now ?? new Date()).getTime() / 1000) * 1000);
    const url = this.sign(key, {
      expiresInSeconds: o.expiresInSeconds,
      now,
      query: { "response-content-type": o.contentType, "response-content-disposition": o.contentDisposition },
    });
    return { url, expiresAt: new Date(now.getTime() + o.expiresInSeconds * 1000) };
  }
}
