// Live-events test support: clients with a WebSocket and collected events (the TCP proxy in front of
// a server is testkit's tcpProxy).
import { createClient, type ClientOptions, type Message, type ParleyClient, type ParleyError } from "../src/index.ts";
import { WebSocket } from "../src/node.ts";
import type { TestServer } from "./support.ts";

/** A client for `identity` on `url` (default: the test server), with Node 20's WebSocket. */
export async function liveClient(
  t: TestServer,
  identity: string,
  options: Partial<ClientOptions> = {},
): Promise<ParleyClient> {
  return createClient({
    url: t.url,
    token: await t.token(identity),
    webSocketImpl: WebSocket,
    reconnect: { minDelayMs: 100, maxDelayMs: 1000 },
    ...options,
  });
}

export interface Collector<T> {
  items: T[];
  handler: (item: T) => void;
  /** Resolves with the items once there are `n` of them (rejects after `ms`). */
  waitFor(n: number, ms?: number): Promise<T[]>;
}

export function collector<T>(): Collector<T> {
  const items: T[] = [];
  const waiters = new Set<() => void>();
  return {
    items,
    handler: (item) => {
      items.push(item);
      for (const wake of [...waiters]) wake();
    },
    waitFor: (n, ms = 15_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (items.length < n) return false;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(items);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`waited ${ms} ms for ${n} events, got ${items.length}`));
        }, ms);
        if (!check()) waiters.add(check);
      }),
  };
}

/** Indexes seen by a messageAdded collector. */
export const indexesOf = (c: Collector<Message>) => c.items.map((m) => m.index);
export const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/** Resolves with the first error reported to a conversation's `error` handler. */
export function firstError(register: (handler: (error: ParleyError) => void) => unknown): Promise<ParleyError> {
  return new Promise((resolve) => register(resolve));
}
