import { createClient as createWsClient, type Client as WsClient } from "graphql-ws/client";
import { secondsUntilExpiry } from "./auth.ts";
import { ClientFeed } from "./client-feed.ts";
import { ConversationFeed, type EventSink, type FeedContext } from "./conversation-feed.ts";
import { errorFromGraphQL, ParleyError, type GraphQLErrorEntry } from "./errors.ts";
import type { TypedDocumentString } from "./generated/documents.ts";
import { operationsOf, type Transport } from "./transport.ts";

/**
 * A WebSocket class: the global one in browsers and Node.js ≥ 22, or `WebSocket` from
 * "@parley/client/node" (the `ws` package) on Node.js 20.
 */
export interface WebSocketConstructor {
  new (url: string, protocols?: string | string[]): object;
  readonly CONNECTING: number;
  readonly OPEN: number;
  readonly CLOSING: number;
  readonly CLOSED: number;
}

export interface ReconnectOptions {
  /** Reconnect attempts in a row before live events stop with NETWORK_ERROR. Default: no limit. */
  attempts?: number;
  /** First wait before reconnecting; it doubles per failed attempt (with jitter). Default 500 ms. */
  minDelayMs?: number;
  /** Longest wait between attempts. Default 30 000 ms. */
  maxDelayMs?: number;
  /**
   * How often the client pings the server; a connection with no pong within half that time is
   * dropped and reconnected (a network that silently lost it). Default 20 000 ms.
   */
  pingIntervalMs?: number;
  /**
   * How long one connection attempt may take from creating the socket to the server's
   * acknowledgement; an attempt that takes longer (a socket that never opens, an upgrade that is
   * never answered) is dropped, reported as `connectionError` and retried. Default 10 000 ms.
   */
  connectTimeoutMs?: number;
}

/** The live-events WebSocket: opened by the first `on()`, closed a second after the last handler goes. */
export type ConnectionState = "disconnected" | "connecting" | "connected";

export interface RealtimeOptions {
  webSocketImpl?: WebSocketConstructor | undefined;
  reconnect?: ReconnectOptions | undefined;
}

/** The socket of the attempt in progress, as far as the SDK touches it. */
interface SocketLike {
  readonly readyState: number;
  addEventListener?(type: "error", listener: () => void): void;
}

/** One connection attempt: from graphql-ws's `connecting` to `connected` or `closed`. */
interface Attempt {
  /** What the attempt is waiting for. */
  phase: "token" | "open" | "acknowledgement";
  socket: SocketLike | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
  startedAt: number;
  /** A connectionError was already emitted for this attempt. */
  reported: boolean;
  /** The socket's error event, if any (it comes before the close). */
  error?: unknown;
}

/** A token that expires within this many seconds is replaced before it is sent in connection_init. */
const TOKEN_MARGIN_S = 30;
/** The server closes a connection whose token it refuses with 4403 (graphql-ws "Forbidden"). */
const CLOSE_FORBIDDEN = 4403;

/**
 * One graphql-ws connection per client (graphql-transport-ws on the API's /graphql path), shared by
 * every conversation's events, and the registry of those conversations' feeds.
 */
export class Realtime {
  #ws: WsClient | undefined;
  #state: ConnectionState = "disconnected";
  readonly #stateListeners = new Set<(state: ConnectionState) => void>();
  readonly #feeds = new Map<string, ConversationFeed>();
  #clientFeed: ClientFeed | undefined;
  /** Consecutive connections closed with 4403: the first gets a fresh token, the next ones give up. */
  #refusals = 0;
  #connections = 0;
  #pongTimer: ReturnType<typeof setTimeout> | undefined;
  #pongTimedOut = false;
  #attempt: Attempt | undefined;
  /** The connection_init payload prepared before the socket opened, or why there is none. */
  #params: Record<string, unknown> | ParleyError = {};
  /** Aborted by close(): ends a wait between getToken attempts. */
  #closing: AbortController | undefined;
  readonly #errorListeners = new Set<(error: ParleyError) => void>();
  readonly #reconnect: Required<ReconnectOptions>;
  readonly #feedContext: FeedContext;

