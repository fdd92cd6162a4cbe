// One Parley API instance as its own process: the real entry point (apps/server/src/main.ts) on a fixed
// port, so it can be killed and started again where the load balancer expects it.
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "./ports.ts";

export interface ParleyInstance {
  name: string;
  port: number;
  /** http://127.0.0.1:port */
  url: string;
  /** Its Prometheus /metrics (its own listener), when started with a metrics port. */
  metricsUrl?: string;
  /** Where its stdout and stderr (pino's JSON lines) go. */
  logFile: string;
  /** Starts the process; resolves once /readyz answers 200 (the port opens only when it can answer). */
  start(extraEnv?: Record<string, string>): Promise<void>;
  /** SIGTERM (drain, exit 0) or SIGKILL; resolves with the exit code (null when killed by a signal). */
  stop(signal?: "SIGTERM" | "SIGKILL"): Promise<number | null>;
  running(): boolean;
  /** The running process's pid (for /proc readings), undefined when not running. */
  pid(): number | undefined;
  /** The last process started (running or exited), for its exit code and signal. */
  process(): ChildProcess | undefined;
  /** The end of its log, for failure messages. */
  logTail(lines?: number): string;
}

const serverDir = fileURLToPath(new URL("../../../apps/server/", import.meta.url));

export function parleyInstance(options: {
  name: string;
  port: number;
  /** METRICS_PORT: /metrics on 127.0.0.1 at that port (off when unset). */
  metricsPort?: number;
  env: Record<string, string>;
  logFile: string;
  startTimeoutMs?: number;
  /** Node.js flags before the entry point (e.g. --cpu-prof). */
  nodeFlags?: string[];
  /**
   * false: the process gets only PATH, HOME and TMPDIR of this one's environment besides `env` (the
   * bench: nothing of the caller's shell changes what it measures). true by default.
   */
  inheritEnv?: boolean;
}): ParleyInstance {
  const url = `http://127.0.0.1:${options.port}`;
  const metricsEnv = options.metricsPort
    ? { METRICS_HOST: "127.0.0.1", METRICS_PORT: String(options.metricsPort) }
    : {};
  const metricsUrl = options.metricsPort ? `http://127.0.0.1:${options.metricsPort}/metrics` : undefined;
  let child: ChildProcess | undefined;
  const running = () => child !== undefined && child.exitCode === null && child.signalCode === null;
  const logTail = (lines = 40) => {
    try {
      return readFileSync(options.logFile, "utf8").split("\n").slice(-lines).join("\n");
    } catch {
      return "(no log)";
    }
  };
  const stop = (signal: "SIGTERM" | "SIGKILL" = "SIGTERM") =>
    new Promise<number | null>((resolve) => {
      const proc = child;
      if (!proc || !running()) return resolve(proc?.exitCode ?? null);
      proc.once("exit", (code) => resolve(code));
      proc.kill(signal);
    });
  const start = async (extraEnv: Record<string, string> = {}) => {
    if (running()) throw new Error(`${options.name} is already running`);
    const log = openSync(options.logFile, "a");
    const inherited =
      options.inheritEnv === false
        ? { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR }
        : process.env;
    const proc = spawn(process.execPath, [...(options.nodeFlags ?? []), "--import", "tsx", "src/main.ts"], {
      cwd: serverDir,
      env: {
        ...inherited,
        ...options.env,
        ...extraEnv,
        PORT: String(options.port),
        HOST: "127.0.0.1",
        ...metricsEnv,
      },
      stdio: ["ignore", log, log],
    });
    closeSync(log);
    child = proc;
    const timeoutMs = options.startTimeoutMs ?? 120_000;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!running()) throw new Error(`${options.name} exited with ${proc.exitCode ?? proc.signalCode}:\n${logTail()}`);
      try {
        const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5_000) });
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await stop("SIGKILL");
        throw new Error(`${options.name} was not ready on ${url} within ${timeoutMs / 1000} s:\n${logTail()}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return {
    name: options.name,
    port: options.port,
    url,
    metricsUrl,
    logFile: options.logFile,
    start,
    stop,
    running,
    pid: () => (running() ? child?.pid : undefined),
    process: () => child,
    logTail,
  };
}

// The processes' logs stay readable until the test run ends, then go.
const logDirs = new Set<string>();
process.once("exit", () => {
  for (const dir of logDirs) rmSync(dir, { recursive: true, force: true });
});

/** A one-off API process (startServerProcess): a second instance beside a test's server, or one to kill. */
export interface ServerProcess {
  /** http://127.0.0.1:port */
  url: string;
  child: ChildProcess;
  /** Everything the process wrote (pino's JSON lines at LOG_LEVEL=info), for assertions and failure messages. */
  output(): string;
  /** Sends `signal` (SIGTERM by default) and resolves with the exit code (null when killed by a signal). */
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts the real server entry as a child process with `env`, on env.PORT or a free port, through
 * parleyInstance; resolves once /readyz answers. The deadline suits a busy CI machine (the embedded
 * backend's first start initialises PGlite); a child that misses it is killed, not left running.
 */
export async function startServerProcess(
  env: Record<string, string>,
  startTimeoutMs = 120_000,
): Promise<ServerProcess> {
  const port = env.PORT && env.PORT !== "0" ? Number(env.PORT) : await freePort();
  const dir = mkdtempSync(join(tmpdir(), "parley-process-"));
  logDirs.add(dir);
  const logFile = join(dir, "server.log");
  const instance = parleyInstance({
    name: `server process on :${port}`,
    port,
    env: { NODE_ENV: "test", ...env, LOG_LEVEL: "info" },
    logFile,
    startTimeoutMs,
  });
  const read = () => {
    try {
      return readFileSync(logFile, "utf8");
    } catch {
      return "";
    }
  };
  await instance.start();
  const child = instance.process()!;
  return {
    url: instance.url,
    child,
    output: read,
    kill: (signal = "SIGTERM") =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
        child.once("exit", (code) => resolve(code));
        child.kill(signal);
      }),
  };
}
