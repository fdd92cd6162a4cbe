import type { Database } from "./client.ts";

/**
 * A hot query written once as SQL text with $1… parameters: no query builder runs per call, and on
 * PostgreSQL it is a named prepared statement (parsed and planned once per connection). Parameters
 * go as text or numbers (cast in the SQL: `$2::timestamptz`, `$3::jsonb`, `$1::uuid[]`); rows come
 * back as the driver gives them (timestamps as text from postgres.js, Dates from PGlite: map them
 * with `toDate`). Outside transactions only (a transaction's statements stay on drizzle's `tx`).
 */
export interface Statement<R> {
  readonly text: string;
  run(db: Database, params: readonly unknown[]): Promise<R[]>;
}

type PostgresJs = { unsafe(text: string, params: unknown[], options: { prepare: boolean }): Promise<unknown[]> };
type PGliteClient = { query(text: string, params: unknown[]): Promise<{ rows: unknown[] }> };

/** The one place that knows how each driver runs raw text (drizzle keeps its client as `$client`). */
function runner(db: Database): (text: string, params: unknown[]) => Promise<unknown[]> {
  const client = (db as unknown as { $client?: PostgresJs | PGliteClient }).$client;
  if (client && "unsafe" in client && typeof client.unsafe === "function")
    return (text, params) => client.unsafe(text, params, { prepare: true });
  if (client && "query" in client && typeof client.query === "function")
    return async (text, params) => (await client.query(text, params)).rows;
  throw new Error("statement(): a database opened with openDatabase() is needed (no driver client found).");
}

const runners = new WeakMap<object, (text: string, params: unknown[]) => Promise<unknown[]>>();

export function statement<R>(text: string): Statement<R> {
  return {
    text,
    run(db, params) {
      let run = runners.get(db);
      if (!run) runners.set(db, (run = runner(db)));
      return run(text, params as unknown[]) as Promise<R[]>;
    },
  };
}

/** A timestamp as either driver returns it (postgres.js: text, as drizzle configures it; PGlite: a Date). */
export const toDate = (value: unknown): Date => (value instanceof Date ? value : new Date(value as string));
