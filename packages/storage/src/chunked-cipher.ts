import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";

/**
 * On-disk format of the disk store (version 1):
 *
 *   header  = "PRLY" | version u8 | chunkSize u32be | salt[16] | noncePrefix[8] | ctLen u8 | contentType
 *   chunk i = AES-256-GCM(fileKey, nonce = noncePrefix | i u32be, aad = header | final u8)(plaintext) | tag[16]
 *
 * Every chunk but the last holds exactly `chunkSize` plaintext bytes; the last holds 1..chunkSize
 * (0 only for an empty object). The per-file key is HKDF(masterKey, salt), so nonces never repeat
 * across files. The header is in every chunk's AAD (content type cannot be swapped) and the final
 * flag is too, so cutting the file at a chunk boundary or appending a chunk fails authentication.
 * The plaintext size follows from the file size, so stat never decrypts.
 */

export const DEFAULT_CHUNK_SIZE = 64 * 1024;
export const MAX_CHUNK_SIZE = 16 * 1024 * 1024;
export const TAG_LENGTH = 16;
const MAGIC = Buffer.from("PRLY", "latin1");
const VERSION = 1;
const FIXED_HEADER_LENGTH = 4 + 1 + 4 + 16 + 8 + 1;
export const MAX_HEADER_LENGTH = FIXED_HEADER_LENGTH + 255;
const HKDF_INFO = Buffer.from("parley disk-store chunk key v1", "latin1");

/** Stored bytes failed authentication: tampered, truncated, or encrypted with another key. */
export class MediaIntegrityError extends Error {
  override readonly name = "MediaIntegrityError";
  readonly code = "MEDIA_INTEGRITY";
}

export interface CipherHeader {
  chunkSize: number;
  salt: Buffer;
  noncePrefix: Buffer;
  contentType: string;
  /** The serialized header, authenticated with every chunk. */
  bytes: Buffer;
}

export interface CipherLayout {
  headerLength: number;
  chunkCount: number;
  plaintextSize: number;
}

/** Content types are stored as printable ASCII of at most 255 bytes, like any HTTP header value. */
export function assertStorableContentType(contentType: string): void {
  if (!/^[\x20-\x7e]{1,255}$/.test(contentType)) {
    throw new TypeError(`content type ${JSON.stringify(contentType)} must be 1..255 printable ASCII characters`);
  }
}

export function createHeader(contentType: string, chunkSize = DEFAULT_CHUNK_SIZE): CipherHeader {
  assertStorableContentType(contentType);
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
    throw new RangeError(`chunk size must be an integer in 1..${MAX_CHUNK_SIZE}`);
  }
  const ct = Buffer.from(contentType, "latin1");
  const salt = randomBytes(16);
  const noncePrefix = randomBytes(8);
  const bytes = Buffer.alloc(FIXED_HEADER_LENGTH + ct.length);
  MAGIC.copy(bytes, 0);
  bytes.writeUInt8(VERSION, 4);
  bytes.writeUInt32BE(chunkSize, 5);
  salt.copy(bytes, 9);
  noncePrefix.copy(bytes, 25);
  bytes.writeUInt8(ct.length, 33);
  ct.copy(bytes, FIXED_HEADER_LENGTH);
  return { chunkSize, salt, noncePrefix, contentType, bytes };
}

/** Parses the header at the start of `buf` (which may hold more bytes than the header). */
export function parseHeader(buf: Buffer): CipherHeader {
  if (buf.length < FIXED_HEADER_LENGTH || !buf.subarray(0, 4).equals(MAGIC)) {
    throw new MediaIntegrityError("stored object has no valid encryption header");
  }
  if (buf.readUInt8(4) !== VERSION) {
    throw new MediaIntegrityError(`stored object has unknown format version ${buf.readUInt8(4)}`);
  }
  const chunkSize = buf.readUInt32BE(5);
  const ctLength = buf.readUInt8(33);
  if (chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE || buf.length < FIXED_HEADER_LENGTH + ctLength) {
    throw new MediaIntegrityError("stored object has a corrupt encryption header");
  }
  const bytes = Buffer.from(buf.subarray(0, FIXED_HEADER_LENGTH + ctLength));
  return {
    chunkSize,
    salt: bytes.subarray(9, 25),
    noncePrefix: bytes.subarray(25, 33),
    contentType: bytes.subarray(FIXED_HEADER_LENGTH).toString("latin1"),
    bytes,
  };
}

