// graphql-transport-ws test client (what partners' graphql-ws clients speak).
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";

export function wsClient(httpUrl: string, token: string | null): Client {
  return createClient({
    url: `${httpUrl.replace(/^http/, "ws")}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
  });
}

export interface Collected<T> {
  items: T[];
  errors: unknown[];
  done: Promise<void>;
  /** Resolves once `n` items have arrived (or rejects after `ms`). */
  waitFor(n: number, ms?: number): Promise<T[]>;
  /** Resolves once the server has acknowledged the subscription (an item or a short settle). */
  stop(): void;
}

/** Subscribes and collects every `next` payload's data. */
export function collect<T>(client: Client, query: string, variables: Record<string, unknown>): Collected<T> {
  const items: T[] = [];
  const errors: unknown[] = [];
  let notify: (() => void) | undefined;
  let unsubscribe = () => {};
  const done = new Promise<void>((resolve) => {
    unsubscribe = client.subscribe<T>(
      { query, variables },
      {
        next: (v) => {
          if (v.errors) errors.push(...v.errors);
          if (v.data) items.push(v.data as T);
          notify?.();
        },
        error: (e) => {
          errors.push(e);
          notify?.();
          resolve();
        },
        complete: () => {
          notify?.();
          resolve();
        },
      },
    );
  });
  return {
    items,
    errors,
    done,
    stop: () => unsubscribe(),
    waitFor: async (n, ms = 10_000) => {
      const deadline = Date.now() + ms;
      while (items.length < n) {
        if (Date.now() > deadline)
          throw new Error(`waited ${ms} ms for ${n} events, got ${items.length}: ${JSON.stringify(errors)}`);
        await new Promise<void>((r) => {
          notify = r;
          setTimeout(r, 100);
        });
      }
      return items;
    },
  };
}

/** Gives a fresh subscription time to register before events are produced. */
export const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));
