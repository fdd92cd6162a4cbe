import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SignJWT } from "jose";
import postgres from "postgres";
import { createTestDatabase, startMinio, type MinioServer, type TestDatabase } from "@parley/testkit";
import { startServer, type ServerEnv, type ServerProcess } from "./server-process.ts";

/** The server's pool size (DATABASE_POOL_MAX); the direct-SQL ceilings use the same. */
export const POOL_MAX = 10;

export interface BenchEnvironment {
  minio: MinioServer;
  database: TestDatabase;
  serverEnv: ServerEnv;
  /** A postgres.js pool on the bench database, sized like the server's. */
  sql: postgres.Sql;
  token(identity: string): Promise<string>;
  startServer(options?: {
    nodeFlags?: string[];
    databaseUrl?: string;
    extraEnv?: Record<string, string>;
  }): Promise<ServerProcess>;
  dispose(): Promise<void>;
}

/** Real MinIO (with a KMS key, so SSE-S3 happens) and a fresh PostgreSQL database, as in the tests. */
export async function createEnvironment(): Promise<BenchEnvironment> {
  const minio = await startMinio();
  let database: TestDatabase;
  try {
    database = await createTestDatabase("parley_bench");
  } catch (error) {
    await minio.dispose();
    throw error;
  }
  const serverEnv: ServerEnv = {
    databaseUrl: database.url,
    minio: { endpoint: minio.endpoint, accessKey: minio.accessKey, secretKey: minio.secretKey },
    bucket: `parley-bench-${randomBytes(4).toString("hex")}`,
    jwtSecret: randomBytes(32).toString("hex"),
    poolMax: POOL_MAX,
    dataDir: mkdtempSync(join(tmpdir(), "parley-bench-data-")),
  };
  const secret = new TextEncoder().encode(serverEnv.jwtSecret);
  const tokens = new Map<string, string>();
  const sql = postgres(database.url, { max: POOL_MAX, onnotice: () => {}, connect_timeout: 10 });
  const servers = new Set<ServerProcess>();
  return {
    minio,
    database,
    serverEnv,
    sql,
    async token(identity) {
      let t = tokens.get(identity);
      if (!t) {
        // The server's format: HS256 with AUTH_JWT_SECRET, sub = identity, exp required.
        t = await new SignJWT({})
          .setProtectedHeader({ alg: "HS256", typ: "JWT" })
          .setSubject(identity)
          .setIssuedAt()
          .setExpirationTime("6h")
          .sign(secret);
        tokens.set(identity, t);
      }
      return t;
    },
    async startServer(options = {}) {
      const server = await startServer(
        { ...serverEnv, databaseUrl: options.databaseUrl ?? serverEnv.databaseUrl },
        { nodeFlags: options.nodeFlags, extraEnv: options.extraEnv },
      );
      servers.add(server);
      const stop = server.stop.bind(server);
      server.stop = async () => {
        servers.delete(server);
        await stop();
      };
      return server;
    },
    async dispose() {
      for (const s of [...servers]) await s.stop().catch(() => {});
      await sql.end({ timeout: 2 }).catch(() => {});
      await database.drop().catch(() => {});
      await minio.dispose().catch(() => {});
      rmSync(serverEnv.dataDir, { recursive: true, force: true });
    },
  };
}

export interface GraphQLResult<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** One JSON GraphQL request; throws on any error so fixtures never silently go wrong. */
export async function gql<T>(
  graphqlUrl: string,
  token: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<T> {
  const res = await fetch(graphqlUrl, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const json = (await res.json()) as GraphQLResult<T>;
  if (json.errors?.length || !json.data) {
    throw new Error(`GraphQL request failed (${res.status}): ${JSON.stringify(json.errors ?? json)}`);
  }
  return json.data;
}

export async function createConversation(
  graphqlUrl: string,
  token: string,
  participants: string[] = [],
): Promise<string> {
  const data = await gql<{ createConversation: { id: string } }>(
    graphqlUrl,
    token,
    `mutation($input: CreateConversationInput!) { createConversation(input: $input) { id } }`,
    { input: { participants } },
  );
  return data.createConversation.id;
}
