// A TCP proxy on 127.0.0.1 in front of a real service (PostgreSQL, a Parley server, MinIO), so a test
// can take the service or the network away and bring it back without touching the service itself.
// Bytes pass unchanged: S3 signatures made for the proxy's address stay valid.
import { connect, createServer, type AddressInfo, type Server, type Socket } from "node:net";

export interface TcpProxyOptions {
  /** The service's host. Default 127.0.0.1. */
  host?: string;
  /** The service's port (retarget() points new connections at another one). */
  port: number;
  /**
   * Bounds the bytes per second from clients to the service (the uplink), over all connections
   * together, as a slow network would. The oldest connection with bytes waiting goes first, so
   * parallel uploads finish one after another rather than all at once. Unbounded by default; the
   * downlink is never paced.
   */
  uplinkBytesPerSecond?: number;
}

/**
 * How the service or the link is down, for existing connections (cut) and new ones:
 * - "refused": the listener closes, so connecting fails with ECONNREFUSED (a service that is not
 *   running); cut connections are closed.
 * - "closed": connections are accepted and closed at once (a server that is down behind a balancer);
 *   cut connections are closed.
 * - "reset": connections are accepted and reset with an RST, and cut ones are reset too (a dropped
 *   network link, a lost Wi-Fi).
 */
export type DownMode = "refused" | "closed" | "reset";

export interface TcpProxy {
  /** The proxy's port on 127.0.0.1; it stays the same across down("refused") and up(). */
  readonly port: number;
  /** `http://127.0.0.1:<port>`: give it to the client as the service's URL. */
  readonly url: string;
  /** Connections currently relayed. */
  readonly connections: number;
  /** WebSocket upgrade requests seen so far. */
  readonly upgrades: number;
  /** Points new connections at another port of the same host (a restarted server). */
  retarget(port: number): void;
  /** Closes every relayed connection, both sides (a dropped connection); returns how many. */
  cut(): number;
  /**
   * The service or the link goes down as `mode` says until up(): every relayed connection is cut and
   * new ones fail. Returns how many were cut; resolves once the listener is closed ("refused").
   */
  down(mode: DownMode): Promise<number>;
  /** Relays new connections again (on the same port). */
  up(): Promise<void>;
  /**
   * Open WebSocket connections stop carrying bytes, both ways, and stay open: no FIN, no RST (a NAT
   * or a network that silently lost them). New connections work. Returns how many.
   */
  blackholeWebSockets(): number;
  /**
   * While true, new WebSocket upgrade requests are accepted over TCP and never answered (a server or
   * middlebox that hangs); plain HTTP still passes.
   */
  hangUpgrades(on: boolean): void;
  close(): Promise<void>;
}

interface Relay {
  seq: number;
  client: Socket;
  upstream: Socket;
  websocket: boolean;
  /** Bytes are dropped both ways (blackholed, or a hung upgrade). */
  silent: boolean;
  /** Uplink bytes waiting for the pacer. */
  queue: Buffer[];
  queued: number;
}

const TICK_MS = 10;
/** A paced connection stops reading from its client past this many waiting bytes. */
const PAUSE_AT = 512 * 1024;

export async function tcpProxy(options: TcpProxyOptions): Promise<TcpProxy> {
  const host = options.host ?? "127.0.0.1";
  const pace = options.uplinkBytesPerSecond;
  let targetPort = options.port;
  let mode: DownMode | "up" = "up";
  let hanging = false;
  let upgrades = 0;
  let seq = 0;
  let port = 0;
  let listener: Server | undefined;
  const relays = new Set<Relay>();

  const relay = (client: Socket) => {
    client.on("error", () => client.destroy());
    if (mode === "closed") return void client.destroy();
    if (mode === "reset") return void client.resetAndDestroy();
    const upstream = connect(targetPort, host);
    upstream.on("error", () => upstream.destroy());
    const r: Relay = { seq: seq++, client, upstream, websocket: false, silent: false, queue: [], queued: 0 };
    relays.add(r);
    let first = true;
    client.on("data", (chunk: Buffer) => {
      if (first) {
        first = false;
        r.websocket = /^upgrade: websocket/im.test(chunk.toString("latin1"));
        if (r.websocket) upgrades++;
        if (r.websocket && hanging) r.silent = true;
      }
      if (r.silent) return;
      if (pace !== undefined) {
        r.queue.push(chunk);
        r.queued += chunk.length;
        if (r.queued > PAUSE_AT) client.pause();
      } else if (!upstream.write(chunk)) {
        client.pause();
        upstream.once("drain", () => client.resume());
      }
    });
    upstream.on("data", (chunk: Buffer) => {
      if (r.silent) return;
      if (!client.write(chunk)) {
        upstream.pause();
        client.once("drain", () => upstream.resume());
      }
    });
    const end = () => {
      relays.delete(r);
      client.destroy();
      upstream.destroy();
    };
    client.once("close", end);
    upstream.once("close", end);
  };

  const pacer =
    pace === undefined
      ? undefined
      : setInterval(() => {
          let budget = Math.round((pace * TICK_MS) / 1000);
          for (const r of [...relays].sort((a, b) => a.seq - b.seq)) {
            while (budget > 0 && r.queue.length > 0) {
              const chunk = r.queue.shift()!;
              const n = Math.min(budget, chunk.length);
              r.upstream.write(chunk.subarray(0, n));
              if (n < chunk.length) r.queue.unshift(chunk.subarray(n));
              r.queued -= n;
              budget -= n;
            }
            if (r.queued < PAUSE_AT / 2 && r.client.isPaused()) r.client.resume();
            if (budget <= 0) break;
          }
        }, TICK_MS);

  const listen = async () => {
    const s = createServer(relay);
    await new Promise<void>((resolve, reject) => {
      s.once("error", reject);
      s.listen(port, "127.0.0.1", () => {
        s.off("error", reject);
        resolve();
      });
    });
    port = (s.address() as AddressInfo).port;
    listener = s;
  };

  /** Closes the listener; resolves once it and every connection it accepted are closed. */
  const unlisten = async () => {
    const s = listener;
    listener = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };

  const cutAll = (reset: boolean) => {
    const n = relays.size;
    for (const r of [...relays]) {
      relays.delete(r);
      if (reset) r.client.resetAndDestroy();
      else r.client.destroy();
      r.upstream.destroy();
    }
    return n;
  };

  await listen();
  return {
    get port() {
      return port;
    },
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get connections() {
      return relays.size;
    },
    get upgrades() {
      return upgrades;
    },
    retarget: (p) => void (targetPort = p),
    cut: () => cutAll(false),
    async down(how) {
      mode = how;
      const n = cutAll(how === "reset");
      if (how === "refused") await unlisten();
      return n;
    },
    async up() {
      mode = "up";
      if (!listener) await listen();
    },
    blackholeWebSockets() {
      let n = 0;
      for (const r of relays) {
        if (!r.websocket || r.silent) continue;
        r.silent = true;
        r.queue = [];
        r.queued = 0;
        n++;
      }
      return n;
    },
    hangUpgrades: (on) => void (hanging = on),
    async close() {
      if (pacer) clearInterval(pacer);
      cutAll(false);
      await unlisten();
    },
  };
}
