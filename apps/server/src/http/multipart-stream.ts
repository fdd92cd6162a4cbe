import { randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import busboy from "busboy";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { errorBody } from "../errors.ts";
import Upload from "graphql-upload/Upload.mjs";
import type { IncomingFile, OpenedFile } from "../services/media/index.ts";

const SPEC = "https://github.com/jaydenseric/graphql-multipart-request-spec";

export interface StreamingMultipartOptions {
  /**
   * Checks the request's Authorization header before any byte of the body is read: uploads need an
   * author, so a multipart request without a valid token is answered 401 at once.
   */
  authenticate(header: string | undefined): Promise<string | null>;
  maxFiles: number;
  /** Bytes of one file part; busboy stops a part past it (the pipeline enforces the exact limit). */
  maxFileSize: number;
  /** Bytes of the `operations` and `map` fields. */
  maxFieldSize: number;
}

/** A refusal before GraphQL runs: `status` is the HTTP answer (400 or 413). */
class MultipartError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** One file of the request, from the moment the map names it to the end of its part. */
class FilePart {
  /** The part's bytes as busboy hands them over (paused until read), once the part has begun. */
  private source: { stream: Readable; filename: string | null; mimetype: string | null } | undefined;
  /** Set when the part had to be set aside on disk because another file was wanted first. */
  private spill: { path: string; done: Promise<void> } | undefined;
  private failure: Error | undefined;
  private wanted = false;
  private waiters: { resolve: (f: OpenedFile) => void; reject: (e: Error) => void }[] = [];

  constructor(
    readonly name: string,
    private readonly request: ParsedRequest,
  ) {}

  get arrived(): boolean {
    return this.source !== undefined;
  }

  get isWanted(): boolean {
    return this.wanted && !this.opened;
  }

  private opened = false;

  /** The part's head arrived: its bytes are handed to whoever asked, else held (busboy waits). */
  begin(stream: Readable, filename: string | null, mimetype: string | null): void {
    this.source = { stream, filename, mimetype };
    if (this.wanted) this.hand();
    else if (this.request.someoneWaits()) this.spillToDisk();
  }

  /** Another file is wanted while this one, which comes first in the body, holds the parser: set it aside. */
  spillToDisk(): void {
    if (!this.source || this.spill || this.opened) return;
    const path = join(tmpdir(), `multipart-${randomUUID()}.part`);
    this.request.spills.add(path);
    const done = pipeline(this.source.stream, createWriteStream(path, { flags: "wx", mode: 0o600 }));
    done.catch((error: unknown) => this.fail(error as Error));
    this.spill = { path, done };
  }

  open(): Promise<OpenedFile> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.wanted = true;
      if (this.source) this.hand();
      // It comes later in the body: parts held before it must move out of the way.
      else this.request.spillHeldParts();
    });
  }

  fail(error: Error): void {
    this.failure ??= error;
    for (const w of this.waiters.splice(0)) w.reject(this.failure);
  }

  /** Discards what this part holds (the request is over). */
  release(): void {
    if (this.source && !this.opened) this.source.stream.resume();
  }

  private hand(): void {
    const waiter = this.waiters.shift();
    if (!waiter || !this.source) return;
    if (this.opened) {
      waiter.reject(new MultipartError(400, `The file ${this.name} was read already.`));
      return;
    }
    this.opened = true;
    const { stream, filename, mimetype } = this.source;
    // The consumer gets a stream of its own: destroying it (a limit, a failed send) discards the
    // rest of the part, while busboy's stream is read on so the parser never stalls.
    const out = new PassThrough({ highWaterMark: 256 * 1024 });
    this.out = out;
    if (this.failure) out.destroy(this.failure);
    if (!this.spill) {
      stream.pipe(out);
      stream.once("error", (error) => out.destroy(error));
      out.once("close", () => {
        if (out.readableEnded) return;
        stream.unpipe(out);
        stream.resume();
      });
    } else {
      const { path, done } = this.spill;
      done.then(
        () => pipeline(createReadStream(path, { highWaterMark: 1024 * 1024 }), out).catch(() => {}),
        (error: unknown) => out.destroy(error as Error),
      );
    }
    waiter.resolve({ stream: out, filename, mimetype });
  }

  private out: PassThrough | undefined;

  /** Busboy cut the part at maxFileSize, or the request died: the consumer's stream fails with it. */
  abort(error: Error): void {
    this.fail(error);
    this.out?.destroy(error);
  }
}

