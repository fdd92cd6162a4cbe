// A TCP proxy on 127.0.0.1 in front of a real service (PostgreSQL), so a test can make the service
// unreachable and bring it back without touching the service itself.
import { createServer, connect, type Server, type Socket } from "node:net";
import { once } from "node:events";

export interface TcpProxy {
  port: number;
  /** Connections currently relayed. */
  readonly connections: number;
  /**
   * The service goes away: the listener closes (new connections are refused with ECONNREFUSED) and
   * every relayed connection is cut.
   */
  refuse(): Promise<void>;
  /** The service comes back on the same port. */
  accept(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;

  const listen = async () => {
    const s = createServer((client) => {
      const upstream = connect(target.port, target.host);
      sockets.add(client).add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        sockets.delete(client);
        sockets.delete(upstream);
      };
      client.on("error", drop).on("close", drop);
      upstream.on("error", drop).on("close", drop);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    s.listen(port, "127.0.0.1");
    await once(s, "listening");
    port = (s.address() as { port: number }).port;
    server = s;
  };

  const refuse = async () => {
    const s = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };

  await listen();
  return {
    get port() {
      return port;
    },
    get connections() {
      return sockets.size / 2;
    },
    refuse,
    accept: async () => {
      if (!server) await listen();
    },
    close: refuse,
  };
}
