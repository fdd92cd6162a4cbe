import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, parleyInstance } from "@parley/testkit";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

export interface ServerEnv {
  databaseUrl: string;
  minio: { endpoint: string; accessKey: string; secretKey: string };
  bucket: string;
  jwtSecret: string;
  poolMax: number;
  /** DATA_DIR: the server's scratch space (upload temp files), owned by the bench. */
  dataDir: string;
}

export interface ServerProcess {
  pid: number;
  url: string;
  graphqlUrl: string;
  /** Last lines the server wrote (warnings and errors only: LOG_LEVEL=warn). */
  log(): string;
  stop(): Promise<void>;
}

/**
 * Starts apps/server/src/main.ts as its own process (testkit's parleyInstance, so its memory can be
 * read from /proc) with the production settings a deployment would use and nothing of the caller's
 * environment, and waits until /readyz answers 200.
 */
export async function startServer(
  env: ServerEnv,
  options: { nodeFlags?: string[]; extraEnv?: Record<string, string> } = {},
): Promise<ServerProcess> {
  const port = await freePort();
  const instance = parleyInstance({
    name: `bench server :${port}`,
    port,
    logFile: join(env.dataDir, `server-${port}.log`),
    nodeFlags: options.nodeFlags,
    inheritEnv: false,
    startTimeoutMs: 60_000,
    env: {
      NODE_ENV: "production",
      LOG_LEVEL: "warn",
      DATABASE_URL: env.databaseUrl,
      DATABASE_POOL_MAX: String(env.poolMax),
      S3_ENDPOINT: env.minio.endpoint,
      S3_ACCESS_KEY: env.minio.accessKey,
      S3_SECRET_KEY: env.minio.secretKey,
      S3_BUCKET: env.bucket,
      AUTH_JWT_SECRET: env.jwtSecret,
      DATA_DIR: env.dataDir,
      // The bench measures the send and upload paths, not the per-identity limiter in front of them.
      RATE_LIMIT_MESSAGES_PER_MINUTE: "0",
      RATE_LIMIT_UPLOAD_BYTES_PER_MINUTE: "0",
      ...options.extraEnv,
    },
  });
  await instance.start();
  const pid = instance.pid()!;
  return {
    pid,
    url: instance.url,
    graphqlUrl: `${instance.url}/graphql`,
    log: () => instance.logTail(200),
    async stop() {
      if (!instance.running()) return;
      const timer = setTimeout(() => void instance.stop("SIGKILL"), 15_000);
      await instance.stop("SIGTERM");
      clearTimeout(timer);
    },
  };
}

export interface ProcMemory {
  /** Resident set size now, bytes. */
  rss: number;
  /** Peak resident set size since start or the last resetPeak, bytes. */
  hwm: number;
}

export function procMemory(pid: number): ProcMemory {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (name: string) => {
    const m = new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status);
    if (!m) throw new Error(`/proc/${pid}/status has no ${name}`);
    return Number(m[1]) * 1024;
  };
  return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
}

/** Resets VmHWM to the current RSS (Linux ≥ 4.0, `echo 5 > clear_refs`); false where not allowed. */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

/** Samples VmRSS every `intervalMs` until stopped; returns the largest sample and how many were taken. */
export function sampleRss(pid: number, intervalMs = 50) {
  let max = procMemory(pid).rss;
  let samples = 1;
  const timer = setInterval(() => {
    try {
      max = Math.max(max, procMemory(pid).rss);
      samples++;
    } catch {
      // the process went away; the caller notices
    }
  }, intervalMs);
  return {
    stop(): { maxRss: number; samples: number } {
      clearInterval(timer);
      max = Math.max(max, procMemory(pid).rss);
      return { maxRss: max, samples: samples + 1 };
    },
  };
}

/** CPU time (user + system) the process has used so far, ms (from /proc/<pid>/stat; CLK_TCK = 100). */
export function procCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may contain spaces) start at state, field 3.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / 100;
}
