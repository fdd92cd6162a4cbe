import { randomUUID } from "node:crypto";
import { constants, createWriteStream } from "node:fs";
import {
  access,
  mkdir,
  open,
  readdir,
  rename,
  rm,
  rmdir,
  stat as statPath,
  unlink,
  type FileHandle,
} from "node:fs/promises";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  assertStorableContentType,
  createHeader,
  DEFAULT_CHUNK_SIZE,
  deriveFileKey,
  EncryptStream,
  layoutOf,
  MAX_HEADER_LENGTH,
  MediaIntegrityError,
  parseHeader,
  type CipherHeader,
  type CipherLayout,
} from "./chunked-cipher.ts";
import { DecryptingReader } from "./decrypting-reader.ts";
import { DiskUploadSessions } from "./disk-upload-sessions.ts";
import { assertValidObjectKey, assertValidObjectPrefix } from "./object-key.ts";
import {
  StorageUnavailableError,
  type IncompleteUploads,
  type ObjectInfo,
  type ObjectStore,
  type OwnUrls,
  type VerifiedMediaUrl,
  type PresignedUrl,
  type PresignOptions,
  type PutOptions,
} from "./object-store.ts";
import { MediaUrlSigner } from "./signed-url.ts";

export interface DiskStoreOptions {
  /** Directory holding the objects (e.g. `<DATA_DIR>/media`); created by init(). */
  rootDir: string;
  /** 32-byte AES-256 master key (MEDIA_ENCRYPTION_KEY, or loadOrCreateKey()). */
  encryptionKey: Buffer;
  /** HMAC key for temporary URLs (at least 16 bytes). */
  signingKey: Buffer;
  /** Base of temporary URLs (PUBLIC_URL), e.g. `http://127.0.0.1:4000`; a function is read at first use. */
  publicUrl: string | (() => string);
  /** Plaintext bytes per encrypted chunk (default 64 KiB); stored per file, so it may change later. */
  chunkSize?: number;
}

/** get()/getRange() on a key that holds no object. */
export class ObjectNotFoundError extends Error {
  override readonly name = "ObjectNotFoundError";
  readonly code = "NotFound";
  constructor(readonly key: string) {
    super(`no object stored at "${key}"`);
  }
}

// Temp files live in the same tree (so rename is atomic) under a name no valid key can reach.
const TEMP_DIR = ".tmp";
// Upload sessions' parts, one directory per upload (see disk-upload-sessions.ts).
const UPLOADS_DIR = ".uploads";
const KEY_CHECK_FILE = ".key-check";
const KEY_CHECK_TEXT = "parley disk store key check";
// Only leftovers of a crash are this old; live uploads finish far sooner.
const STALE_TEMP_MS = 24 * 60 * 60 * 1000;
// Failures of the disk itself (as opposed to the upload's source) map to STORAGE_UNAVAILABLE.
const DISK_FAILURES = new Set(["ENOSPC", "EDQUOT", "EROFS", "EACCES", "EPERM", "EIO", "EMFILE", "ENFILE", "ENOENT"]);
const MISSING = new Set(["ENOENT", "ENOTDIR", "EISDIR"]);

function errnoCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

interface OpenObject {
  file: FileHandle;
  header: CipherHeader;
  layout: CipherLayout;
  mtime: Date;
}

/**
 * The embedded store: one file per object under `rootDir`, AES-256-GCM encrypted in chunks
 * (see chunked-cipher.ts), written atomically, served through HMAC-signed URLs.
 */
export class DiskStore implements ObjectStore {
  readonly rootDir: string;
  private readonly tempDir: string;
  private readonly encryptionKey: Buffer;
  private readonly chunkSize: number;
  private readonly signer: MediaUrlSigner;
  readonly uploadSessions: DiskUploadSessions;
  /** The API answers this store's temporary URLs (media GETs, upload part PUTs) with these. */
  readonly ownUrls: OwnUrls & { media: DiskStore; uploadParts: DiskUploadSessions };
  readonly incompleteUploads: IncompleteUploads = {
    sweep: (prefix, olderThan) => this.sweepIncomplete(prefix, olderThan),
    abort: (keys) => this.abortIncomplete(keys),
  };

