import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, open, readdir, readFile, rename, rm, writeFile, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { Readable, Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  createHeader,
  deriveFileKey,
  EncryptStream,
  layoutOf,
  MAX_HEADER_LENGTH,
  parseHeader,
  type CipherHeader,
  type CipherLayout,
} from "./chunked-cipher.ts";
import { DecryptingReader } from "./decrypting-reader.ts";
import { assertPart } from "./minio-upload-sessions.ts";
import { assertValidObjectKey } from "./object-key.ts";
import {
  UploadNotFoundError,
  UploadPartsChangedError,
  type PresignedUrl,
  type UploadedPart,
  type UploadSessions,
  type VerifiedPartUrl,
} from "./object-store.ts";
import { isDiskUploadId, type MediaUrlSigner } from "./signed-url.ts";

const MiB = 1024 * 1024;
const MANIFEST = "upload.json";
const PART_FILE = /^(\d{1,5})\.part$/;

interface Manifest {
  key: string;
  contentType: string;
}

/** A part PUT was refused for its body; `status` is the HTTP answer. */
export class PartRejectedError extends Error {
  override readonly name = "PartRejectedError";
  constructor(
    readonly status: 400 | 413,
    message: string,
  ) {
    super(message);
  }
}

interface OpenPart {
  file: FileHandle;
  header: CipherHeader;
  layout: CipherLayout;
}

/** Passes exactly `size` bytes; more fails at once (413), fewer fails at the end (400). */
class ExactSize extends Transform {
  private seen = 0;
  constructor(private readonly size: number) {
    super();
  }
  override _transform(chunk: Buffer, _e: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.size) {
      callback(new PartRejectedError(413, `this part takes exactly ${this.size} bytes; more were sent`));
      return;
    }
    callback(null, chunk);
  }
  override _flush(callback: TransformCallback): void {
    if (this.seen !== this.size) {
      callback(new PartRejectedError(400, `this part takes exactly ${this.size} bytes; ${this.seen} arrived`));
      return;
    }
    callback();
  }
}

/**
 * Upload sessions of the disk store. The API itself takes the part PUTs (serveUploadPart) under
 * HMAC-signed URLs that name the upload, the part and its exact size. Each part is its own file,
 * encrypted like any object (`<root>/.uploads/<uploadId>/<n>.part`, written to a temporary name
 * and renamed, so an interrupted PUT stores nothing and a repeated one replaces the part whole).
 * complete() decrypts the parts in order into one new object and removes the upload's directory.
 */
export class DiskUploadSessions implements UploadSessions {
  readonly minPartSize = 5 * MiB;

  constructor(
    private readonly dir: string,
    private readonly encryptionKey: Buffer,
    private readonly chunkSize: number,
    private readonly signer: MediaUrlSigner,
    private readonly putObject: (key: string, body: Readable, contentType: string) => Promise<void>,
  ) {}

  async create(key: string, options: { contentType: string }): Promise<string> {
    assertValidObjectKey(key);
    createHeader(options.contentType); // validates the type now rather than at completion
    const uploadId = randomUUID();
    const dir = join(this.dir, uploadId);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const manifest: Manifest = { key, contentType: options.contentType };
    await writeFile(join(dir, MANIFEST), JSON.stringify(manifest), { mode: 0o600 });
    return uploadId;
  }

  async presignPart(
    key: string,
    uploadId: string,
    part: { number: number; size: number },
    options: { expiresInSeconds: number; now?: Date },
  ): Promise<PresignedUrl> {
    assertPart(part);
    assertValidObjectKey(key);
    // Signing checks nothing stored, as on S3: a PUT to an upload that is gone answers 404.
    return this.signer.signPart(uploadId, part, options);
  }

  /** Checks a part URL (throws MediaUrlError when it must be refused). */
  verifyPartUrl(pathname: string, searchParams: URLSearchParams, now?: Date): VerifiedPartUrl {
    return this.signer.verifyPart(pathname, searchParams, now);
  }

  /**
   * Stores `body` as part `number` of the upload: exactly `size` bytes or nothing. Returns the
   * part's etag. Throws UploadNotFoundError when the upload is gone, PartRejectedError for a body
   * of the wrong size.
   */
  async receivePart(uploadId: string, number: number, size: number, body: Readable, signal?: AbortSignal) {
    const dir = await this.uploadDir(uploadId);
    const temp = join(dir, `${number}.${randomUUID()}.tmp`);
    const header = createHeader("application/octet-stream", this.chunkSize);
    try {
      await pipeline(
        body,
        new ExactSize(size),
        new EncryptStream(this.encryptionKey, header),
        createWriteStream(temp, { flags: "wx", mode: 0o600, flush: true }),
        { signal },
      );
      await rename(temp, join(dir, `${number}.part`));
    } catch (error) {
      await rm(temp, { force: true }).catch(() => {});
      // Aborted while the PUT was in flight: the directory is gone, and so is the part.
      if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new UploadNotFoundError(uploadId);
      throw error;
    }
    return etagOf(header);
  }

