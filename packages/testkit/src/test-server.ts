// A real Parley in the test's own process, on port 0, over a fresh PostgreSQL database and a private
// MinIO bucket (or the embedded PGlite + disk store), with what tests assert through: tokens, SQL,
// the bucket's keys, a sweep. The caller passes the server's own start (`startParley(loadConfig(env))`
// from @parley/server), so testkit does not depend on the server it tests (the server's tests use
// testkit). In process because some assertions need it: SQL on the embedded PGlite, which no other
// process can open, and sweeps run with a shifted clock.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql as drizzleSql, type SQL } from "drizzle-orm";
import { inject } from "vitest";
import { createTestDatabase, type TestDatabase } from "./postgres.ts";

/** What the harness uses of a started server (`Parley` of @parley/server has it all). */
export interface InProcessParley {
  url: string;
  tokens: { issue(identity: string, ttlSeconds?: number): Promise<string> };
  db: { db: { execute(query: SQL): PromiseLike<unknown> } };
  store: { list(prefix: string): Promise<{ key: string }[]> };
  services: { media: { sweep(graceMs: number): Promise<unknown>; isPreviewKey(key: string): boolean } };
  close(): Promise<void>;
}

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

export interface TestServer<P extends InProcessParley = InProcessParley> {
  parley: P;
  url: string;
  graphqlUrl: string;
  /** A token for `identity` signed with the server's secret. */
  token(identity: string, ttlSeconds?: number): Promise<string>;
  /** POSTs a JSON GraphQL request as `identity` (or anonymously with null). */
  gql<T = Record<string, unknown>>(
    identity: string | null,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLResponse<T>>;
  /** Direct SQL on the server's database (either driver), for asserting rows. */
  sql(strings: TemplateStringsArray, ...values: unknown[]): Promise<Record<string, unknown>[]>;
  /** Which backends this server runs on. */
  backend: Backend;
  /** Where the storage keeps its bytes on disk (MinIO's data dir, or the embedded store's). */
  storageDir: string;
  /**
   * Keys in the server's bucket: the originals, or with `{ previews: true }` every key. Previews
   * are made by a background job on their own schedule, so a count of what a send stored would
   * race with them.
   */
  objects(prefix?: string, options?: { previews?: boolean }): Promise<string[]>;
  /** One orphan sweep over the server's database and store, as its scheduler runs it. */
  sweep(graceMs: number): ReturnType<P["services"]["media"]["sweep"]>;
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * `services`: PostgreSQL + MinIO (production shape). `embedded`: PGlite + the encrypted disk store
 * (the zero-dependency default). A test run picks one with PARLEY_TEST_BACKEND (the server's
 * vitest.config.ts runs its files under both).
 */
export type Backend = "services" | "embedded";
export const backend: Backend = process.env.PARLEY_TEST_BACKEND === "embedded" ? "embedded" : "services";

export interface TestServerOptions {
  backend?: Backend;
  env?: Record<string, string>;
  /** Use this MinIO instead of the run's shared one (tests that stop it). */
  minio?: { endpoint: string; accessKey: string; secretKey: string; dataDir?: string };
  /** Reuse a database (several servers on one database). */
  database?: TestDatabase;
}

export async function startTestServer<P extends InProcessParley>(
  start: (env: Record<string, string>) => Promise<P>,
  options: TestServerOptions = {},
): Promise<TestServer<P>> {
  const mode = options.minio ? "services" : (options.backend ?? backend);
  const base: Record<string, string> = {
    NODE_ENV: "test",
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: process.env.PARLEY_TEST_LOG ?? "silent",
    AUTH_JWT_SECRET: randomBytes(32).toString("hex"),
  };
  let database: TestDatabase | undefined;
  let dataDir: string | undefined;
  let storageDir: string;
  if (mode === "services") {
    const minio = options.minio ?? inject("minio");
    database = options.database ?? (await createTestDatabase("parley_test"));
    storageDir = minio.dataDir ?? "";
    Object.assign(base, {
      DATABASE_URL: database.url,
      S3_ENDPOINT: minio.endpoint,
      S3_ACCESS_KEY: minio.accessKey,
      S3_SECRET_KEY: minio.secretKey,
      S3_BUCKET: `parley-test-${randomBytes(4).toString("hex")}`,
    });
  } else {
    dataDir = mkdtempSync(join(tmpdir(), "parley-embedded-"));
    storageDir = join(dataDir, "media");
    base.DATA_DIR = dataDir;
  }
  const env: Record<string, string> = { ...base, ...options.env };
  const parley = await start(env);
  const sql = async (strings: TemplateStringsArray, ...values: unknown[]) => {
    const result = (await parley.db.db.execute(drizzleSql(strings, ...values))) as unknown;
    return (Array.isArray(result) ? result : (result as { rows: Record<string, unknown>[] }).rows) as Record<
      string,
      unknown
    >[];
  };
  const graphqlUrl = `${parley.url}/graphql`;
  const tokens = new Map<string, string>();
  const token = async (identity: string, ttl?: number) => {
    if (ttl !== undefined) return parley.tokens.issue(identity, ttl);
    let t = tokens.get(identity);
    if (!t) tokens.set(identity, (t = await parley.tokens.issue(identity)));
    return t;
  };
  return {
    parley,
    url: parley.url,
    graphqlUrl,
    token,
    env,
    sql,
    backend: mode,
    storageDir,
    async gql(identity, query, variables) {
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (identity !== null) headers.authorization = `Bearer ${await token(identity)}`;
      const res = await fetch(graphqlUrl, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
      const json = (await res.json()) as Omit<GraphQLResponse, "status">;
      return { status: res.status, ...json } as GraphQLResponse<never>;
    },
    async objects(prefix = "", options = {}) {
      const keys = (await parley.store.list(prefix)).map((o) => o.key).sort();
      return options.previews ? keys : keys.filter((k) => !parley.services.media.isPreviewKey(k));
    },
    sweep: (graceMs) => parley.services.media.sweep(graceMs) as ReturnType<P["services"]["media"]["sweep"]>,
    async close() {
      await parley.close();
      if (database && !options.database) await database.drop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The contract error code of the first error, for terse assertions. */
export const codeOf = (res: Pick<GraphQLResponse<unknown>, "errors">): string | undefined =>
  res.errors?.[0]?.extensions?.code;
