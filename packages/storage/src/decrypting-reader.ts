import type { FileHandle } from "node:fs/promises";
import { Readable } from "node:stream";
import { MediaIntegrityError, openChunk, TAG_LENGTH, type CipherHeader, type CipherLayout } from "./chunked-cipher.ts";

export interface PlaintextRange {
  /** First plaintext byte (inclusive). */
  start: number;
  /** Last plaintext byte (inclusive); `start - 1` for an empty object. */
  end: number;
}

/**
 * Streams plaintext bytes `range` of an encrypted file, reading and authenticating only the
 * chunks that overlap it, one at a time. Owns `file` and closes it when done or destroyed.
 */
export class DecryptingReader extends Readable {
  private readonly fileKey: Buffer;
  private readonly sealed: Buffer;
  private next: number;
  private readonly last: number;

  constructor(
    private readonly file: FileHandle,
    private readonly header: CipherHeader,
    private readonly layout: CipherLayout,
    private readonly range: PlaintextRange,
    fileKey: Buffer,
  ) {
    super({ highWaterMark: header.chunkSize });
    this.fileKey = fileKey;
    this.sealed = Buffer.allocUnsafe(header.chunkSize + TAG_LENGTH);
    const size = header.chunkSize;
    // An empty object is one empty final chunk; reading it still authenticates it.
    this.next = layout.plaintextSize === 0 ? 0 : Math.floor(range.start / size);
    this.last = layout.plaintextSize === 0 ? 0 : Math.floor(range.end / size);
  }

  override _read(): void {
    this.readNonEmpty().then(
      (bytes) => {
        if (!this.destroyed) this.push(bytes);
      },
      (error: unknown) => this.destroy(error as Error),
    );
  }

  /** Pushing an empty buffer would stall the stream, so skip empty slices (only an empty object has one). */
  private async readNonEmpty(): Promise<Buffer | null> {
    for (;;) {
      const bytes = await this.readChunk();
      if (bytes === null || bytes.length > 0) return bytes;
    }
  }

  private async readChunk(): Promise<Buffer | null> {
    if (this.next > this.last) return null;
    const index = this.next++;
    const { chunkSize } = this.header;
    const final = index === this.layout.chunkCount - 1;
    const plainLength = final ? this.layout.plaintextSize - index * chunkSize : chunkSize;
    const sealedLength = plainLength + TAG_LENGTH;
    const position = this.layout.headerLength + index * (chunkSize + TAG_LENGTH);
    let filled = 0;
    while (filled < sealedLength) {
      const { bytesRead } = await this.file.read(this.sealed, filled, sealedLength - filled, position + filled);
      if (bytesRead === 0) throw new MediaIntegrityError(`stored object is truncated at chunk ${index}`);
      filled += bytesRead;
    }
    const plain = openChunk(this.fileKey, this.header, index, final, this.sealed.subarray(0, sealedLength));
    const from = index * chunkSize;
    const sliceStart = Math.max(0, this.range.start - from);
    const sliceEnd = Math.min(plain.length, this.range.end - from + 1);
    return plain.subarray(sliceStart, Math.max(sliceStart, sliceEnd));
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.file.close().then(
      () => callback(error),
      (closeError: unknown) => callback(error ?? (closeError as Error)),
    );
  }
}
