import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
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
  /** Starts it again on the same port and data directory (nothing to do when it runs). */
  start(): Promise<void>;
  /** Stops it and deletes the data directory. */
  dispose(): Promise<void>;
}

/** One server process of a distributed MinIO: its own address and drive. */
export interface MinioNode {
  endpoint: string;
  dataDir: string;
  /** Stops the process (SIGKILL when `hard`), keeping its drive. */
  stop(options?: { hard?: boolean }): Promise<void>;
  /** Starts it again on the same port and drive; resolves once it has reported the cluster healthy for 2 s. */
  start(): Promise<void>;
  running(): boolean;
}

/** A distributed, erasure-coded MinIO: one drive per process, every process on its own loopback port. */
export interface MinioCluster {
  nodes: MinioNode[];
  accessKey: string;
  secretKey: string;
  /** Stops every node and deletes the drives. */
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

interface Credentials {
  accessKey: string;
  secretKey: string;
  /** MINIO_KMS_SECRET_KEY: SSE-S3 (the bucket default encryption Parley sets) needs a KMS key. */
  kmsKey: string;
}

function newCredentials(): Credentials {
  return {
    accessKey: "parley-test",
    secretKey: randomBytes(16).toString("hex"),
    kmsKey: `parley-test-key:${randomBytes(32).toString("base64")}`,
  };
}

/**
 * One `minio server` process that can be stopped and started again with the same arguments; start()
 * resolves once `readyPath` answers 200 on `endpoint`, and has kept answering 200 for `settleMs`.
 */
function minioProcess(args: {
  bin: string;
  argv: string[];
  env: Record<string, string>;
  endpoint: string;
  readyPath: string;
  timeoutMs: number;
  settleMs?: number;
}) {
  let child: ChildProcess | undefined;
  let log = "";
  const running = () => child !== undefined && child.exitCode === null && child.signalCode === null;
  const start = async () => {
    // Already running: a second process could not bind the port, and would take the handle of the
    // running one (which then outlives dispose(), still writing into the directory being removed).
    if (running()) return;
    log = "";
    const proc = spawn(args.bin, args.argv, {
      env: { ...process.env, MINIO_BROWSER: "off", MINIO_UPDATE: "off", ...args.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child = proc;
    proc.stdout?.on("data", (d: Buffer) => (log += d.toString()));
    proc.stderr?.on("data", (d: Buffer) => (log += d.toString()));
    const deadline = Date.now() + args.timeoutMs;
    let readySince: number | undefined;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) throw new Error(`MinIO (${args.endpoint}) exited with ${proc.exitCode}:\n${log}`);
      let ok = false;
      try {
        ok = (await fetch(`${args.endpoint}${args.readyPath}`)).ok;
      } catch {
        // not listening yet
      }
      readySince = ok ? (readySince ?? Date.now()) : undefined;
      if (readySince !== undefined && Date.now() - readySince >= (args.settleMs ?? 0)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    proc.kill("SIGKILL");
    throw new Error(`MinIO did not become ready on ${args.endpoint} within ${args.timeoutMs / 1000} s:\n${log}`);
  };
  const stop = async ({ hard = false } = {}) => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once("exit", r));
    proc.kill(hard ? "SIGKILL" : "SIGTERM");
    await exited;
  };
  return { start, stop, running };
}

/**
 * Starts a real MinIO server on 127.0.0.1 with a temporary data directory and a KMS key, so
 * SSE-S3 (bucket default encryption) really happens.
 */
export async function startMinio(): Promise<MinioServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "parley-minio-"));
  const port = await freePort();
  const consolePort = await freePort();
  const { accessKey, secretKey, kmsKey } = newCredentials();
  const endpoint = `http://127.0.0.1:${port}`;
  const server = minioProcess({
    bin: minioBinary(),
    argv: [
      "server",
      dataDir,
      "--address",
      `127.0.0.1:${port}`,
      "--console-address",
      `127.0.0.1:${consolePort}`,
      "--quiet",
    ],
    env: { MINIO_ROOT_USER: accessKey, MINIO_ROOT_PASSWORD: secretKey, MINIO_KMS_SECRET_KEY: kmsKey },
    endpoint,
    readyPath: "/minio/health/ready",
    timeoutMs: 30_000,
  });
  await server.start();
  return {
    endpoint,
    accessKey,
    secretKey,
    dataDir,
    stop: server.stop,
    start: server.start,
    dispose: async () => {
      await server.stop({ hard: true });
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts a distributed MinIO of `nodes` server processes (4 by default) on free loopback ports, one drive
 * each under `dir` (a temporary directory by default), erasure-coded across the drives (4 drives: 2 data +
 * 2 parity, so any one node may be down for reads and writes) and sharing one KMS key. Resolves once every
 * node reports the cluster healthy (write quorum).
 */
export async function startMinioCluster(options: { nodes?: number; dir?: string } = {}): Promise<MinioCluster> {
  const count = options.nodes ?? 4;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "parley-minio-cluster-"));
  const bin = minioBinary();
  const credentials = newCredentials();
  const ports = await distinctFreePorts(count * 2);
  const nodes = Array.from({ length: count }, (_, i) => ({
    port: ports[i]!,
    consolePort: ports[count + i]!,
    dataDir: join(dir, `drive${i + 1}`),
  }));
  // Every process gets the whole list and finds itself in it by its own address.
  const drives = nodes.map((n) => `http://127.0.0.1:${n.port}${n.dataDir}`);
  const processes = nodes.map((n) => {
    mkdirSync(n.dataDir, { recursive: true });
    const endpoint = `http://127.0.0.1:${n.port}`;
    const server = minioProcess({
      bin,
      argv: [
        "server",
        "--address",
        `127.0.0.1:${n.port}`,
        "--console-address",
        `127.0.0.1:${n.consolePort}`,
        "--quiet",
        ...drives,
      ],
      env: {
        MINIO_ROOT_USER: credentials.accessKey,
        MINIO_ROOT_PASSWORD: credentials.secretKey,
        MINIO_KMS_SECRET_KEY: credentials.kmsKey,
        // Inside a container MinIO refuses loopback peers unless told which endpoint is its own,
        // and refuses drives on the root filesystem unless in CI/CD mode: here every drive is a directory.
        _MINIO_SERVER_LOCAL: `127.0.0.1:${n.port}`,
        MINIO_CI_CD: "1",
      },
      endpoint,
      readyPath: "/minio/health/cluster",
      timeoutMs: 60_000,
      // A node that has just come back answers /minio/health/cluster 200 before it sees its peers, and
      // meanwhile says NotFound for objects written while it was down and drops parts (3 of 4 restarts
      // here; none after 2 s of 200s).
      settleMs: 2_000,
    });
    return { endpoint, dataDir: n.dataDir, ...server };
  });
  const started = await Promise.allSettled(processes.map((p) => p.start()));
  const failed = started.find((s) => s.status === "rejected");
  if (failed) {
    await Promise.all(processes.map((p) => p.stop({ hard: true })));
    if (!options.dir) rmSync(dir, { recursive: true, force: true });
    throw (failed as PromiseRejectedResult).reason;
  }
  return {
    nodes: processes,
    accessKey: credentials.accessKey,
    secretKey: credentials.secretKey,
    dispose: async () => {
      await Promise.all(processes.map((p) => p.stop({ hard: true })));
      for (const n of processes) rmSync(n.dataDir, { recursive: true, force: true });
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `count` free ports, none twice (freePort alone may hand out the same one again). */
export async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/**
 * MinIO's incomplete multipart uploads, read from a drive: `<object hash>/<upload id>`. MinIO lists
 * incomplete uploads only for an exact object key, and the key of an upload cut off by a crash may be
 * unknown, so tests look at the drive, where each one is `.minio.sys/multipart/<object hash>/<upload id>/`.
 */
export function incompleteUploads(minioDataDir: string): string[] {
  const root = join(minioDataDir, ".minio.sys", "multipart");
  return listDir(root).flatMap((object) => listDir(join(root, object)).map((upload) => `${object}/${upload}`));
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
