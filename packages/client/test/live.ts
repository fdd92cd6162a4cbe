// Live-events test support: clients with a WebSocket, collected events, and a TCP proxy that can
// drop every connection, refuse new ones and be pointed at a restarted server (same URL).
import { connect, createServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
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

export interface TcpProxy {
  /** http://127.0.0.1:<port>: give this to the client as its URL. */
  url: string;
  /** Points new connections at another port (a restarted server). */
  setTarget(port: number): void;
  /** Destroys every open connection, both sides (a dropped network). */
  cut(): number;
  /** While true, new connections are accepted and dropped at once (a server that is down). */
  refuse(on: boolean): void;
  /**
   * Open WebSocket connections stop carrying bytes, both ways, and stay open: no FIN, no RST
   * (a NAT or a network that silently lost them). New connections work.
   */
  blackholeWebSockets(): number;
  /**
   * While true, new WebSocket upgrade requests are accepted over TCP and never answered (a server
   * or middlebox that hangs); plain HTTP still passes.
   */
  hangUpgrades(on: boolean): void;
  /** WebSocket upgrade requests seen so far. */
  readonly upgrades: number;
  /** Connections currently open through the proxy. */
  readonly open: number;
  close(): Promise<void>;
}

export async function tcpProxy(targetUrl: string): Promise<TcpProxy> {
  let target = Number(new URL(targetUrl).port);
  let refusing = false;
  let hanging = false;
  let upgrades = 0;
  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.once("close", () => sockets.delete(s));
    s.on("error", () => s.destroy());
  };
  const pairs = new Set<{ websocket: boolean; dead: boolean }>();
  const server = createServer((client) => {
    track(client);
    if (refusing) return void client.destroy();
    const upstream = connect(target, "127.0.0.1");
    track(upstream);
    const pair = { websocket: false, dead: false };
    pairs.add(pair);
    let first = true;
    client.on("data", (chunk: Buffer) => {
      if (first) {
        pair.websocket = /^upgrade: websocket/im.test(chunk.toString("latin1"));
        if (pair.websocket) upgrades++;
        if (pair.websocket && hanging) pair.dead = true;
      }
      first = false;
      if (!pair.dead) upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      if (!pair.dead) client.write(chunk);
    });
    client.once("close", () => {
      pairs.delete(pair);
      upstream.destroy();
    });
    upstream.once("close", () => client.destroy());
  });
  server.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  const port = (server.address() as AddressInfo).port;
  const cut = () => {
    const n = sockets.size;
    for (const s of [...sockets]) s.destroy();
    return n;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    setTarget: (p) => void (target = p),
    cut,
    refuse: (on) => void (refusing = on),
    blackholeWebSockets: () => {
      let n = 0;
      for (const pair of pairs) {
        if (!pair.websocket || pair.dead) continue;
        pair.dead = true;
        n++;
      }
      return n;
    },
    hangUpgrades: (on) => void (hanging = on),
    get upgrades() {
      return upgrades;
    },
    get open() {
      return sockets.size;
    },
    close: () =>
      new Promise((resolve) => {
        cut();
        server.close(() => resolve());
      }),
  };
}
