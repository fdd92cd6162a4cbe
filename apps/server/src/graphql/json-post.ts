import type { IncomingMessage, ServerResponse } from "node:http";
import { HeaderMap, type ApolloServer } from "@apollo/server";
import type { Logger } from "pino";
import { errorBody, type ErrorCode } from "../errors.ts";
import type { Context } from "./context.ts";

/** express.json's "1mb" in http.ts: the same limit on both paths. */
export const JSON_BODY_LIMIT_BYTES = 1024 * 1024;

// What the fast path takes: a bare `application/json`, with no charset or UTF-8, not compressed.
// Anything else (other charsets, gzip bodies, multipart, GET, preflights) goes through Express.
const PLAIN_JSON = /^application\/json\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

// body-parser's strict mode: the first character after JSON whitespace opens an object or an array.
const JSON_FIRST_CHAR = /^[ \t\n\r]*([^ \t\n\r])/;

/** The CORS headers `cors` (http.ts) sets on an actual (non-preflight) request. */
const CORS_HEADERS: [string, string][] = [
  ["Access-Control-Allow-Origin", "*"],
  ["Access-Control-Expose-Headers", "Retry-After"],
];

export interface JsonPostOptions {
  apollo: ApolloServer<Context>;
  /** The context builder the Express route uses too (http.ts httpContext). */
  context: (req: IncomingMessage, res: ServerResponse) => Promise<Context>;
  /** Request id and access log (observability/request-ids.ts); sets `req.id`. */
  logRequest: (req: IncomingMessage, res: ServerResponse) => void;
  /** HTTP metrics, when enabled (observability/metrics.ts). */
  trackRequest?: (req: IncomingMessage, res: ServerResponse) => void;
  logger: Logger;
}

/**
 * `POST /graphql` with a JSON body, the API's hot path, answered without Express: the same request
 * id and access log, metrics, CORS headers, 1 MiB body limit, JSON errors and Apollo context as the
 * Express route in http.ts, which keeps every other request. Express's middleware chain, body-parser
 * and the integration cost about 0.15-0.2 ms of CPU per request, a third of a text send.
 * Returns false for a request it does not take.
 */
export function jsonPostHandler(o: JsonPostOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    if (req.method !== "POST") return false;
    const url = req.url ?? "";
    const q = url.indexOf("?");
    if ((q < 0 ? url : url.slice(0, q)) !== "/graphql") return false;
    const type = req.headers["content-type"];
    if (!type || !PLAIN_JSON.test(type)) return false;
    const encoding = req.headers["content-encoding"];
    if (encoding && encoding.toLowerCase() !== "identity") return false;

    o.logRequest(req, res);
    o.trackRequest?.(req, res);
    for (const [name, value] of CORS_HEADERS) res.setHeader(name, value);
    answer(o, req, res, q < 0 ? "" : url.slice(q)).catch((error: unknown) => {
      o.logger.error({ err: error, path: "/graphql" }, "request failed before GraphQL ran");
      refuse(req, res, 500, "INTERNAL_SERVER_ERROR", "Internal server error.");
    });
    return true;
  };
}

async function answer(o: JsonPostOptions, req: IncomingMessage, res: ServerResponse, search: string): Promise<void> {
  const body = await readJson(req);
  if ("refused" in body) {
    const { status, code, message } = body.refused;
    // Like body-parser: the rest of the body is read off first, so the client gets the answer.
    req.resume();
    if (!req.readableEnded) await new Promise((resolve) => req.once("end", resolve).once("close", resolve));
    refuse(req, res, status, code, message);
    return;
  }
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
  }
  const response = await o.apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: "POST", headers, search, body: body.value },
    context: () => o.context(req, res),
  });
  for (const [key, value] of response.headers) res.setHeader(key === "content-type" ? "Content-Type" : key, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === "complete") {
    res.setHeader("Content-Length", Buffer.byteLength(response.body.string));
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

type Read = { value: unknown } | { refused: { status: number; code: ErrorCode; message: string } };

/** The body as express.json({ limit: "1mb", strict: true }) reads it: empty is {}, top level an object or array. */
async function readJson(req: IncomingMessage): Promise<Read> {
  const tooLarge: Read = { refused: { status: 413, code: "PAYLOAD_TOO_LARGE", message: "request entity too large" } };
  const declared = Number(req.headers["content-length"] ?? NaN);
  if (declared > JSON_BODY_LIMIT_BYTES) return tooLarge;
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      length += chunk.length;
      if (length > JSON_BODY_LIMIT_BYTES) return tooLarge;
      chunks.push(chunk);
    }
  } catch {
    return {
      refused: { status: 400, code: "BAD_USER_INPUT", message: "The request could not be read: request aborted" },
    };
  }
  if (length === 0) return { value: {} };
  let text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length)).toString("utf8");
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a UTF-8 byte order mark, as iconv-lite drops it
  const first = JSON_FIRST_CHAR.exec(text)?.[1];
  if (first === "{" || first === "[") {
    try {
      return { value: JSON.parse(text) };
    } catch {
      // answered below
    }
  }
  return { refused: { status: 400, code: "BAD_USER_INPUT", message: "The request body is not valid JSON." } };
}

/** An answer before GraphQL ran, in the contract's error shape with the request's id (http/errors.ts). */
function refuse(req: IncomingMessage, res: ServerResponse, status: number, code: ErrorCode, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = errorBody(code, message);
  const id = (req as { id?: unknown }).id;
  if (id !== undefined) Object.assign(body.errors[0]!.extensions, { requestId: String(id) });
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.setHeader("Content-Length", Buffer.byteLength(text));
  res.end(text);
}