  async listParts(key: string, uploadId: string): Promise<UploadedPart[]> {
    await this.manifestOf(key, uploadId);
    const parts = await this.openParts(uploadId);
    try {
      return [...parts].map(([number, p]) => ({ number, size: p.layout.plaintextSize, etag: etagOf(p.header) }));
    } finally {
      await Promise.all([...parts.values()].map((p) => p.file.close()));
    }
  }

  async complete(key: string, uploadId: string, parts: UploadedPart[]): Promise<void> {
    const manifest = await this.manifestOf(key, uploadId);
    // Open every part first: a part PUT again from here on cannot change what is assembled.
    const open = await this.openParts(uploadId);
    try {
      for (const [i, want] of parts.entries()) {
        const have = open.get(want.number);
        if (want.number !== i + 1) throw new Error(`parts must be numbered 1..${parts.length} in order`);
        if (!have || etagOf(have.header) !== want.etag) {
          throw new UploadPartsChangedError(uploadId);
        }
        // S3's rule, kept here so both stores accept the same uploads.
        if (i < parts.length - 1 && have.layout.plaintextSize < this.minPartSize) {
          throw new Error(`part ${want.number} is smaller than ${this.minPartSize} bytes and is not the last`);
        }
      }
      const encryptionKey = this.encryptionKey;
      const body = Readable.from(
        (async function* () {
          for (const { number } of parts) {
            const p = open.get(number)!;
            open.delete(number); // the reader owns the file from here and closes it
            const key = deriveFileKey(encryptionKey, p.header);
            yield* new DecryptingReader(p.file, p.header, p.layout, { start: 0, end: p.layout.plaintextSize - 1 }, key);
          }
        })(),
        { objectMode: false },
      );
      await this.putObject(key, body, manifest.contentType);
    } finally {
      await Promise.all([...open.values()].map((p) => p.file.close().catch(() => {})));
    }
    await rm(join(this.dir, uploadId), { recursive: true, force: true });
  }

  async abort(key: string, uploadId: string): Promise<void> {
    if (!isDiskUploadId(uploadId)) return;
    const manifest = await this.readManifest(uploadId);
    if (manifest && manifest.key !== key) return; // another key's upload: not ours to remove
    await rm(join(this.dir, uploadId), { recursive: true, force: true });
  }

  /** Removes every upload of these keys, whatever its id (a crash may have lost it); returns how many. */
  async abortKeys(keys: string[]): Promise<number> {
    if (keys.length === 0) return 0;
    const wanted = new Set(keys);
    let removed = 0;
    for (const id of await readdir(this.dir).catch(() => [] as string[])) {
      if (!isDiskUploadId(id)) continue;
      const manifest = await this.readManifest(id);
      if (manifest && wanted.has(manifest.key)) {
        await rm(join(this.dir, id), { recursive: true, force: true });
        removed++;
      }
    }
    return removed;
  }

  private async uploadDir(uploadId: string): Promise<string> {
    if (!isDiskUploadId(uploadId) || !(await this.readManifest(uploadId))) throw new UploadNotFoundError(uploadId);
    return join(this.dir, uploadId);
  }

  private async manifestOf(key: string, uploadId: string): Promise<Manifest> {
    const manifest = isDiskUploadId(uploadId) ? await this.readManifest(uploadId) : null;
    if (!manifest || manifest.key !== key) throw new UploadNotFoundError(uploadId);
    return manifest;
  }

  private async readManifest(uploadId: string): Promise<Manifest | null> {
    try {
      return JSON.parse(await readFile(join(this.dir, uploadId, MANIFEST), "utf8")) as Manifest;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
  }

  private async openParts(uploadId: string): Promise<Map<number, OpenPart>> {
    const out = new Map<number, OpenPart>();
    const names = await readdir(join(this.dir, uploadId)).catch(() => [] as string[]);
    try {
      for (const name of names) {
        const match = PART_FILE.exec(name);
        if (!match) continue;
        let file: FileHandle;
        try {
          file = await open(join(this.dir, uploadId, name), "r");
        } catch {
          continue; // aborted meanwhile
        }
        try {
          const info = await file.stat();
          const buf = Buffer.alloc(Math.min(MAX_HEADER_LENGTH, info.size));
          await file.read(buf, 0, buf.length, 0);
          const header = parseHeader(buf);
          out.set(Number(match[1]), { file, header, layout: layoutOf(header, info.size) });
        } catch (error) {
          await file.close();
          throw error;
        }
      }
    } catch (error) {
      await Promise.all([...out.values()].map((p) => p.file.close()));
      throw error;
    }
    return new Map([...out].sort(([a], [b]) => a - b));
  }
}

/** The salt is random per write, so it names this copy of the part. */
const etagOf = (header: CipherHeader) => header.salt.toString("hex");
