// A network link between the browser and a TCP service (MinIO here) that the test controls: the
// uplink (browser → service) is paced, and the link can go down (every connection reset, new ones
// refused) and come back, as a dropped Wi-Fi would. Bytes pass unchanged, so S3 signatures made for
// the link's address stay valid.
import { createServer, connect, type Socket, type AddressInfo } from "node:net";

export interface Link {
  /** `http://127.0.0.1:<port>`: use it as the service's public endpoint. */
  url: string;
  /** Resets every connection and refuses new ones until up(); returns how many were reset. */
  down(): number;
  up(): void;
  close(): Promise<void>;
}

interface Connection {
  seq: number;
  client: Socket;
  upstream: Socket;
  queue: Buffer[];
  queued: number;
}

const TICK_MS = 10;
const PAUSE_AT = 512 * 1024;

/**
 * `bytesPerSecond` bounds the uplink over all connections together; the oldest connection with
 * bytes waiting goes first, so parallel uploads finish one after another rather than all at once.
 */
export async function startLink(target: URL, bytesPerSecond: number): Promise<Link> {
  const connections = new Set<Connection>();
  let isDown = false;
  let seq = 0;
  const server = createServer((client) => {
    client.on("error", () => {});
    if (isDown) return void client.resetAndDestroy();
    const upstream = connect(Number(target.port), target.hostname);
    upstream.on("error", () => client.destroy());
    const c: Connection = { seq: seq++, client, upstream, queue: [], queued: 0 };
    connections.add(c);
    client.on("data", (data: Buffer) => {
      c.queue.push(data);
      c.queued += data.length;
      if (c.queued > PAUSE_AT) client.pause();
    });
    upstream.pipe(client);
    const end = () => {
      connections.delete(c);
      client.destroy();
      upstream.destroy();
    };
    client.once("close", end);
    upstream.once("close", end);
  });
  const timer = setInterval(() => {
    let budget = Math.round((bytesPerSecond * TICK_MS) / 1000);
    for (const c of [...connections].sort((a, b) => a.seq - b.seq)) {
      while (budget > 0 && c.queue.length > 0) {
        const chunk = c.queue.shift()!;
        const n = Math.min(budget, chunk.length);
        c.upstream.write(chunk.subarray(0, n));
        if (n < chunk.length) c.queue.unshift(chunk.subarray(n));
        c.queued -= n;
        budget -= n;
      }
      if (c.queued < PAUSE_AT / 2 && c.client.isPaused()) c.client.resume();
      if (budget <= 0) break;
    }
  }, TICK_MS);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    down() {
      isDown = true;
      const n = connections.size;
      for (const c of [...connections]) {
        c.client.resetAndDestroy();
        c.upstream.destroy();
        connections.delete(c);
      }
      return n;
    },
    up() {
      isDown = false;
    },
    close: async () => {
      clearInterval(timer);
      for (const c of connections) {
        c.client.destroy();
        c.upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
