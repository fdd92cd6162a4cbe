import { randomBytes } from "node:crypto";
import postgres from "postgres";

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** URL of a database on the server where test databases may be created. */
export function adminUrl(): string {
  return process.env.PARLEY_TEST_PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
}

/**
 * Creates a fresh, uniquely named PostgreSQL database for one test run. Fails loudly (never
 * skips) when PostgreSQL is unreachable.
 */
export async function createTestDatabase(prefix = "parley_test"): Promise<TestDatabase> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const admin = postgres(adminUrl(), { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    await admin.unsafe(`create database "${name}"`);
  } catch (error) {
    await admin.end({ timeout: 1 });
    throw new Error(
      `PostgreSQL is required for these tests and is unreachable at ${adminUrl()} ` +
        "(set PARLEY_TEST_PG_ADMIN_URL to a server where databases may be created).",
      { cause: error },
    );
  }
  await admin.end({ timeout: 1 });
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      const a = postgres(adminUrl(), { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists "${name}" with (force)`);
      await a.end({ timeout: 1 });
    },
  };
}
