// Test harness: a real Parley on port 0 over a fresh PostgreSQL database and a private MinIO bucket.
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { inject } from "vitest";
import { createTestDatabase, type TestDatabase } from "@parley/testkit";
import { startParley, type Parley } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

export interface TestServer {
  parley: Parley;
  url: string;
  graphqlUrl: string;
  /** A token for `identity` signed with the server's secret. */
  token(identity: string, ttlSeconds?: number): Promise<string>;
  /** POSTs a JSON GraphQL request as `identity` (or anonymously with null). */
  gql<T = Record<string, unknown>>(identity: string | null, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /** Direct SQL on the server's database, for asserting rows. */
  sql: postgres.Sql;
  /** Keys in the server's bucket. */
  objects(prefix?: string): Promise<string[]>;
  env: Record<string, string>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  env?: Record<string, string>;
  /** Use this MinIO instead of the run's shared one (tests that stop it). */
  minio?: { endpoint: string; accessKey: string; secretKey: string };
  /** Reuse a database (several servers on one database). */
  database?: TestDatabase;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const minio = options.minio ?? inject("minio");
  const database = options.database ?? (await createTestDatabase("parley_test"));
  const env: Record<string, string> = {
    NODE_ENV: "test",
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: process.env.PARLEY_TEST_LOG ?? "silent",
    DATABASE_URL: database.url,
    S3_ENDPOINT: minio.endpoint,
    S3_ACCESS_KEY: minio.accessKey,
    S3_SECRET_KEY: minio.secretKey,
    S3_BUCKET: `parley-test-${randomBytes(4).toString("hex")}`,
    AUTH_JWT_SECRET: randomBytes(32).toString("hex"),
    ...options.env,
  };
  const parley = await startParley(loadConfig(env));
  const sql = postgres(database.url, { max: 2, onnotice: () => {} });
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
    async gql(identity, query, variables) {
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (identity !== null) headers.authorization = `Bearer ${await token(identity)}`;
      const res = await fetch(graphqlUrl, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
      const json = (await res.json()) as Omit<GraphQLResponse, "status">;
      return { status: res.status, ...json } as GraphQLResponse<never>;
    },
    async objects(prefix = "") {
      return (await parley.store.list(prefix)).map((o) => o.key).sort();
    },
    async close() {
      await parley.close();
      await sql.end({ timeout: 1 });
      if (!options.database) await database.drop();
    },
  };
}

/** The contract error code of the first error, for terse assertions. */
export const codeOf = (res: Pick<GraphQLResponse<unknown>, "errors">): string | undefined => res.errors?.[0]?.extensions?.code;