/** Where the chunks are and how many plaintext bytes they hold, from the file's size alone. */
export function layoutOf(header: CipherHeader, fileSize: number): CipherLayout {
  const headerLength = header.bytes.length;
  const body = fileSize - headerLength;
  const sealedChunk = header.chunkSize + TAG_LENGTH;
  const chunkCount = Math.ceil(body / sealedChunk);
  const lastSealed = body - (chunkCount - 1) * sealedChunk;
  // Only an empty object may end in an empty chunk; anything else is a cut or padded file.
  if (body < TAG_LENGTH || lastSealed < TAG_LENGTH || (lastSealed === TAG_LENGTH && chunkCount > 1)) {
    throw new MediaIntegrityError("stored object is truncated or padded");
  }
  return { headerLength, chunkCount, plaintextSize: body - chunkCount * TAG_LENGTH };
}

export function deriveFileKey(masterKey: Buffer, header: CipherHeader): Buffer {
  return Buffer.from(hkdfSync("sha256", masterKey, header.salt, HKDF_INFO, 32));
}

function nonceFor(header: CipherHeader, index: number): Buffer {
  const nonce = Buffer.alloc(12);
  header.noncePrefix.copy(nonce, 0);
  nonce.writeUInt32BE(index, 8);
  return nonce;
}

function aadFor(header: CipherHeader, final: boolean): Buffer {
  return Buffer.concat([header.bytes, Buffer.of(final ? 1 : 0)]);
}

export function sealChunk(fileKey: Buffer, header: CipherHeader, index: number, final: boolean, plain: Buffer): Buffer {
  const cipher = createCipheriv("aes-256-gcm", fileKey, nonceFor(header, index));
  cipher.setAAD(aadFor(header, final));
  const out = Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  return out;
}

/** Decrypts one sealed chunk; returns bytes only once the tag has verified. */
export function openChunk(
  fileKey: Buffer,
  header: CipherHeader,
  index: number,
  final: boolean,
  sealed: Buffer,
): Buffer {
  if (sealed.length < TAG_LENGTH) throw new MediaIntegrityError(`chunk ${index} is truncated`);
  const decipher = createDecipheriv("aes-256-gcm", fileKey, nonceFor(header, index));
  decipher.setAAD(aadFor(header, final));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_LENGTH));
  const plain = decipher.update(sealed.subarray(0, sealed.length - TAG_LENGTH));
  try {
    return Buffer.concat([plain, decipher.final()]);
  } catch (error) {
    throw new MediaIntegrityError(`stored object failed authentication at chunk ${index} (tampered or wrong key)`, {
      cause: error,
    });
  }
}

/**
 * Encrypts a plaintext stream into the format above with bounded memory: at most one chunk plus
 * one incoming buffer is held. A chunk is sealed only once the next byte (or the end) shows
 * whether it is final.
 */
export class EncryptStream extends Transform {
  private readonly fileKey: Buffer;
  private pending: Buffer[] = [];
  private pendingLength = 0;
  private index = 0;
  private headerWritten = false;

  constructor(
    masterKey: Buffer,
    private readonly header: CipherHeader,
  ) {
    super();
    this.fileKey = deriveFileKey(masterKey, header);
  }

  override _transform(data: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.writeHeader();
      this.pending.push(data);
      this.pendingLength += data.length;
      const size = this.header.chunkSize;
      if (this.pendingLength > size) {
        let all = Buffer.concat(this.pending, this.pendingLength);
        while (all.length > size) {
          this.push(sealChunk(this.fileKey, this.header, this.nextIndex(), false, all.subarray(0, size)));
          all = all.subarray(size);
        }
        this.pending = [all];
        this.pendingLength = all.length;
      }
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.writeHeader();
      const last = Buffer.concat(this.pending, this.pendingLength);
      this.pending = [];
      this.push(sealChunk(this.fileKey, this.header, this.nextIndex(), true, last));
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  private writeHeader(): void {
    if (this.headerWritten) return;
    this.headerWritten = true;
    this.push(this.header.bytes);
  }

  private nextIndex(): number {
    if (this.index > 0xffffffff) throw new RangeError("object too large for the chunk counter");
    return this.index++;
  }
}
