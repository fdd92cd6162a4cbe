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
export interface PutOptions {
  contentType: string;
  signal?: AbortSignal;
  /**
   * Told the store's upload id when a multipart upload starts (MinIO; the disk store has none),
   * before any part is stored; a rejection fails the put. Record it to abort the upload by id.
   */
  onUploadStarted?: (uploadId: string) => Promise<void>;
}

/**
 * The core every store offers (put, get, stat, delete, list, presignGet, ping), plus optional
 * capabilities a store has or not (callers check, nothing pretends): incomplete uploads to sweep
 * and abort, temporary URLs the API must serve itself, resumable upload sessions.
 */
export interface ObjectStore {
  /** Prepares the store (bucket/directories, encryption); idempotent, called at start. */
  init(): Promise<void>;
  /** Cheap round trip proving the store is reachable; throws when it is not. */
  ping(): Promise<void>;
  /**
   * Streams `body` into `key`. Resolves once the object is durably stored; rejects (and leaves
   * no object) when the body errors, the signal aborts, or the store fails.
   */
  put(key: string, body: Readable, options: PutOptions): Promise<void>;
  /** Metadata, or null when the object does not exist. */
  stat(key: string): Promise<ObjectInfo | null>;
  /** Reads the plaintext bytes back (for tests and the embedded media route). */
  get(key: string): Promise<Readable>;
  /** Deletes the objects; missing keys are not an error. */
  delete(keys: string[]): Promise<void>;
  /** Every key under the prefix (tests and the orphan sweeper). */
  list(prefix: string): Promise<ObjectInfo[]>;
  /** A URL that GETs the object without any header until `expiresAt`. Local: no network round trip. */
  presignGet(key: string, options: PresignOptions): Promise<PresignedUrl>;
  /** Optional capability: partial uploads a crash or an outage can leave behind. */
  readonly incompleteUploads?: IncompleteUploads;
  /**
   * Optional capability: the store's temporary URLs point at the API, which answers them with
   * these (the embedded store); absent when they point at the store itself (MinIO).
   */
  readonly ownUrls?: OwnUrls;
  /** Optional capability: multipart uploads whose parts a client PUTs straight to presigned URLs. */
  readonly uploadSessions?: UploadSessions;
}

/** Partial uploads (MinIO incomplete multipart uploads, the disk store's temporary parts) and how to remove them. */
export interface IncompleteUploads {
  /**
   * Removes partial uploads under `prefix` started before `olderThan`, left by a crash or an
   * outage; returns how many. `spare` is shown the stale uploads found and names the upload ids to
   * leave alone: upload sessions still in use (S3 lists every multipart upload under a prefix, live
   * sessions' too). A store whose partial uploads carry no key (the disk store's temporary parts)
   * removes every stale one, whatever the prefix.
   */
  sweep(prefix: string, olderThan: Date, options?: SweepIncompleteOptions): Promise<number>;
  /**
   * Aborts the partial uploads of exactly these keys (a put cut off by a crash or an outage) and
   * their upload sessions; returns how many it found. Keys without one are not an error. MinIO lists
   * incomplete multipart uploads only for an exact key, so this is how they are found there; the
   * disk store names a put's temporary part by an opaque id and leaves it to `sweep`. `uploadIds`:
   * the upload ids `put` reported (onUploadStarted) by key, aborted by id, which needs no listing.
   */
  abort(keys: string[], uploadIds?: ReadonlyMap<string, string>): Promise<number>;
}

/** What answers a store's own temporary URLs, mounted by the API (serveSignedMedia, serveUploadPart). */
export interface OwnUrls {
  /** GET/HEAD of presignGet's URLs, under /MEDIA_ROUTE_SEGMENT. */
  media: SignedMediaSource;
  /** PUT of upload session parts, under /UPLOAD_ROUTE_SEGMENT (with upload sessions). */
  uploadParts?: UploadPartSink;
}

/** What a verified media URL grants: this key, served with these headers, until `expiresAt`. */
export interface VerifiedMediaUrl {
  key: string;
  contentType: string;
  contentDisposition: string;
  expiresAt: Date;
}