/** The files of one multipart request, by their field name in `map`. */
class ParsedRequest {
  readonly files = new Map<string, FilePart>();
  readonly spills = new Set<string>();

  someoneWaits(): boolean {
    for (const f of this.files.values()) if (f.isWanted && !f.arrived) return true;
    return false;
  }

  spillHeldParts(): void {
    for (const f of this.files.values()) if (f.arrived) f.spillToDisk();
  }

  failAll(error: Error): void {
    for (const f of this.files.values()) f.fail(error);
  }

  async cleanUp(): Promise<void> {
    for (const f of this.files.values()) f.release();
    await Promise.all([...this.spills].map((p) => rm(p, { force: true }).catch(() => {})));
  }
}

/** Sets `value` at a dotted path (`variables.input.media.0.file`) that must exist up to its last step. */
function setPath(root: unknown, path: string, value: unknown): boolean {
  const keys = path.split(".");
  let node = root as Record<string, unknown> | unknown[];
  for (const key of keys.slice(0, -1)) {
    const next = (node as Record<string, unknown>)[key];
    if (typeof next !== "object" || next === null) return false;
    node = next as Record<string, unknown>;
  }
  const last = keys.at(-1)!;
  if (last === "__proto__" || last === "constructor" || last === "prototype") return false;
  (node as Record<string, unknown>)[last] = value;
  return true;
}

/**
 * graphql-multipart-request-spec requests parsed as they stream, with no temporary file: once
 * `operations` and `map` have arrived the operation runs (req.body), and each `Upload` resolves
 * to an IncomingFile whose bytes come straight from the socket when the pipeline opens it, with
 * backpressure. A part that arrives while another file is wanted first (out of order) is set
 * aside on disk; the in-order case never touches it. The answer goes out as soon as it is ready
 * (a refusal before the files are read, a file over a limit the moment it passes it); the rest
 * of the body is then read and discarded, never stored, so the client can read the answer.
 */