  constructor(options: DiskStoreOptions) {
    if (options.encryptionKey.length !== 32) throw new RangeError("disk store encryption key must be 32 bytes");
    this.rootDir = options.rootDir;
    this.tempDir = join(options.rootDir, TEMP_DIR);
    this.encryptionKey = Buffer.from(options.encryptionKey);
    this.chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    this.signer = new MediaUrlSigner(Buffer.from(options.signingKey), options.publicUrl);
    createHeader("application/octet-stream", this.chunkSize); // validates chunkSize up front
    this.uploadSessions = new DiskUploadSessions(
      join(options.rootDir, UPLOADS_DIR),
      this.encryptionKey,
      this.chunkSize,
      this.signer,
      (key, body, contentType) => this.put(key, body, { contentType }),
    );
    this.ownUrls = { media: this, uploadParts: this.uploadSessions };
  }

  async init(): Promise<void> {
    try {
      await mkdir(this.tempDir, { recursive: true, mode: 0o700 });
      await mkdir(join(this.rootDir, UPLOADS_DIR), { recursive: true, mode: 0o700 });
    } catch (error) {
      throw new StorageUnavailableError(`cannot create the media directory ${this.rootDir}: ${String(error)}`, {
        cause: error,
      });
    }
    await this.sweepStaleTemps();
    await this.checkKey();
  }

  async ping(): Promise<void> {
    try {
      await access(this.rootDir, constants.R_OK | constants.W_OK | constants.X_OK);
    } catch (error) {
      throw new StorageUnavailableError(`media directory ${this.rootDir} is not accessible`, { cause: error });
    }
  }

  async put(key: string, body: Readable, options: PutOptions): Promise<void> {
    assertValidObjectKey(key);
    assertStorableContentType(options.contentType);
    options.signal?.throwIfAborted();
    const temp = join(this.tempDir, `${randomUUID()}.part`);
    try {
      await mkdir(this.tempDir, { recursive: true, mode: 0o700 });
      await this.writeEncrypted(temp, body, options.contentType, options.signal);
      await this.publish(temp, this.pathOf(key));
    } catch (error) {
      await rm(temp, { force: true }).catch(() => {});
      throw this.wrapDiskError(error, `store "${key}"`);
    }
  }

  async stat(key: string): Promise<ObjectInfo | null> {
    const opened = await this.openObject(key);
    if (!opened) return null;
    await opened.file.close();
    return {
      key,
      size: opened.layout.plaintextSize,
      contentType: opened.header.contentType,
      lastModified: opened.mtime,
    };
  }

  async get(key: string): Promise<Readable> {
    const opened = await this.openObject(key);
    if (!opened) throw new ObjectNotFoundError(key);
    return this.reader(opened, 0, opened.layout.plaintextSize - 1);
  }

  /** Plaintext bytes `start..endInclusive`, decrypting only the chunks that hold them (HTTP Range). */
  async getRange(key: string, start: number, endInclusive: number): Promise<Readable> {
    const opened = await this.openObject(key);
    if (!opened) throw new ObjectNotFoundError(key);
    const size = opened.layout.plaintextSize;
    if (
      !Number.isSafeInteger(start) ||
      !Number.isSafeInteger(endInclusive) ||
      start < 0 ||
      endInclusive < start ||
      endInclusive >= size
    ) {
      await opened.file.close();
      throw new RangeError(`range ${start}-${endInclusive} is outside "${key}" (${size} bytes)`);
    }
    return this.reader(opened, start, endInclusive);
  }

