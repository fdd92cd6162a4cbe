import type { Readable } from "node:stream";

/** Metadata of a stored object. */
export interface ObjectInfo {
  key: string;
  size: number;
  contentType: string;
  lastModified: Date;
}

export interface PresignOptions {
  /** Lifetime of the URL in seconds (MEDIA_URL_TTL_SECONDS, default 300). */
  expiresInSeconds: number;
  /** Served as the response's Content-Type. */
  contentType: string;
  /** Served as the response's Content-Disposition (already formatted, RFC 6266/5987). */
  contentDisposition: string;
  /** The instant the lifetime counts from (defaults to now); lets a page of URLs share one expiry. */
  now?: Date;
}

/**
 * Longest Content-Type or Content-Disposition a temporary URL may pin. Every store enforces it, so a
 * value that fits here can be signed by all of them; callers build their headers to fit.
 */
export const SIGNED_HEADER_MAX = 1024;

/** A header value every store can pin in a temporary URL: 1..SIGNED_HEADER_MAX printable ASCII characters. */
export const isSignableHeaderValue = (value: string): boolean =>
  value.length >= 1 && value.length <= SIGNED_HEADER_MAX && /^[\x20-\x7e]+$/.test(value);

export interface PresignedUrl {
  url: string;
  expiresAt: Date;
}

/**
 * Where media bytes live. Keys are opaque (`media/<conversationId>/<mediaId>`); callers never
 * derive them from user input. Implementations encrypt at rest and never serve objects publicly.
 */
export interface ObjectStore {
  readonly kind: "minio" | "disk";
  /** Prepares the store (bucket/directories, encryption); idempotent, called at start. */
  init(): Promise<void>;
  /** Cheap round trip proving the store is reachable; throws when it is not. */
  ping(): Promise<void>;
  /**
   * Streams `body` into `key`. Resolves once the object is durably stored; rejects (and leaves
   * no object) when the body errors, the signal aborts, or the store fails.
   */
  put(key: string, body: Readable, options: { contentType: string; signal?: AbortSignal }): Promise<void>;
  /** Metadata, or null when the object does not exist. */
  stat(key: string): Promise<ObjectInfo | null>;
  /** Reads the plaintext bytes back (for tests and the embedded media route). */
  get(key: string): Promise<Readable>;
  /** Deletes the objects; missing keys are not an error. */
  delete(keys: string[]): Promise<void>;
  /** Every key under the prefix (tests and the orphan sweeper). */
  list(prefix: string): Promise<ObjectInfo[]>;
  /**
   * Removes partial uploads (MinIO incomplete multipart uploads, the disk store's temporary parts)
   * under `prefix` started before `olderThan`, left by a crash or an outage; returns how many.
   */
  sweepIncomplete(prefix: string, olderThan: Date): Promise<number>;
  /**
   * Aborts the partial uploads of exactly these keys (a put cut off by a crash or an outage);
   * returns how many it found. Keys without one are not an error. MinIO lists incomplete multipart
   * uploads only for an exact key, so this is how they are found there; the disk store names its
   * temporary parts by an opaque id and leaves them to `sweepIncomplete`.
   */
  abortIncomplete(keys: string[]): Promise<number>;
  /** A URL that GETs the object without any header until `expiresAt`. Local: no network round trip. */
  presignGet(key: string, options: PresignOptions): Promise<PresignedUrl>;
}

/** The store could not be reached or refused the operation; maps to STORAGE_UNAVAILABLE. */
export class StorageUnavailableError extends Error {
  override readonly name = "StorageUnavailableError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