export function streamingMultipart(options: StreamingMultipartOptions): RequestHandler {
  return (req, res, next) => {
    if (!req.is("multipart/form-data")) return next();
    // Nothing flows while the token is checked (a 'data' listener may have set the body flowing).
    req.pause();
    options.authenticate(req.get("authorization")).then(
      (identity) =>
        identity ? parse(req, res, next) : unauthenticated(req, res, "This upload needs a signed-in user."),
      (error: unknown) => unauthenticated(req, res, (error as Error).message),
    );
  };

  /** Answers at once; the body that follows is read and discarded (never stored) so the client sees it. */
  function unauthenticated(req: Request, res: Response, message: string) {
    req.resume();
    res
      .status(401)
      .json(errorBody("UNAUTHENTICATED", `${message} Send "Authorization: Bearer <JWT>" with multipart uploads.`));
  }

  function parse(req: Request, res: Response, next: NextFunction) {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        defParamCharset: "utf8",
        limits: { fieldSize: options.maxFieldSize, fields: 2, fileSize: options.maxFileSize, files: options.maxFiles },
      });
    } catch (error) {
      // No boundary, or one busboy cannot use: the body cannot be read as multipart.
      req.resume();
      return next(new MultipartError(400, `Malformed multipart request: ${(error as Error).message}`));
    }
    const parsed = new ParsedRequest();
    let operations: Record<string, unknown> | unknown[] | undefined;
    let settled = false;
    let finished = false;
    const stop = () => {
      req.unpipe(parser);
      parser.removeAllListeners("file");
      // Later events in the same tick may pause the request again: resume once they ran.
      setImmediate(() => req.resume());
    };
    const refuse = (error: Error) => {
      parsed.failAll(error);
      stop();
      if (!settled) {
        settled = true;
        next(error);
      }
    };
    res.once("close", () => {
      finished = true;
      stop();
      void parsed.cleanUp();
    });
    parser.on("field", (name, value, info) => {
      if (info.valueTruncated) {
        return refuse(new MultipartError(413, `The '${name}' multipart field exceeds ${options.maxFieldSize} bytes.`));
      }
      if (name === "operations") {
        try {
          operations = JSON.parse(value) as typeof operations;
        } catch {
          return refuse(new MultipartError(400, `Invalid JSON in the 'operations' multipart field (${SPEC}).`));
        }
        if (typeof operations !== "object" || operations === null) {
          return refuse(new MultipartError(400, `Invalid type for the 'operations' multipart field (${SPEC}).`));
        }
        return;
      }
      if (name !== "map") return;
      if (!operations) {
        return refuse(
          new MultipartError(400, `Misordered multipart fields; 'map' should follow 'operations' (${SPEC}).`),
        );
      }
      let map: unknown;
      try {
        map = JSON.parse(value);
      } catch {
        return refuse(new MultipartError(400, `Invalid JSON in the 'map' multipart field (${SPEC}).`));
      }
      if (typeof map !== "object" || map === null || Array.isArray(map)) {
        return refuse(new MultipartError(400, `Invalid type for the 'map' multipart field (${SPEC}).`));
      }
      const entries = Object.entries(map as Record<string, unknown>);
      if (entries.length > options.maxFiles) {
        return refuse(new MultipartError(413, `${options.maxFiles} max file uploads exceeded.`));
      }
      for (const [field, paths] of entries) {
        if (!Array.isArray(paths)) {
          return refuse(new MultipartError(400, `Invalid type for the 'map' entry '${field}' (${SPEC}).`));
        }
        const part = new FilePart(field, parsed);
        parsed.files.set(field, part);
        const upload = new Upload();
        const incoming: IncomingFile = { open: () => part.open() };
        // graphql-upload's Upload (what its scalar accepts), resolved to our own file type.
        (upload as unknown as { resolve(file: IncomingFile): void }).resolve(incoming);
        for (const path of paths) {
          if (typeof path !== "string" || !setPath(operations, path, upload)) {
            return refuse(
              new MultipartError(400, `Invalid object path '${String(path)}' in the 'map' entry '${field}' (${SPEC}).`),
            );
          }
        }
      }
      settled = true;
      (req as Request & { body: unknown }).body = operations;
      next();
    });
    parser.on("file", (field, stream, info) => {
      const part = parsed.files.get(field);
      if (!settled || finished) {
        stream.on("error", () => {});
        stream.resume();
        if (!settled)
          refuse(new MultipartError(400, `Misordered multipart fields; files should follow 'map' (${SPEC}).`));
        return;
      }
      // Not in the map, or a second part for the same field: extraneous, discarded.
      if (!part || part.arrived) {
        stream.on("error", () => {});
        return void stream.resume();
      }
      // Busboy errors a part cut short ("Unexpected end of form"): the consumer's stream gets it.
      stream.on("error", (error) => part.abort(error));
      stream.once("limit", () =>
        part.abort(new MultipartError(413, `File truncated as it exceeds the ${options.maxFileSize} byte size limit.`)),
      );
      part.begin(stream, info.filename ?? null, info.mimeType ?? null);
    });
    parser.once("filesLimit", () => refuse(new MultipartError(413, `${options.maxFiles} max file uploads exceeded.`)));
    parser.once("close", () => {
      if (!operations) return refuse(new MultipartError(400, `Missing multipart field 'operations' (${SPEC}).`));
      if (!settled) return refuse(new MultipartError(400, `Missing multipart field 'map' (${SPEC}).`));
      for (const f of parsed.files.values()) {
        if (!f.arrived) f.fail(new MultipartError(400, "File missing in the request."));
      }
    });
    parser.on("error", (error: Error) => {
      const failure = error instanceof MultipartError ? error : new MultipartError(400, error.message);
      parsed.failAll(failure);
      if (!settled) refuse(failure);
      else stop();
    });
    req.once("close", () => {
      if (req.readableEnded) return;
      const error = new MultipartError(499, "The request was disconnected during the upload.");
      for (const f of parsed.files.values()) f.abort(error);
      parser.destroy(error);
    });
    req.pipe(parser);
  }
}
