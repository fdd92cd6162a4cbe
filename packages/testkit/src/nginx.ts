// nginx as the load balancer of a local cluster: Debian's package, run as a plain child process with its
// own configuration, pid, logs and temporary files in one directory (not the system service).
import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { debianTool } from "./debian-package.ts";

/** Path of nginx: NGINX_BIN, Debian's /usr/sbin/nginx, nginx on PATH, or the package installed (as root). */
export function nginxBinary(): string {
  return debianTool({
    name: "nginx",
    pkg: "nginx",
    envVar: "NGINX_BIN",
    paths: ["/usr/sbin/nginx"],
    command: "nginx",
    neededBy: "the cluster (pnpm cluster, pnpm test:cluster)",
  });
}

export interface NginxOptions {
  /** Where nginx.conf, the pid file, logs and temporary files go (created if missing). */
  dir: string;
  /** Loopback port of the API (HTTP and WebSocket), balanced over `api` ("127.0.0.1:port" each). */
  apiPort: number;
  api: string[];
  /** Loopback port of S3, balanced over `s3` (the MinIO nodes), when given. */
  s3Port?: number;
  s3?: string[];
  /** Largest request body the API takes (its multipart limit); nginx allows this plus room for the form. */
  maxBodyBytes: number;
}

export interface Nginx {
  url: string;
  s3Url: string | undefined;
  /**
   * Takes an upstream server ("127.0.0.1:port") out of rotation or puts it back, by rewriting the
   * configuration and reloading (what a load balancer's health checks do; nginx's open-source edition
   * only notices a dead server by its refused connections). Resolves once new workers run it.
   */
  setDown(address: string, down: boolean): Promise<void>;
  /** `$upstream_addr` and status per request, one line each. */
  accessLog: string;
  errorLog: string;
  stop(): Promise<void>;
}

/**
 * The configuration: HTTP and WebSocket (graphql-ws on /graphql) to the API instances, uploads streamed
 * (no request buffering) with a body limit above the API's own so the API answers over-limit sends with
 * its contract code; S3 to the MinIO nodes with the Host header kept (presigned URLs are signed for it).
 * A dead upstream (connection refused) is skipped; a request already sent is not replayed on another.
 */
export function nginxConfig(options: NginxOptions, down: ReadonlySet<string> = new Set()): string {
  const { dir } = options;
  // Multipart framing, the operations JSON (≤ 1 MiB) and part headers on top of the files.
  const bodyLimit = `${Math.ceil(options.maxBodyBytes / 1024 / 1024) + 8}m`;
  const servers = (addresses: string[]) =>
    addresses.map((a) => `    server ${a} max_fails=1 fail_timeout=2s${down.has(a) ? " down" : ""};`).join("\n");
  const s3 =
    options.s3Port !== undefined && options.s3?.length
      ? `
  upstream minio {
    least_conn;
${servers(options.s3)}
    keepalive 16;
  }
  server {
    listen 127.0.0.1:${options.s3Port};
    ignore_invalid_headers off;
    client_max_body_size 0;
    proxy_buffering off;
    proxy_request_buffering off;
    location / {
      proxy_pass http://minio;
      proxy_http_version 1.1;
      proxy_set_header Host $http_host;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_connect_timeout 2s;
      # A node that answers 503 (starting, or without quorum) is skipped for requests not yet sent.
      proxy_next_upstream error timeout http_502 http_503 http_504;
      proxy_read_timeout 300s;
      proxy_send_timeout 300s;
      add_header X-Upstream $upstream_addr always;
    }
  }`
      : "";
  return `# Written by @parley/testkit (nginx.ts) for a local Parley cluster.
daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  log_format upstream '$time_iso8601 $request_method $request_uri $status $request_time upstream=$upstream_addr status=$upstream_status';
  access_log ${dir}/access.log upstream;
  client_body_temp_path ${dir}/tmp/client_body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  server_tokens off;
  map $http_upgrade $connection_upgrade { default upgrade; "" ""; }

  upstream parley {
    least_conn;
${servers(options.api)}
    keepalive 16;
  }
  server {
    listen 127.0.0.1:${options.apiPort};
    client_max_body_size ${bodyLimit};
    location / {
      proxy_pass http://parley;
      proxy_http_version 1.1;
      proxy_request_buffering off;
      proxy_set_header Host $http_host;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_connect_timeout 2s;
      # Long uploads and live-event sockets (the SDK pings every 20 s).
      proxy_read_timeout 3600s;
      proxy_send_timeout 3600s;
      # Which instance answered: lets a test see where a WebSocket landed.
      add_header X-Upstream $upstream_addr always;
    }
  }${s3}
}
`;
}

/** Starts nginx with nginxConfig(options); resolves once it accepts connections. */
export async function startNginx(options: NginxOptions): Promise<Nginx> {
  const bin = nginxBinary();
  mkdirSync(join(options.dir, "tmp"), { recursive: true });
  // Run as root, nginx's workers are `nobody`: they must reach the temporary directories it creates here.
  chmodSync(options.dir, 0o755);
  const conf = join(options.dir, "nginx.conf");
  const errorLog = join(options.dir, "error.log");
  writeFileSync(conf, nginxConfig(options));
  const child = spawn(bin, ["-p", options.dir, "-c", conf, "-e", errorLog], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  const logs = () => {
    let text = out;
    try {
      text += readFileSync(errorLog, "utf8");
    } catch {
      // not written yet
    }
    return text;
  };
  const down = new Set<string>();
  // The master's worker processes (new ones after a reload).
  const workers = () => {
    try {
      return readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, "utf8").split(" ").filter(Boolean);
    } catch {
      return [];
    }
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}:\n${logs()}`);
    if (await accepts(options.apiPort)) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`nginx did not accept connections on ${options.apiPort} within 15 s:\n${logs()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `http://127.0.0.1:${options.apiPort}`,
    s3Url: options.s3Port === undefined ? undefined : `http://127.0.0.1:${options.s3Port}`,
    accessLog: join(options.dir, "access.log"),
    errorLog,
    setDown: async (address, isDown) => {
      if (isDown) down.add(address);
      else down.delete(address);
      writeFileSync(conf, nginxConfig(options, down));
      const before = workers();
      child.kill("SIGHUP");
      const until = Date.now() + 10_000;
      while (!workers().some((pid) => !before.includes(pid))) {
        if (Date.now() > until) throw new Error(`nginx did not reload within 10 s:\n${logs()}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM"); // fast shutdown: open WebSockets are closed, not waited for
      await exited;
    },
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
