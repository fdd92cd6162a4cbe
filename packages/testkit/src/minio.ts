import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "./ports.ts";

export interface MinioServer {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  /** MinIO's data directory: tests read it to prove objects are encrypted at rest. */
  dataDir: string;
  /** Stops the process (SIGKILL when `hard`), keeping the data directory. */
  stop(options?: { hard?: boolean }): Promise<void>;
  /** Starts it again on the same port and data directory. */
  start(): Promise<void>;
  /** Stops it and deletes the data directory. */
  dispose(): Promise<void>;
}

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

/** Path of the pinned MinIO binary: MINIO_BIN, or built once by scripts/minio.sh. */
export function minioBinary(): string {
  if (process.env.MINIO_BIN) return process.env.MINIO_BIN;
  try {
    return execFileSync("bash", [join(repoRoot, "scripts/minio.sh")], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    }).trim();
  } catch (error) {
    throw new Error(
      "MinIO is required for these tests and could not be built. Run `bash scripts/minio.sh` " +
        "(needs Go) or set MINIO_BIN to a MinIO server binary.",
      { cause: error },
    );
  }
}

/**
 * Starts a real MinIO server on 127.0.0.1 with a temporary data directory and a KMS key, so
 * SSE-S3 (bucket default encryption) really happens.
 */
export async function startMinio(): Promise<MinioServer> {
  const bin = minioBinary();
  const dataDir = mkdtempSync(join(tmpdir(), "parley-minio-"));
  const port = await freePort();
  const consolePort = await freePort();
  const accessKey = "parley-test";
  const secretKey = randomBytes(16).toString("hex");
  const kmsKey = `parley-test-key:${randomBytes(32).toString("base64")}`;
  const endpoint = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let log = "";

  const start = async () => {
    log = "";
    child = spawn(
      bin,
      ["server", dataDir, "--address", `127.0.0.1:${port}`, "--console-address", `127.0.0.1:${consolePort}`, "--quiet"],
      {
        env: {
          ...process.env,
          MINIO_ROOT_USER: accessKey,
          MINIO_ROOT_PASSWORD: secretKey,
          MINIO_KMS_SECRET_KEY: kmsKey,
          MINIO_BROWSER: "off",
          MINIO_UPDATE: "off",
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    child.stdout?.on("data", (d: Buffer) => (log += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (log += d.toString()));
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`MinIO exited with ${child.exitCode}:\n${log}`);
      try {
        const res = await fetch(`${endpoint}/minio/health/ready`);
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill("SIGKILL");
    throw new Error(`MinIO did not become ready on ${endpoint} within 30 s:\n${log}`);
  };

  const stop = async ({ hard = false } = {}) => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once("exit", r));
    proc.kill(hard ? "SIGKILL" : "SIGTERM");
    await exited;
  };

  await start();
  return {
    endpoint,
    accessKey,
    secretKey,
    dataDir,
    stop,
    start,
    dispose: async () => {
      await stop({ hard: true });
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
