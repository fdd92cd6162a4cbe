// Shared test support: a real Parley (port 0, PostgreSQL, MinIO; testkit's harness with the server's
// startParley) and clients speaking HTTP to it.
import { createHash } from "node:crypto";
import { loadConfig, startParley } from "@parley/server";
import { startTestServer as startWith, type TestServer, type TestServerOptions } from "@parley/testkit";
import { createClient, type ClientOptions, type FetchLike, type ParleyClient } from "../src/index.ts";

export type { TestServer };

export const startTestServer = (options: TestServerOptions = {}): Promise<TestServer> =>
  startWith((env) => startParley(loadConfig(env)), options);

export const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** Deterministic pseudo-random bytes (incompressible, not sniffable as any format). */
export function bytesOf(size: number, seed = 1): Buffer<ArrayBuffer> {
  const out = Buffer.alloc(size) as Buffer<ArrayBuffer>;
  let x = seed * 2654435761;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** A fetch that records every request it passes on (method, content type, body kind). */
export function countingFetch(): FetchLike & {
  calls: { url: string; contentType: string | null; operation: string | null }[];
} {
  const calls: { url: string; contentType: string | null; operation: string | null }[] = [];
  const wrapped = (async (input: string, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    let operation: string | null = null;
    if (typeof init?.body === "string")
      operation = (JSON.parse(init.body) as { operationName?: string }).operationName ?? null;
    calls.push({ url: input, contentType: headers.get("content-type"), operation });
    return fetch(input, init);
  }) as FetchLike & { calls: typeof calls };
  wrapped.calls = calls;
  return wrapped;
}

export async function clientFor(
  t: TestServer,
  identity: string,
  options: Partial<ClientOptions> = {},
): Promise<ParleyClient> {
  return createClient({ url: t.url, token: await t.token(identity), ...options });
}

export { eventually } from "@parley/testkit";

export async function download(url: string): Promise<{ status: number; bytes: Buffer; contentType: string | null }> {
  const res = await fetch(url);
  return {
    status: res.status,
    bytes: Buffer.from(await res.arrayBuffer()),
    contentType: res.headers.get("content-type"),
  };
}

export type { TestServerOptions };
