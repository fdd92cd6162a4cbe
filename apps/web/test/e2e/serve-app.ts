// Serves the production build and forwards the API's paths to a real Parley, as a reverse proxy
// in front of both would in production (and as `vite preview` does with its proxy).
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { extname, join, normalize, sep } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".map": "application/json",
  ".json": "application/json",
  ".png": "image/png",
  ".ico": "image/x-icon",
};
const API_PATHS = ["/graphql", "/auth/", "/media/", "/media-uploads/", "/healthz", "/readyz"];

export interface ServedApp {
  url: string;
  /** Resets the connections of uploads in flight, as a dropped network would. */
  cutOffUploads(): number;
  /**
   * The API goes away behind the proxy (or comes back): the proxy answers its paths with its own
   * HTML "502 Bad Gateway" page, as nginx does, and drops the WebSocket tunnels.
   */
  setApiDown(down: boolean): void;
  close(): Promise<void>;
}

/** `apiUrl` is read per request, so the API can be started after the proxy (to learn its URL). */
export async function serveApp(distDir: string, apiUrl: () => string): Promise<ServedApp> {
  const uploads = new Set<IncomingMessage>();
  const tunnels = new Set<import("node:stream").Duplex>();
  let apiDown = false;
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const isApi = API_PATHS.some((p) => path === p.replace(/\/$/, "") || path.startsWith(p));
    if (isApi && apiDown) {
      req.resume();
      res.writeHead(502, { "content-type": "text/html" });
      res.end("<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>");
      return;
    }
    if (req.headers["content-type"]?.startsWith("multipart/form-data")) {
      uploads.add(req);
      res.once("close", () => uploads.delete(req));
    }
    if (isApi) return proxy(req, res, new URL(apiUrl()));
    serveStatic(distDir, path, res);
  });
  // Live events: the WebSocket upgrade on /graphql is tunnelled to the API as well.
  server.on("upgrade", (req: IncomingMessage, socket: import("node:stream").Duplex, head: Buffer) => {
    if (apiDown) return void socket.end("HTTP/1.1 502 Bad Gateway\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
    const api = new URL(apiUrl());
    tunnels.add(socket);
    socket.once("close", () => tunnels.delete(socket));
    const upstream = connect(Number(api.port), api.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const name = req.rawHeaders[i]!;
        lines.push(`${name}: ${name.toLowerCase() === "host" ? api.host : req.rawHeaders[i + 1]}`);
      }
      upstream.write(lines.join("\r\n") + "\r\n\r\n");
      if (head.length > 0) upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
    upstream.on("error", () => socket.destroy());
    socket.on("error", () => upstream.destroy());
    socket.on("close", () => upstream.destroy());
    upstream.on("close", () => socket.destroy());
  });
  server.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    cutOffUploads() {
      const n = uploads.size;
      for (const req of uploads) req.socket.resetAndDestroy();
      uploads.clear();
      return n;
    },
    setApiDown(down: boolean) {
      apiDown = down;
      if (down) for (const socket of tunnels) socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        for (const socket of tunnels) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function proxy(req: IncomingMessage, res: ServerResponse, api: URL): void {
  const upstream = request(
    {
      host: api.hostname,
      port: api.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: api.host },
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on("error", (error) => {
    if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        errors: [{ message: `proxy: ${error.message}`, extensions: { code: "INTERNAL_SERVER_ERROR" } }],
      }),
    );
  });
  req.pipe(upstream);
}

function serveStatic(distDir: string, path: string, res: ServerResponse): void {
  const file = normalize(join(distDir, decodeURIComponent(path)));
  const inside = file.startsWith(distDir + sep);
  const target = inside && existsSync(file) && statSync(file).isFile() ? file : join(distDir, "index.html");
  res.writeHead(200, {
    "content-type": TYPES[extname(target)] ?? "application/octet-stream",
    "cache-control": target.endsWith("index.html") ? "no-cache" : "public, max-age=31536000, immutable",
  });
  createReadStream(target).pipe(res);
}