  async delete(keys: string[]): Promise<void> {
    keys.forEach(assertValidObjectKey);
    for (const key of keys) {
      const path = this.pathOf(key);
      try {
        await unlink(path);
      } catch (error) {
        if (MISSING.has(errnoCode(error) ?? "")) continue;
        throw this.wrapDiskError(error, `delete "${key}"`);
      }
      await this.pruneEmptyParents(dirname(path));
    }
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    assertValidObjectPrefix(prefix);
    const dirPart = prefix.includes("/") ? prefix.slice(0, prefix.lastIndexOf("/")) : "";
    const out: ObjectInfo[] = [];
    try {
      for await (const key of this.walk(dirPart)) {
        if (!key.startsWith(prefix)) continue;
        const info = await this.listInfo(key);
        if (info) out.push(info);
      }
    } catch (error) {
      throw this.wrapDiskError(error, `list "${prefix}"`);
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async presignGet(key: string, options: PresignOptions): Promise<PresignedUrl> {
    return this.signer.sign(key, options);
  }

  /**
   * Checks a request for a URL made by presignGet. Throws ExpiredMediaUrlError or
   * InvalidMediaUrlError (both MediaUrlError) when it must be refused.
   */
  verifyMediaUrl(pathname: string, searchParams: URLSearchParams, now: Date = new Date()): VerifiedMediaUrl {
    return this.signer.verify(pathname, searchParams, now);
  }

  private pathOf(key: string): string {
    return join(this.rootDir, ...key.split("/"));
  }

  private async writeEncrypted(path: string, body: Readable, contentType: string, signal?: AbortSignal): Promise<void> {
    // pipeline rejects on a source error, a source destroyed before its end, or the signal, and
    // destroys every stream; `flush` fsyncs before close so a rename never exposes lost bytes.
    await pipeline(
      body,
      new EncryptStream(this.encryptionKey, createHeader(contentType, this.chunkSize)),
      createWriteStream(path, { flags: "wx", mode: 0o600, flush: true }),
      { signal },
    );
  }

  private async publish(temp: string, path: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await mkdir(dirname(path), { recursive: true, mode: 0o700 });
        await rename(temp, path);
        break;
      } catch (error) {
        // A concurrent delete may prune the parent between mkdir and rename.
        if (errnoCode(error) !== "ENOENT" || attempt >= 2) throw error;
      }
    }
    await this.syncDir(dirname(path));
  }

  private async syncDir(dir: string): Promise<void> {
    // Makes the rename itself durable; best effort where directories cannot be fsynced.
    const handle = await open(dir, "r").catch(() => null);
    await handle?.sync().catch(() => {});
    await handle?.close();
  }

  private async openObject(key: string): Promise<OpenObject | null> {
    assertValidObjectKey(key);
    let file: FileHandle;
    try {
      file = await open(this.pathOf(key), "r");
    } catch (error) {
      if (MISSING.has(errnoCode(error) ?? "")) return null;
      throw this.wrapDiskError(error, `read "${key}"`);
    }
    try {
      const info = await file.stat();
      if (!info.isFile()) {
        await file.close();
        return null;
      }
      const buf = Buffer.alloc(Math.min(MAX_HEADER_LENGTH, info.size));
      await file.read(buf, 0, buf.length, 0);
      const header = parseHeader(buf);
      return { file, header, layout: layoutOf(header, info.size), mtime: info.mtime };
    } catch (error) {
      await file.close();
      throw error instanceof MediaIntegrityError
        ? new MediaIntegrityError(`"${key}": ${error.message}`, { cause: error })
        : this.wrapDiskError(error, `read "${key}"`);
    }
  }

  private reader(opened: OpenObject, start: number, end: number): Readable {
    const fileKey = deriveFileKey(this.encryptionKey, opened.header);
    return new DecryptingReader(opened.file, opened.header, opened.layout, { start, end }, fileKey);
  }

