import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { answerClientErrorsWithJson } from "./http/errors.ts";

/** An HTTP connection idle this long (no byte in or out) is closed; see createHttpServer. */
export const IDLE_TIMEOUT_MS = 120_000;

/** The API's HTTP server, not listening yet. */
export function createHttpServer(): Server {
  // No fixed deadline for a whole request (Node's default is 300 s): a 150 MiB upload over a slow
  // link may take longer. A connection that moves no byte either way for 2 minutes is closed instead.
  const server = createServer({ requestTimeout: 0 });
  server.timeout = IDLE_TIMEOUT_MS;
  server.on("clientError", answerClientErrorsWithJson);
  return server;
}

type Stop = () => Promise<unknown>;

/**
 * Start and stop of one server. What starts is recorded with its stop, in order; the port opens
 * last (`listen`), once everything can answer, so a starting server never holds a connection.
 * `close()` makes `draining()` true (/readyz answers 503), stops the front door first (Apollo: stops
 * accepting, drains requests and sockets in flight) and then everything else, last started first.
 * A start that fails (even in listen) stops what had started, last first, and rethrows.
 */
export class Lifecycle {
  readonly #stops: Stop[] = [];
  #frontDoor: Stop | undefined;
  #draining = false;
  #closing: Promise<void> | undefined;

  constructor(readonly server: Server) {}

  /** True from the moment close() is called. */
  readonly draining = (): boolean => this.#draining;

  /** Records something that started, with how to stop it. */
  started(stop: Stop): void {
    this.#stops.push(stop);
  }

  /** Records the front door (what accepts requests): stopped first at close. */
  startedFrontDoor(stop: Stop): void {
    this.#frontDoor = stop;
    this.#stops.push(stop);
  }

  /** Runs `start`; when it throws, stops what started (errors ignored) and rethrows. */
  async start<T>(start: () => Promise<T>): Promise<T> {
    try {
      return await start();
    } catch (error) {
      this.server.close();
      for (const stop of [...this.#stops].reverse()) await stop().catch(() => {});
      throw error;
    }
  }

  /** Opens the port (0: any) and returns the base URL, e.g. http://127.0.0.1:4000. */
  async listen(port: number, host: string): Promise<string> {
    this.server.listen(port, host);
    await once(this.server, "listening");
    const { port: bound } = this.server.address() as AddressInfo;
    return `http://${host.includes(":") ? `[${host}]` : host}:${bound}`;
  }

  /** Drains and stops everything; called twice, it returns the same promise. */
  close(): Promise<void> {
    return (this.#closing ??= (async () => {
      this.#draining = true;
      if (this.#frontDoor) await this.#frontDoor();
      for (const stop of [...this.#stops].reverse()) if (stop !== this.#frontDoor) await stop();
    })());
  }
}
