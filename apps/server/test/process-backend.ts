// Environment and inspection tools for a Parley that runs as a child process (@parley/testkit's startServerProcess):
// its database and storage, seen from outside, so a test can look at what a crash left behind.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SignJWT } from "jose";
import { inject } from "vitest";
import {
  createTestDatabase,
  incompleteUploads,
  type TestDatabase,
  eventually as poll,
  startServerProcess,
} from "@parley/testkit";
import { loadConfig } from "../src/config.ts";
import { storeFromConfig } from "../src/store-from-config.ts";
import { UPLOAD_DIR_MARKER, UPLOAD_DIR_PREFIX } from "../src/upload-tmp-dir.ts";
import type { Backend } from "./harness.ts";

export interface ProcessBackend {
  backend: Backend;
  /** Environment for startServerProcess (database, storage, secret, UPLOAD_TMP_DIR). */
  env: Record<string, string>;
  /** UPLOAD_TMP_DIR: the server buffers uploads in a directory of its own inside it. */
  uploadTmpDir: string;
  /** graphql-upload's buffer files in the servers' own directories, as `<dir>/<file>`. */
  uploadBuffers(): string[];
  /** A token the server accepts. */
  token(identity: string): Promise<string>;
  /** Keys stored under `prefix`, listed through the same ObjectStore the server uses. */
  objects(prefix: string): Promise<string[]>;
  /**
   * Uploads that were started and never finished: MinIO's incomplete multipart uploads, or the disk
   * store's temporary part files and upload session directories.
   */
  partialUploads(): Promise<string[]>;
  cleanup(): Promise<void>;
}

/**
 * MinIO lists incomplete multipart uploads only for an exact object key, and the key of an upload
 * cut off by a crash is unknown (its media id was never committed); so partial uploads are read
 * from MinIO's data directory, where each one is `.minio.sys/multipart/<object hash>/<upload id>/`.
 * Pass a MinIO of the test's own so no other test's uploads show up there.
 */
export async function processBackend(
  backend: Backend,
  minio?: { endpoint: string; accessKey: string; secretKey: string; dataDir: string },
): Promise<ProcessBackend> {
  const secret = randomBytes(32).toString("hex");
  const scratch = mkdtempSync(join(tmpdir(), "parley-proc-"));
  const uploadTmpDir = join(scratch, "upload-tmp");
  const env: Record<string, string> = { AUTH_JWT_SECRET: secret, UPLOAD_TMP_DIR: uploadTmpDir, HOST: "127.0.0.1" };
  let database: TestDatabase | undefined;
  let minioDataDir: string | undefined;
  if (backend === "services") {
    const m =
      minio ??
      (inject("minio" as never) as { endpoint: string; accessKey: string; secretKey: string; dataDir: string });
    minioDataDir = m.dataDir;
    database = await createTestDatabase("parley_proc");
    Object.assign(env, {
      DATABASE_URL: database.url,
      S3_ENDPOINT: m.endpoint,
      S3_ACCESS_KEY: m.accessKey,
      S3_SECRET_KEY: m.secretKey,
      S3_BUCKET: `parley-proc-${randomBytes(4).toString("hex")}`,
    });
  } else {
    env.DATA_DIR = join(scratch, "data");
  }
  const config = loadConfig({ ...env, NODE_ENV: "test" });
  const key = new TextEncoder().encode(secret);

  return {
    backend,
    env,
    uploadTmpDir,
    uploadBuffers: () =>
      listDir(uploadTmpDir)
        .filter((d) => d.startsWith(UPLOAD_DIR_PREFIX))
        .flatMap((d) =>
          listDir(join(uploadTmpDir, d))
            .filter((f) => f !== UPLOAD_DIR_MARKER)
            .map((f) => `${d}/${f}`),
        ),
    token: (identity) =>
      new SignJWT({})
        .setProtectedHeader({ alg: "HS256" })
        .setSubject(identity)
        .setIssuedAt()
        .setExpirationTime("1h")
        .sign(key),
    async objects(prefix) {
      // Opened per call: the embedded store's key files exist only once the server has started.
      const store = await storeFromConfig(config, "http://127.0.0.1:1");
      return (await store.list(prefix)).map((o) => o.key).sort();
    },
    async partialUploads() {
      if (minioDataDir !== undefined) return incompleteUploads(minioDataDir);
      // Temporary parts of puts, and upload sessions' directories (their parts, in-flight ones included).
      const media = join(env.DATA_DIR!, "media");
      return [...listDir(join(media, ".tmp")), ...listDir(join(media, ".uploads")).map((d) => `.uploads/${d}`)];
    },
    async cleanup() {
      await database?.drop();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/** MinIO's incomplete multipart uploads, from its data directory (testkit's, shared with the cluster test). */
export { incompleteUploads };

/** Names in `dir`; none when it does not exist. */
export function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** POSTs a JSON GraphQL request to a server process. */
export async function gqlAt<T = Record<string, unknown>>(
  url: string,
  token: string | null,
  query: string,
  variables?: Record<string, unknown>,
) {
  const res = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return {
    status: res.status,
    ...((await res.json()) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] }),
  };
}

/** Polls `check` until it passes (conditions that settle after a crash or a restart). */
/** eventually() with the longer default these process-level tests need. */
export const eventually = <T>(check: () => Promise<T>, ms = 15_000, everyMs = 100): Promise<T> =>
  poll(check, ms, everyMs);

/** The real entry point as a child process (see startServerProcess). */
export const startServer = startServerProcess;
