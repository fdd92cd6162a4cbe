import { existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import * as schema from "./schema.ts";

export type Schema = typeof schema;
/** The drizzle database, whichever driver runs underneath. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

export interface DbHandle {
  db: Database;
  driver: "postgres" | "pglite";
  /** Round trip to the database; throws when it is unreachable. */
  ping(): Promise<void>;
  /**
   * LISTENs on `channel` (payloads sent with pg_notify, delivered after commit, in commit order);
   * resolves once listening, with a function that stops it. Works across processes on PostgreSQL
   * and within the process on PGlite.
   */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  /**
   * PGlite only: raw SQL for a library that brings its own (the job queue), on the one embedded
   * connection. Text without values may hold several statements. With PostgreSQL such a library
   * connects with the URL instead.
   */
  executeSql?(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
  close(): Promise<void>;
}

export type DbOptions =
  | { url: string; poolMax?: number; onQuery?: (sql: string) => void }
  | { dataDir: string; onQuery?: (sql: string) => void };

// Beside the package's source, or beside a bundle that copied them (apps/server's build).
const migrationsFolder = [new URL("../migrations", import.meta.url), new URL("./migrations", import.meta.url)]
  .map((u) => fileURLToPath(u))
  .find((dir) => existsSync(`${dir}/meta/_journal.json`))!;

// Several API instances may start at once; one migrates, the others wait on this lock.
const MIGRATION_LOCK = 7_240_311;

/** 50 ms, 100 ms, 200 ms … capped at 1 s per attempt (the count resets once a connection succeeds). */
export const reconnectDelaySeconds = (retries: number): number => Math.min(0.05 * 2 ** retries, 1);

/**
 * Opens the database chosen by configuration (postgres.js for a URL, PGlite for a data
 * directory) and applies the committed migrations.
 */
export async function openDatabase(options: DbOptions): Promise<DbHandle> {
  const logger = options.onQuery ? { logQuery: (q: string) => options.onQuery?.(q) } : undefined;
  if ("url" in options) {
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const { migrate } = await import("drizzle-orm/postgres-js/migrator");
    const client = postgres(options.url, {
      max: options.poolMax ?? 10,
      onnotice: () => {},
      connect_timeout: 10,
      // Reconnect delay after failed attempts. postgres.js's default grows to 20 s, and queries
      // queued while the database is down fail one per attempt: capped at 1 s, queued queries fail
      // within seconds of an outage, and service resumes as fast after it.
      backoff: reconnectDelaySeconds,
    });
    const db = drizzle(client, { schema, logger });
    // A session-level lock on its own connection, held while the pool migrates.
    const lock = postgres(options.url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
    try {
      await lock`select pg_advisory_lock(${MIGRATION_LOCK})`;
      await migrate(db, { migrationsFolder });
    } catch (error) {
      await client.end({ timeout: 1 });
      throw error;
    } finally {
      await lock.end({ timeout: 1 });
    }
    return {
      db: db as unknown as Database,
      driver: "postgres",
      ping: async () => {
        await client`select 1`;
      },
      listen: async (channel, onPayload) => {
        // postgres.js keeps one dedicated connection for LISTEN and re-listens after reconnecting.
        const { unlisten } = await client.listen(channel, onPayload);
        return unlisten;
      },
      close: () => client.end({ timeout: 5 }),
    };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  mkdirSync(options.dataDir, { recursive: true });
  const client = await PGlite.create(options.dataDir);
  const db = drizzle(client, { schema, logger });
  await migrate(db, { migrationsFolder });
  return {
    db: db as unknown as Database,
    driver: "pglite",
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    listen: async (channel, onPayload) => client.listen(channel, onPayload),
    executeSql: async (text, values) => {
      if (values && values.length > 0) return { rows: (await client.query(text, values)).rows };
      const results = await client.exec(text);
      return { rows: results.at(-1)?.rows ?? [] };
    },
    close: () => client.close(),
  };
}

/**
 * The rows of `db.execute()`: postgres.js answers an array of rows, PGlite an object with `rows`.
 * The one place that knows the drivers' shapes.
 */
export function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows?: T[] }).rows ?? []);
}
