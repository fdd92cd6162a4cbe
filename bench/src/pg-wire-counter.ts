import { connect, createServer, type Socket } from "node:net";

/**
 * Frontend messages seen on the PostgreSQL wire protocol (v3). A statement is one Execute ('E',
 * extended protocol, what postgres.js uses) or one simple Query ('Q'); a round trip is one Sync
 * ('S') or one simple Query. Counting on the wire needs no extension, no superuser setting and no
 * change to the server: whatever the server's driver sends is what is counted.
 */
export interface WireCounts {
  statements: number;
  roundTrips: number;
  parses: number;
}

export interface PgWireCounter {
  port: number;
  counts(): WireCounts;
  reset(): void;
  close(): Promise<void>;
}

// Untyped messages a client may send before StartupMessage, each answered before the next.
const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;

/** Parses the client→server byte stream of one connection, calling `onMessage` with each type byte. */
function frontendParser(onMessage: (type: number) => void) {
  let startup = true; // the first message(s) carry no type byte
  let header = Buffer.alloc(0);
  let skip = 0; // body bytes of the current message still to pass over
  return (chunk: Buffer) => {
    let data = header.length > 0 ? Buffer.concat([header, chunk]) : chunk;
    header = Buffer.alloc(0);
    let at = 0;
    while (at < data.length) {
      if (skip > 0) {
        const n = Math.min(skip, data.length - at);
        skip -= n;
        at += n;
        continue;
      }
      if (startup) {
        if (data.length - at < 8) break;
        const length = data.readInt32BE(at);
        const code = data.readInt32BE(at + 4);
        if (code !== SSL_REQUEST && code !== GSSENC_REQUEST) startup = false;
        at += 8;
        skip = length - 8;
        continue;
      }
      if (data.length - at < 5) break;
      const type = data[at]!;
      const length = data.readInt32BE(at + 1);
      onMessage(type);
      at += 5;
      skip = length - 4;
    }
    if (at < data.length) header = Buffer.from(data.subarray(at));
    data = Buffer.alloc(0);
  };
}

const Q = "Q".charCodeAt(0);
const E = "E".charCodeAt(0);
const S = "S".charCodeAt(0);
const P = "P".charCodeAt(0);

/** A TCP proxy in front of PostgreSQL at host:port that counts the statements passing through. */
export async function startPgWireCounter(target: { host: string; port: number }): Promise<PgWireCounter> {
  const counts: WireCounts = { statements: 0, roundTrips: 0, parses: 0 };
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    sockets.add(client);
    sockets.add(upstream);
    const parse = frontendParser((type) => {
      if (type === E || type === Q) counts.statements++;
      if (type === S || type === Q) counts.roundTrips++;
      if (type === P) counts.parses++;
    });
    client.on("data", (chunk: Buffer) => {
      parse(chunk);
      if (!upstream.write(chunk)) {
        client.pause();
        upstream.once("drain", () => client.resume());
      }
    });
    upstream.pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("close", close).on("error", close);
    upstream.on("close", close).on("error", close);
    client.on("end", () => upstream.end());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("the counting proxy has no port");
  return {
    port: address.port,
    counts: () => ({ ...counts }),
    reset: () => {
      counts.statements = 0;
      counts.roundTrips = 0;
      counts.parses = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
