// graphql-multipart-request-spec requests, built by hand and streamed, so tests (and the bench) control every byte.
import { randomBytes } from "node:crypto";
import { request } from "node:http";

export interface FilePart {
  /** Variable path the file goes to, e.g. "variables.input.media.0.file". */
  path: string;
  filename: string;
  contentType?: string;
  /** Bytes, or a generator of chunks (for large or slow bodies). */
  body: Buffer | (() => AsyncIterable<Buffer>);
}

export interface MultipartResponse {
  status: number;
  json: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] };
}

function* header(boundary: string, name: string, filename?: string, type?: string) {
  let h = `--${boundary}\r\nContent-Disposition: form-data; name="${name}"`;
  if (filename !== undefined) h += `; filename="${filename}"`;
  h += "\r\n";
  if (type) h += `Content-Type: ${type}\r\n`;
  yield Buffer.from(`${h}\r\n`);
}

export async function* multipartBody(boundary: string, operations: unknown, files: FilePart[]): AsyncGenerator<Buffer> {
  const map = Object.fromEntries(files.map((f, i) => [String(i), [f.path]]));
  yield* header(boundary, "operations");
  yield Buffer.from(`${JSON.stringify(operations)}\r\n`);
  yield* header(boundary, "map");
  yield Buffer.from(`${JSON.stringify(map)}\r\n`);
  for (const [i, f] of files.entries()) {
    yield* header(boundary, String(i), f.filename, f.contentType ?? "application/octet-stream");
    if (Buffer.isBuffer(f.body)) yield f.body;
    else for await (const chunk of f.body()) yield chunk;
    yield Buffer.from("\r\n");
  }
  yield Buffer.from(`--${boundary}--\r\n`);
}

/**
 * One sendMediaMessage request: `query` takes its input as `$i`, and `files` become media 0..n-1
 * (variables.i.media.N.file), as a partner's multipart client sends them.
 */
export function postMediaMessage(
  graphqlUrl: string,
  token: string,
  query: string,
  conversationId: string,
  files: Omit<FilePart, "path">[],
): Promise<MultipartResponse> {
  return postMultipart(
    graphqlUrl,
    token,
    { query, variables: { i: { conversationId, media: files.map(() => ({ file: null })) } } },
    files.map((f, i) => ({ ...f, path: `variables.i.media.${i}.file` })),
  );
}

export const newBoundary = () => `----parley${randomBytes(8).toString("hex")}`;

/** The headers of a multipart sendMediaMessage request (CSRF preflight header, optional token). */
export const multipartHeaders = (boundary: string, token: string | null): Record<string, string> => ({
  "content-type": `multipart/form-data; boundary=${boundary}`,
  "apollo-require-preflight": "true",
  ...(token ? { authorization: `Bearer ${token}` } : {}),
});

/**
 * POSTs a multipart request over a raw socket, streaming the body with backpressure. `abortAfter`
 * destroys the request after that many body bytes (a client going away mid-upload).
 */
export function postMultipart(
  url: string,
  token: string | null,
  operations: unknown,
  files: FilePart[],
  options: { abortAfter?: number; headers?: Record<string, string>; onProgress?: (sent: number) => void } = {},
): Promise<MultipartResponse> {
  const boundary = newBoundary();
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", headers: { ...multipartHeaders(boundary, token), ...options.headers } });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        try {
          resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as MultipartResponse["json"] });
        } catch {
          reject(new Error(`non-JSON response ${res.statusCode}: ${text.slice(0, 200)}`));
        }
      });
    });
    req.on("error", reject);
    (async () => {
      let sent = 0;
      for await (const chunk of multipartBody(boundary, operations, files)) {
        if (options.abortAfter !== undefined && sent + chunk.length > options.abortAfter) {
          req.destroy(new Error("aborted by test"));
          return;
        }
        sent += chunk.length;
        options.onProgress?.(sent);
        if (!req.write(chunk)) await new Promise((r) => req.once("drain", r));
      }
      req.end();
    })().catch(reject);
  });
}

/** `size` bytes of deterministic pseudo-random data in 1 MiB chunks, never all in memory. */
export function generated(size: number, seed = 1): () => AsyncIterable<Buffer> {
  return async function* () {
    const block = Buffer.alloc(1024 * 1024);
    let x = seed;
    for (let i = 0; i < block.length; i++) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      block[i] = x >>> 16;
    }
    let left = size;
    while (left > 0) {
      const n = Math.min(left, block.length);
      yield n === block.length ? Buffer.from(block) : block.subarray(0, n);
      left -= n;
    }
  };
}
