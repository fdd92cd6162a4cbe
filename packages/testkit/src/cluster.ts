// A production-shaped Parley on one machine: distributed MinIO, PostgreSQL, several API instances and
// nginx in front. The one implementation of "start a cluster", used by scripts/cluster.sh and the cluster
// fault test.
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SignJWT } from "jose";
import { distinctFreePorts, startMinioCluster, type MinioCluster, type MinioNode } from "./minio.ts";
import { startNginx, type Nginx } from "./nginx.ts";
import { parleyInstance, type ParleyInstance } from "./parley-process.ts";
import { createTestDatabase, type TestDatabase } from "./postgres.ts";

export interface ClusterOptions {
  /** API instances behind nginx (2 by default). */
  instances?: number;
  /** MinIO server processes, one drive each (4 by default). */
  minioNodes?: number;
  /** nginx's API and S3 ports (free ones by default). */
  apiPort?: number;
  s3Port?: number;
  /** More environment for every instance (e.g. sweeper timings), over the cluster's own. */
  env?: Record<string, string>;
  /** Where drives, logs and nginx's files go (a new temporary directory by default, removed by close()). */
  dir?: string;
  /** Progress lines while starting. */
  log?: (line: string) => void;
}

export interface Cluster {
  /** nginx: the API (HTTP and WebSocket) for clients. */
  url: string;
  /** nginx: S3 over the MinIO nodes; the instances use it and temporary URLs point at it. */
  s3Url: string;
  dir: string;
  database: TestDatabase;
  bucket: string;
  minio: MinioCluster;
  instances: ParleyInstance[];
  nginx: Nginx;
  /** The environment every instance runs with (PORT aside): the cluster's database, storage and secret. */
  env: Record<string, string>;
  /**
   * Starts a stopped MinIO node again, out of nginx's rotation until it has reported the cluster healthy
   * for 2 s (a node that has just come back gives wrong answers meanwhile; see startMinioCluster) and,
   * when given, `ready(endpoint)` has said true (e.g. it serves objects written while it was down: under
   * load a node can still answer NoSuchKey for those after its 2 s). Gives up after 60 s.
   */
  restartMinioNode(node: MinioNode, ready?: (endpoint: string) => Promise<boolean>): Promise<void>;
  /** A token the instances accept (HS256 with the cluster's AUTH_JWT_SECRET, `sub` = identity). */
  token(identity: string, ttlSeconds?: number): Promise<string>;
  /** Stops nginx, the instances (SIGTERM) and MinIO, drops the database and removes `dir` if it made it. */
  close(): Promise<void>;
}

const MEDIA_MAX_TOTAL_BYTES = 157_286_400;

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const log = options.log ?? (() => {});
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "parley-cluster-"));
  // Traversable (not listable) by nginx's workers, which run as `nobody` when nginx starts as root.
  if (!options.dir) chmodSync(dir, 0o711);
  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async () => {
    const errors: unknown[] = [];
    for (const undo of cleanups.splice(0).reverse()) await undo().catch((e: unknown) => errors.push(e));
    if (!options.dir) rmSync(dir, { recursive: true, force: true });
    if (errors.length) throw new AggregateError(errors, "the cluster did not stop cleanly");
  };
  try {
    const database = await createTestDatabase("parley_cluster");
    cleanups.push(() => database.drop());
    log(`PostgreSQL: database ${database.name}`);

    const minio = await startMinioCluster({ nodes: options.minioNodes ?? 4, dir: join(dir, "minio") });
    cleanups.push(() => minio.dispose());
    log(`MinIO: ${minio.nodes.length} nodes, erasure-coded (${minio.nodes.map((n) => n.endpoint).join(", ")})`);

    const count = options.instances ?? 2;
    const [apiPort, s3Port, ...ports] = await distinctFreePorts(2 * count + 2);
    const instancePorts = ports.slice(0, count);
    const metricsPorts = ports.slice(count);
    const nginx = await startNginx({
      dir: join(dir, "nginx"),
      apiPort: options.apiPort ?? apiPort!,
      api: instancePorts.map((p) => `127.0.0.1:${p}`),
      s3Port: options.s3Port ?? s3Port!,
      s3: minio.nodes.map((n) => new URL(n.endpoint).host),
      maxBodyBytes: Number(options.env?.MEDIA_MAX_TOTAL_BYTES ?? MEDIA_MAX_TOTAL_BYTES),
    });
    cleanups.push(() => nginx.stop());
    log(`nginx: API ${nginx.url}, S3 ${nginx.s3Url}`);

    const secret = randomBytes(32).toString("hex");
    const bucket = "parley-media";
    const env: Record<string, string> = {
      NODE_ENV: "production",
      LOG_LEVEL: "info",
      AUTH_JWT_SECRET: secret,
      DATABASE_URL: database.url,
      S3_ENDPOINT: nginx.s3Url!,
      S3_ACCESS_KEY: minio.accessKey,
      S3_SECRET_KEY: minio.secretKey,
      S3_BUCKET: bucket,
      ...options.env,
    };
    mkdirSync(join(dir, "logs"), { recursive: true });
    const instances = instancePorts.map((port, i) =>
      parleyInstance({
        name: `parley-${i + 1}`,
        port,
        metricsPort: metricsPorts[i],
        env: { ...env, DATA_DIR: join(dir, `parley-${i + 1}`) },
        logFile: join(dir, "logs", `parley-${i + 1}.log`),
      }),
    );
    cleanups.push(async () => {
      await Promise.all(instances.map((p) => p.stop("SIGTERM")));
    });
    await Promise.all(instances.map((p) => p.start()));
    log(`Parley: ${instances.map((p) => `${p.name} ${p.url} (metrics ${p.metricsUrl})`).join(", ")}`);

    const key = new TextEncoder().encode(secret);
    let closing: Promise<void> | undefined;
    return {
      url: nginx.url,
      s3Url: nginx.s3Url!,
      dir,
      database,
      bucket,
      minio,
      instances,
      nginx,
      env,
      restartMinioNode: async (node, ready) => {
        const address = new URL(node.endpoint).host;
        await nginx.setDown(address, true);
        await node.start();
        const deadline = Date.now() + 60_000;
        while (ready && !(await ready(node.endpoint).catch(() => false))) {
          if (Date.now() > deadline) throw new Error(`MinIO node ${address} was not ready within 60 s of its restart`);
          await new Promise((r) => setTimeout(r, 200));
        }
        await nginx.setDown(address, false);
      },
      token: (identity, ttlSeconds = 3600) =>
        new SignJWT({})
          .setProtectedHeader({ alg: "HS256" })
          .setSubject(identity)
          .setIssuedAt()
          .setExpirationTime(`${ttlSeconds}s`)
          .sign(key),
      close: () => (closing ??= cleanup()),
    };
  } catch (error) {
    await cleanup().catch(() => {});
    throw error;
  }
}
