// graphql-multipart-request-spec requests, streamed with backpressure: the bench never holds a
// whole file in memory either.
import { randomBytes } from "node:crypto";
import { request } from "node:http";

const CHUNK = 1024 * 1024;
const block = randomBytes(CHUNK);

/**
 * `size` bytes of incompressible data in 1 MiB chunks, each a fresh copy (a socket may still hold
 * the previous one) stamped with its file seed and chunk number, so no two chunks are equal.
 */
export async function* generatedBytes(size: number, seed: number, firstChunk = 0): AsyncGenerator<Buffer> {
  let left = size;
  for (let i = firstChunk; left > 0; i++) {
    const n = Math.min(left, CHUNK);
    const chunk = Buffer.allocUnsafe(n);
    block.copy(chunk, 0, 0, n);
    if (n >= 16) {
      chunk.writeUInt32LE(seed, 0);
      chunk.writeUInt32LE(i, 4);
    }
    left -= n;
    yield chunk;
  }
}

export interface UploadFile {
  filename: string;
  contentType: string;
  size: number;
  seed: number;
}

function part(boundary: string, name: string, file?: UploadFile): Buffer {
  let h = `--${boundary}\r\nContent-Disposition: form-data; name="${name}"`;
  if (file) h += `; filename="${file.filename}"\r\nContent-Type: ${file.contentType}`;
  return Buffer.from(`${h}\r\n\r\n`);
}

async function* body(
  boundary: string,
  operations: unknown,
  paths: string[],
  files: UploadFile[],
): AsyncGenerator<Buffer> {
  yield part(boundary, "operations");
  yield Buffer.from(`${JSON.stringify(operations)}\r\n`);
  yield part(boundary, "map");
  yield Buffer.from(`${JSON.stringify(Object.fromEntries(paths.map((p, i) => [String(i), [p]])))}\r\n`);
  for (const [i, f] of files.entries()) {
    yield part(boundary, String(i), f);
    yield* generatedBytes(f.size, f.seed);
    yield Buffer.from("\r\n");
  }
  yield Buffer.from(`--${boundary}--\r\n`);
}

export interface MultipartResult {
  status: number;
  json: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] };
}

/** POSTs `sendMediaMessage`-style operations with `files` mapped to `paths`, streaming the body. */
export function postMultipart(
  url: string,
  token: string,
  operations: unknown,
  paths: string[],
  files: UploadFile[],
): Promise<MultipartResult> {
  const boundary = `----parleybench${randomBytes(8).toString("hex")}`;
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: "POST",
      headers: {
        "content-type": `multipart/form-data; boundary=${boundary}`,
        "apollo-require-preflight": "true",
        authorization: `Bearer ${token}`,
      },
    });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        try {
          resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as MultipartResult["json"] });
        } catch {
          reject(new Error(`non-JSON response ${res.statusCode}: ${text.slice(0, 300)}`));
        }
      });
    });
    req.on("error", reject);
    (async () => {
      for await (const chunk of body(boundary, operations, paths, files)) {
        if (!req.write(chunk)) await new Promise((r) => req.once("drain", r));
      }
      req.end();
    })().catch(reject);
  });
}

const SEND_MEDIA = `mutation($input: SendMediaMessageInput!) { sendMediaMessage(input: $input) {
  id index type media { id size sha256 contentType temporaryUrl } } }`;

export interface SentMedia {
  id: string;
  index: number;
  media: { id: string; size: number; sha256: string; contentType: string; temporaryUrl: string }[];
}

/** Sends one media message carrying `files`; throws unless the server answered with the message. */
export async function sendMediaMessage(
  graphqlUrl: string,
  token: string,
  conversationId: string,
  files: UploadFile[],
  body?: string,
): Promise<SentMedia> {
  const operations = {
    query: SEND_MEDIA,
    variables: { input: { conversationId, body, media: files.map(() => ({ file: null })) } },
  };
  const res = await postMultipart(
    graphqlUrl,
    token,
    operations,
    files.map((_, i) => `variables.input.media.${i}.file`),
    files,
  );
  const sent = res.json.data?.sendMediaMessage as SentMedia | undefined;
  if (res.status !== 200 || res.json.errors?.length || !sent) {
    throw new Error(`sendMediaMessage failed (${res.status}): ${JSON.stringify(res.json.errors ?? res.json)}`);
  }
  return sent;
}
