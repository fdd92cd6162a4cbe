import type { Readable } from "node:stream";

/**
 * A file arriving over a transport (today: a part of a multipart request), as the edge hands it to
 * the media module. Services never see the transport's own types; the HTTP layer converts them.
 */
export interface IncomingFile {
  /**
   * Asks for the file's bytes and waits until they start to arrive. Asking is what tells the
   * transport which file is wanted now (a multipart parser may set aside parts sent out of order).
   * Rejects when the file cannot arrive (the request ended or was malformed).
   */
  open(): Promise<OpenedFile>;
}

export interface OpenedFile {
  /** The bytes as they arrive, with backpressure. Destroying it discards the rest of the file. */
  stream: Readable;
  /** As the client named it (not yet sanitized), or null. */
  filename: string | null;
  /** As the client declared it, or null. */
  mimetype: string | null;
}

/** One file of a media message (exactly one of file and uploadId), with the overrides MediaInput may carry. */
export interface MediaFileInput {
  file?: Promise<IncomingFile> | null;
  /** An upload session of the sender's (createMediaUpload) whose parts are all stored. */
  uploadId?: string | null;
  filename?: string | null;
  contentType?: string | null;
}