  constructor(
    readonly endpoint: string,
    readonly transport: Transport,
    readonly options: RealtimeOptions,
  ) {
    this.#reconnect = {
      attempts: options.reconnect?.attempts ?? Infinity,
      minDelayMs: options.reconnect?.minDelayMs ?? 500,
      maxDelayMs: options.reconnect?.maxDelayMs ?? 30_000,
      pingIntervalMs: options.reconnect?.pingIntervalMs ?? 20_000,
      connectTimeoutMs: options.reconnect?.connectTimeoutMs ?? 10_000,
    };
    this.#feedContext = {
      transport,
      subscribe: (document, variables, sink) => this.subscribe(document, variables, sink),
      isConnected: () => this.#state === "connected",
      backoff: (attempt) => this.#delay(attempt),
      release: (feed) => {
        if (this.#feeds.get(feed.conversationId) === feed) this.#feeds.delete(feed.conversationId);
      },
    };
  }

  get state(): ConnectionState {
    return this.#state;
  }

  onStateChange(listener: (state: ConnectionState) => void): () => void {
    this.#stateListeners.add(listener);
    return () => void this.#stateListeners.delete(listener);
  }

  /** Every failed connection attempt and every unexpected drop; the connection is retried regardless. */
  onConnectionError(listener: (error: ParleyError) => void): () => void {
    this.#errorListeners.add(listener);
    return () => void this.#errorListeners.delete(listener);
  }

  /** The events of one conversation for this client; created on first use, dropped when unused. */
  feed(conversationId: string): ConversationFeed {
    let feed = this.#feeds.get(conversationId);
    if (!feed) {
      this.#client(); // fail here, synchronously, when there is no WebSocket at all
      feed = new ConversationFeed(conversationId, this.#feedContext);
      this.#feeds.set(conversationId, feed);
    }
    return feed;
  }

  /** The message events of all the viewer's conversations (client.on); created on first use. */
  clientFeed(): ClientFeed {
    if (!this.#clientFeed) {
      this.#client(); // fail here, synchronously, when there is no WebSocket at all
      const feed: ClientFeed = new ClientFeed({
        ...this.#feedContext,
        report: (error) => this.#report(error),
        release: (released) => {
          if (this.#clientFeed === released) this.#clientFeed = undefined;
        },
      });
      this.#clientFeed = feed;
    }
    return this.#clientFeed;
  }

  /** The client-level feed if there is one (client.off). */
  existingClientFeed(): ClientFeed | undefined {
    return this.#clientFeed;
  }

  /** The feed of a conversation if this client follows it. */
  existingFeed(conversationId: string): ConversationFeed | undefined {
    return this.#feeds.get(conversationId);
  }

  /** Runs a subscription on the shared connection (opened now if needed); returns its unsubscribe. */
  subscribe<TResult, TVariables>(
    document: TypedDocumentString<TResult, TVariables>,
    variables: TVariables,
    sink: EventSink<TResult>,
  ): () => void {
    const { query, operationName, variables: vars } = operationsOf(document, variables);
    return this.#client().subscribe<TResult>(
      { query, ...(operationName ? { operationName } : {}), variables: vars as Record<string, unknown> },
      {
        next: (result) => {
          const errors = result.errors as readonly GraphQLErrorEntry[] | undefined;
          if (errors?.length) sink.partial(errorFromGraphQL(errors, null));
          if (result.data) sink.next(result.data);
        },
        error: (error) => sink.error(this.#describe(error)),
        complete: () => sink.complete(),
      },
    );
  }

  /** Ends every conversation's events and closes the connection. A later `on()` opens a new one. */
  async close(): Promise<void> {
    for (const feed of [...this.#feeds.values()]) feed.close();
    this.#feeds.clear();
    this.#clientFeed?.close();
    this.#clientFeed = undefined;
    const ws = this.#ws;
    this.#ws = undefined;
    this.#closing?.abort();
    clearTimeout(this.#pongTimer);
    this.#endAttempt();
    // dispose() waits for an attempt in progress, and rejects when that attempt fails: closed either way.
    try {
      await ws?.dispose();
    } catch {
      // closed
    }
    this.#setState("disconnected");
  }

  #client(): WsClient {
    if (this.#ws) return this.#ws;
    const impl = this.options.webSocketImpl ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!impl) {
      throw new ParleyError(
        "BAD_USER_INPUT",
        'This runtime has no WebSocket (Node.js before 22): pass createClient({ webSocketImpl: WebSocket }) with the WebSocket that "@parley/client/node" exports.',
      );
    }
    const url = this.endpoint.replace(/^http/, "ws");
    const closing = new AbortController();
    this.#closing = closing;
    const ws: WsClient = createWsClient({
      // The token is fetched before the socket is created: a slow getToken does not run into the
      // server's wait for connection_init, and a failing one costs no upgrade request.
      url: async () => {
        await this.#prepare(ws, closing.signal);
        return url;
      },
      webSocketImpl: this.#tracked(impl),
      lazy: true,
      // Switching conversations (last handler off, next one on) keeps the socket.
      lazyCloseTimeout: 1000,
      keepAlive: this.#reconnect.pingIntervalMs,
      retryAttempts: this.#reconnect.attempts,
      retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, this.#delay(retries))),
      shouldRetry: (error) => this.#shouldRetry(error),
      // A failure here only when the client closed during #prepare(): graphql-ws then stops.
      connectionParams: () => {
        const params = this.#params;
        this.#params = {};
        if (params instanceof ParleyError) throw params;
        return params;
      },
      on: {
        connecting: () => {
          this.#endAttempt();
          this.#attempt = {
            phase: "token",
            socket: undefined,
            timer: undefined,
            startedAt: Date.now(),
            reported: false,
          };
          this.#setState("connecting");
        },
        error: (error) => {
          if (this.#attempt) this.#attempt.error = error;
        },
        opened: () => {
          if (this.#attempt) this.#attempt.phase = "acknowledgement";
        },
        connected: () => {
          this.#endAttempt();
          this.#refusals = 0;
          this.#connections++;
          this.#setState("connected");
          for (const feed of this.#feeds.values()) feed.connected();
          this.#clientFeed?.connected();
        },
        closed: (event) => {
          // Counted here, once per connection: shouldRetry runs once per active subscription.
          if (closeCode(event) === CLOSE_FORBIDDEN) this.#refusals++;
          clearTimeout(this.#pongTimer);
          const attempt = this.#attempt;
          this.#endAttempt();
          if (this.#ws === ws && !attempt?.reported) {
            const error = this.#closedError(event, attempt);
            if (error) this.#report(error);
          }
          this.#pongTimedOut = false;
          this.#setState("disconnected");
        },
        ping: (received) => {
          if (received) return;
          clearTimeout(this.#pongTimer);
          // No pong in time: the connection is gone without a close (half-open TCP); reconnect.
          this.#pongTimer = setTimeout(() => {
            this.#pongTimedOut = true;
            ws.terminate();
          }, this.#reconnect.pingIntervalMs / 2);
        },
        pong: (received) => {
          if (received) clearTimeout(this.#pongTimer);
        },
      },
    });
    this.#ws = ws;
    return ws;
  }

  /**
   * Prepares the connection_init payload before the socket is created. Every reconnect asks
   * getToken for a current token (the old one may have expired or been revoked meanwhile); the
   * first connection reuses the HTTP token unless it is about to expire. When getToken fails or
   * does not answer in time (`getTokenTimeoutMs`), each failure is a connectionError: a token in
   * hand that is not about to expire still serves, otherwise getToken is asked again with backoff,
   * and no socket is opened meanwhile. Never throws: graphql-ws cannot recover from a failing `url`.
   */
  async #prepare(ws: WsClient, closed: AbortSignal): Promise<void> {
    const tokens = this.transport.tokens;
    for (let failures = 0; ; failures++) {
      let token: string | undefined;
      try {
        token = await tokens.current();
        const stale =
          this.#refusals > 0 ||
          this.#connections > 0 ||
          (secondsUntilExpiry(token, Date.now()) ?? Infinity) < TOKEN_MARGIN_S;
        if (stale && tokens.canRefresh) token = await tokens.refresh(token);
        this.#params = { authorization: `Bearer ${token}` };
        break;
      } catch (cause) {
        const usable =
          token !== undefined &&
          this.#refusals === 0 &&
          (secondsUntilExpiry(token, Date.now()) ?? Infinity) >= TOKEN_MARGIN_S;
        const delay = this.#delay(failures);
        const error = new ParleyError(
          "UNAUTHENTICATED",
          `Live events could not get a token: getToken() ${describeFailure(cause)}; ${usable ? "connecting with the token in hand, which has not expired" : `asking again in ${formatSeconds(delay)}`}.`,
          { cause },
        );
        if (this.#ws !== ws || closed.aborted) {
          this.#params = error; // the client closed meanwhile: graphql-ws stops at this failure
          break;
        }
        this.#report(error);
        if (usable) {
          this.#params = { authorization: `Bearer ${token}` };
          break;
        }
        await sleep(delay, closed);
      }
    }
    if (this.#attempt) this.#attempt.phase = "open";
  }

  /**
   * The WebSocket class graphql-ws gets: the same sockets, with the attempt's timer started as each
   * is created, and a listener that keeps `ws` from throwing an error emitted after graphql-ws has
   * let go of a socket (terminate() while it is still connecting).
   */
  #tracked(impl: WebSocketConstructor): WebSocketConstructor {
    const created = (socket: SocketLike) => {
      socket.addEventListener?.("error", () => {});
      const attempt = this.#attempt;
      if (!attempt || attempt.socket) return;
      attempt.socket = socket;
      attempt.timer = setTimeout(() => this.#timedOut(attempt), this.#reconnect.connectTimeoutMs);
    };
    function Tracked(url: string, protocols?: string | string[]): object {
      const socket = new impl(url, protocols);
      created(socket as SocketLike);
      return socket;
    }
    return Object.assign(Tracked, {
      CONNECTING: impl.CONNECTING,
      OPEN: impl.OPEN,
      CLOSING: impl.CLOSING,
      CLOSED: impl.CLOSED,
    }) as unknown as WebSocketConstructor;
  }

  /** The attempt took longer than connectTimeoutMs: report it and drop the socket (graphql-ws retries). */
  #timedOut(attempt: Attempt): void {
    if (this.#attempt !== attempt || !this.#ws) return;
    const seconds = formatSeconds(Date.now() - attempt.startedAt);
    const what =
      attempt.socket?.readyState === 0
        ? `did not open within ${seconds} (the server never answered the upgrade request)`
        : `got no connection_ack from the server within ${seconds}`;
    attempt.reported = true;
    this.#report(new ParleyError("NETWORK_ERROR", `Live events: the WebSocket to ${this.endpoint} ${what}; retrying.`));
    this.#ws.terminate();
  }

  /** Why a connection closed, for connectionError; null for a close that is no problem. */
  #closedError(event: unknown, attempt: Attempt | undefined): ParleyError | null {
    const code = closeCode(event);
    const reason = (event as { reason?: unknown } | null)?.reason;
    const detail =
      code === undefined
        ? "failed"
        : `closed with ${code}${typeof reason === "string" && reason ? ` (${reason})` : ""}`;
    if (code === CLOSE_FORBIDDEN)
      return new ParleyError("UNAUTHENTICATED", `Live events: the server refused the token (WebSocket ${detail}).`, {
        cause: event,
      });
    if (!attempt) {
      if (code === 1000) return null; // the client's own close, or the server's orderly one
      const why = this.#pongTimedOut ? "no pong within the ping interval's half" : detail;
      return new ParleyError(
        "NETWORK_ERROR",
        `Live events: the connection to ${this.endpoint} was lost (${why}); reconnecting.`,
        {
          cause: event,
        },
      );
    }
    const seconds = formatSeconds(Date.now() - attempt.startedAt);
    const message = (attempt.error as { message?: unknown } | undefined)?.message;
    const because = typeof message === "string" && message ? ` (${message})` : "";
    return new ParleyError(
      "NETWORK_ERROR",
      `Live events: the WebSocket to ${this.endpoint} ${detail}${because} after ${seconds}, before the server acknowledged it; retrying.`,
      { cause: event },
    );
  }

  #endAttempt(): void {
    clearTimeout(this.#attempt?.timer);
    this.#attempt = undefined;
  }

  #report(error: ParleyError): void {
    for (const listener of [...this.#errorListeners]) {
      try {
        listener(error);
      } catch (thrown) {
        queueMicrotask(() => {
          throw thrown;
        });
      }
    }
  }

  #shouldRetry(error: unknown): boolean {
    if (closeCode(error) === CLOSE_FORBIDDEN) {
      // A refused token: one more try with a fresh token from getToken, then stop.
      return this.transport.tokens.canRefresh && this.#refusals <= 1;
    }
    // Anything else (refused TCP connection, server restart, dropped socket) is worth another try.
    return true;
  }

  #describe(error: unknown): ParleyError {
    if (error instanceof ParleyError) return error;
    if (Array.isArray(error)) return errorFromGraphQL(error as GraphQLErrorEntry[], null);
    const code = closeCode(error);
    if (code === CLOSE_FORBIDDEN) {
      return new ParleyError(
        "UNAUTHENTICATED",
        "The server refused the token for live events (WebSocket closed with 4403): getToken must return a valid, unexpired token.",
        { cause: error },
      );
    }
    const reason =
      code !== undefined
        ? `closed with ${code}${(error as { reason?: string }).reason ? ` (${(error as { reason: string }).reason})` : ""}`
        : typeof (error as { message?: unknown } | null)?.message === "string"
          ? `failed: ${(error as { message: string }).message}`
          : "failed";
    return new ParleyError("NETWORK_ERROR", `Live events stopped: the WebSocket to ${this.endpoint} ${reason}.`, {
      cause: error,
    });
  }

  #delay(attempt: number): number {
    const { minDelayMs, maxDelayMs } = this.#reconnect;
    const base = Math.min(maxDelayMs, minDelayMs * 2 ** Math.min(attempt, 30));
    return Math.round(base * (0.5 + Math.random() * 0.5));
  }

  #setState(state: ConnectionState) {
    if (state === this.#state) return;
    this.#state = state;
    for (const listener of [...this.#stateListeners]) listener(state);
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}

const formatSeconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function describeFailure(cause: unknown): string {
  if (cause instanceof ParleyError && cause.code === "NETWORK_ERROR")
    return cause.message.replace(/^getToken\(\) /, "").replace(/\.$/, "");
  return `failed: ${cause instanceof Error ? cause.message : String(cause)}`;
}

function closeCode(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null || !("code" in error) || !("reason" in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === "number" ? code : undefined;
}