  /** Keys of every file under `dirPart`, skipping the store's own dot-files. */
  private async *walk(dirPart: string): AsyncGenerator<string> {
    let entries;
    try {
      entries = await readdir(dirPart ? this.pathOf(dirPart) : this.rootDir, { withFileTypes: true });
    } catch (error) {
      if (MISSING.has(errnoCode(error) ?? "")) return;
      throw error;
    }
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue;
      const key = dirPart ? `${dirPart}/${entry.name}` : entry.name;
      if (entry.isDirectory()) yield* this.walk(key);
      else if (entry.isFile()) yield key;
    }
  }

  /** A corrupt file is still listed (so a sweeper can delete it), with its raw size and no type. */
  private async listInfo(key: string): Promise<ObjectInfo | null> {
    try {
      return await this.stat(key);
    } catch (error) {
      if (!(error instanceof MediaIntegrityError)) throw error;
      const info = await statPath(this.pathOf(key));
      return { key, size: info.size, contentType: "", lastModified: info.mtime };
    }
  }

  private async pruneEmptyParents(dir: string): Promise<void> {
    // Removes directories left empty by a delete, up to (not including) the root; stops at the first non-empty.
    let current = dir;
    while (current.startsWith(this.rootDir) && current !== this.rootDir && current.length > this.rootDir.length) {
      try {
        await rmdir(current);
      } catch {
        return;
      }
      current = dirname(current);
    }
  }

  private async sweepIncomplete(prefix: string, olderThan: Date): Promise<number> {
    // Temporary parts are named by an opaque id, not by key: age alone decides, whatever the prefix.
    assertValidObjectPrefix(prefix);
    let removed = 0;
    const names = await readdir(this.tempDir).catch(() => [] as string[]);
    for (const name of names) {
      const path = join(this.tempDir, name);
      const info = await statPath(path).catch(() => null);
      if (info && info.mtimeMs <= olderThan.getTime()) {
        await rm(path, { force: true }).catch(() => {});
        removed++;
      }
    }
    return removed;
  }

  private async abortIncomplete(keys: string[]): Promise<number> {
    // A put's temporary part is removed by the put itself; one left by a crash has no key and
    // is removed by the sweep once it is old enough. Upload sessions know their key.
    keys.forEach(assertValidObjectKey);
    try {
      return await this.uploadSessions.abortKeys(keys);
    } catch (error) {
      throw this.wrapDiskError(error, `abort the uploads of ${keys.length} key(s)`);
    }
  }

  private async sweepStaleTemps(): Promise<void> {
    const names = await readdir(this.tempDir).catch(() => [] as string[]);
    for (const name of names) {
      const path = join(this.tempDir, name);
      const info = await statPath(path).catch(() => null);
      if (info && Date.now() - info.mtimeMs > STALE_TEMP_MS) await rm(path, { force: true }).catch(() => {});
    }
  }

  /** Fails start-up when the configured key is not the one the existing media was written with. */
  private async checkKey(): Promise<void> {
    const path = join(this.rootDir, KEY_CHECK_FILE);
    let file: FileHandle | undefined;
    try {
      file = await open(path, "r");
    } catch (error) {
      if (errnoCode(error) !== "ENOENT") throw this.wrapDiskError(error, "read the key check file");
      const temp = join(this.tempDir, `${randomUUID()}.part`);
      try {
        await this.writeEncrypted(temp, Readable.from([Buffer.from(KEY_CHECK_TEXT)]), "text/plain");
        await this.publish(temp, path);
      } finally {
        await rm(temp, { force: true }).catch(() => {});
      }
      return;
    }
    const info = await file.stat();
    const buf = Buffer.alloc(Math.min(MAX_HEADER_LENGTH, info.size));
    await file.read(buf, 0, buf.length, 0);
    let text = "";
    try {
      const header = parseHeader(buf);
      const opened = { file, header, layout: layoutOf(header, info.size), mtime: info.mtime };
      for await (const chunk of this.reader(opened, 0, opened.layout.plaintextSize - 1)) text += String(chunk);
    } catch (error) {
      await file.close().catch(() => {});
      throw new Error(
        `the media encryption key does not match the one that encrypted the media in ${this.rootDir}; ` +
          "set MEDIA_ENCRYPTION_KEY to the original key (or restore its key file)",
        { cause: error },
      );
    }
    if (text !== KEY_CHECK_TEXT) throw new Error(`${path} is corrupt; delete it only if no media is stored yet`);
  }

  private wrapDiskError(error: unknown, what: string): Error {
    if (error instanceof StorageUnavailableError) return error;
    const e = error as NodeJS.ErrnoException;
    // Only errors raised by a file system call (they carry a syscall) say the disk is the problem.
    if (e && typeof e === "object" && typeof e.syscall === "string" && DISK_FAILURES.has(e.code ?? "")) {
      return new StorageUnavailableError(`media storage failed to ${what}: ${e.message}`, { cause: error });
    }
    return error instanceof Error ? error : new Error(String(error));
  }
}
