// HTTP/1.1 over a raw socket, so tests control every byte: malformed heads and bodies, wrong lengths,
// and clients that vanish half-way through a request.
import { connect, type Socket } from "node:net";

export interface RawRequest {
  method?: string;
  path?: string;
  /** Sent as given, in order; `host`, `connection: close` and `content-length` are added unless present. */
  headers?: Record<string, string>;
  body?: Buffer | string;
  /**
   * Send only the first `truncateAt` bytes of the body, then `end` (half-close: FIN) or `destroy`
   * (the client process dying) the socket. The answer, if any arrives, is still returned.
   */
  truncateAt?: number;
  truncateWith?: "end" | "destroy";
  /** How long to wait for a complete answer (a server that never answers is a failure). */
  timeoutMs?: number;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

function parseHead(head: string) {
  const [statusLine = "", ...lines] = head.split("\r\n");
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(":");
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return { status, headers };
}

/** Decodes a chunked body; undefined while incomplete. */
function dechunk(data: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = data.indexOf("\r\n", at);
    if (eol < 0) return undefined;
    const size = parseInt(data.subarray(at, eol).toString("latin1"), 16);
    if (Number.isNaN(size)) throw new Error(`bad chunk size at ${at}`);
    if (size === 0) return Buffer.concat(parts);
    if (data.length < eol + 2 + size + 2) return undefined;
    parts.push(data.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8")) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Sends one request on a fresh connection and resolves with the answer, or with null when the
 * connection closed without a complete answer (only expected for truncated requests). Rejects when
 * nothing complete arrives within `timeoutMs`: a server that hangs on a request is a bug too.
 */
export function rawRequest(baseUrl: string, req: RawRequest): Promise<RawResponse | null> {
  const url = new URL(baseUrl);
  const body = typeof req.body === "string" ? Buffer.from(req.body) : (req.body ?? Buffer.alloc(0));
  const headers: Record<string, string> = { ...req.headers };
  const has = (name: string) => Object.keys(headers).some((k) => k.toLowerCase() === name);
  if (!has("host")) headers.host = url.host;
  if (!has("connection")) headers.connection = "close";
  if (!has("content-length") && !has("transfer-encoding")) headers["content-length"] = String(body.length);
  const head = Buffer.from(
    `${req.method ?? "POST"} ${req.path ?? "/graphql"} HTTP/1.1\r\n` +
      Object.entries(headers)
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join("") +
      "\r\n",
    "latin1",
  );
  const timeoutMs = req.timeoutMs ?? 20_000;

  return new Promise((resolve, reject) => {
    const socket: Socket = connect(Number(url.port), url.hostname);
    let data = Buffer.alloc(0);
    let settled = false;
    const finish = (value: RawResponse | null | Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (value instanceof Error) reject(value);
      else resolve(value);
    };
    const timer = setTimeout(
      () =>
        finish(
          new Error(
            `no complete answer within ${timeoutMs} ms (got ${data.length} bytes: ${data.subarray(0, 200).toString()})`,
          ),
        ),
      timeoutMs,
    );
    const tryParse = (closed: boolean) => {
      const end = data.indexOf("\r\n\r\n");
      if (end < 0) return closed ? finish(null) : undefined;
      const { status, headers: h } = parseHead(data.subarray(0, end).toString("latin1"));
      const rest = data.subarray(end + 4);
      let bodyOut: Buffer | undefined;
      if (h["transfer-encoding"]?.toLowerCase().includes("chunked")) bodyOut = dechunk(rest);
      else if (h["content-length"] !== undefined) {
        const n = Number(h["content-length"]);
        if (rest.length >= n) bodyOut = rest.subarray(0, n);
      } else if (closed) bodyOut = rest;
      if (bodyOut) return finish({ status, headers: h, body: bodyOut, json: parseJson(bodyOut) });
      if (closed) finish(null);
    };
    socket.on("data", (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      tryParse(false);
    });
    socket.on("close", () => tryParse(true));
    socket.on("error", () => {
      // ECONNRESET after the server answered and closed: whatever arrived is parsed on close.
    });
    socket.once("connect", () => {
      socket.write(head);
      if (req.truncateAt === undefined) {
        socket.write(body);
        return;
      }
      socket.write(body.subarray(0, req.truncateAt), () => {
        if (req.truncateWith === "destroy") {
          // A client that dies: reset the connection. Keep listening is impossible, so report null.
          socket.resetAndDestroy();
          finish(null);
        } else socket.end();
      });
    });
  });
}