/** What a verified part URL grants: one PUT of exactly `size` bytes as part `number` of `uploadId`. */
export interface VerifiedPartUrl {
  uploadId: string;
  number: number;
  size: number;
  expiresAt: Date;
}

/** What serveSignedMedia needs from a store. */
export interface SignedMediaSource {
  verifyMediaUrl(pathname: string, searchParams: URLSearchParams, now?: Date): VerifiedMediaUrl;
  stat(key: string): Promise<ObjectInfo | null>;
  get(key: string): Promise<Readable>;
  getRange(key: string, start: number, endInclusive: number): Promise<Readable>;
}

/** What serveUploadPart needs from a store's upload sessions. */
export interface UploadPartSink {
  verifyPartUrl(pathname: string, searchParams: URLSearchParams, now?: Date): VerifiedPartUrl;
  receivePart(uploadId: string, number: number, size: number, body: Readable, signal?: AbortSignal): Promise<string>;
}

export interface SweepIncompleteOptions {
  /** The upload ids among `uploads` that must not be aborted. */
  spare?: (uploads: { key: string; uploadId: string }[]) => Promise<ReadonlySet<string>>;
}

/** A part stored by an upload session. */
export interface UploadedPart {
  /** 1-based. */
  number: number;
  size: number;
  /** Identifies this copy of the part (a part PUT again gets a new one); complete() names it. */
  etag: string;
}

/**
 * Resumable uploads of one object in parts (S3 multipart upload semantics): nothing is visible at
 * the key until complete(); parts may arrive in any order, in parallel, and be PUT again (the
 * last complete PUT wins); an interrupted PUT stores nothing for its part.
 */
export interface UploadSessions {
  /** Minimum size of every part but the last (S3: 5 MiB). */
  readonly minPartSize: number;
  /** Starts an upload of `key`; returns the store's upload id. */
  create(key: string, options: { contentType: string }): Promise<string>;
  /**
   * A URL that takes one PUT of exactly `size` bytes (no header the client must add) as part
   * `number`, until `expiresAt`. Local: no network round trip, and no check that the upload
   * still exists (a PUT to an upload that is gone is refused with 404).
   */
  presignPart(
    key: string,
    uploadId: string,
    part: { number: number; size: number },
    options: { expiresInSeconds: number; now?: Date },
  ): Promise<PresignedUrl>;
  /** The parts stored so far, by number. Throws UploadNotFoundError for an aborted or completed upload. */
  listParts(key: string, uploadId: string): Promise<UploadedPart[]>;
  /**
   * Assembles exactly these parts, in order, into the object at `key` and ends the upload. Throws
   * UploadNotFoundError when the upload is gone, and an Error when a part is missing or was replaced.
   */
  complete(key: string, uploadId: string, parts: UploadedPart[]): Promise<void>;
  /** Discards the upload and its stored parts; an upload already gone is not an error. */
  abort(key: string, uploadId: string): Promise<void>;
}

/** The upload session does not exist (never did, aborted, or completed). */
export class UploadNotFoundError extends Error {
  override readonly name = "UploadNotFoundError";
  readonly code = "NoSuchUpload";
  constructor(readonly uploadId: string) {
    super(`upload ${uploadId} does not exist (aborted, completed or never started)`);
  }
}

/**
 * complete() named a part the store does not hold as listed: PUT again after the listing, or (seen on
 * a distributed MinIO whose node had just rejoined) a store answering before it caught up. Listing the
 * parts again and completing with them is the way on.
 */
export class UploadPartsChangedError extends Error {
  override readonly name = "UploadPartsChangedError";
  constructor(
    readonly uploadId: string,
    options?: { cause?: unknown },
  ) {
    super(`upload ${uploadId}: a part is not stored as it was listed (missing or PUT again)`, options);
  }
}

/** The store could not be reached or refused the operation; maps to STORAGE_UNAVAILABLE. */
export class StorageUnavailableError extends Error {
  override readonly name = "StorageUnavailableError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
