import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { createClient as createWsClient, type Client as WsClient } from "graphql-ws/client";
import { secondsUntilExpiry } from "./auth.ts";
import { ConversationFeed, type EventSink, type FeedContext } from "./conversation-feed.ts";
import { errorFromGraphQL, ParleyError, type GraphQLErrorEntry } from "./errors.ts";
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
}

/** The live-events WebSocket: opened by the first `on()`, closed a second after the last handler goes. */
export type ConnectionState = "disconnected" | "connecting" | "connected";

export interface RealtimeOptions {
  webSocketImpl?: WebSocketConstructor | undefined;
  reconnect?: ReconnectOptions | undefined;
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
  /** Consecutive connections closed with 4403: the first gets a fresh token, the next ones give up. */
  #refusals = 0;
  #connections = 0;
  #pongTimer: ReturnType<typeof setTimeout> | undefined;
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

  /** The feed of a conversation if this client follows it. */
  existingFeed(conversationId: string): ConversationFeed | undefined {
    return this.#feeds.get(conversationId);
  }

  /** Runs a subscription on the shared connection (opened now if needed); returns its unsubscribe. */
  subscribe<TResult, TVariables>(
    document: TypedDocumentNode<TResult, TVariables>,
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
    const ws = this.#ws;
    this.#ws = undefined;
    clearTimeout(this.#pongTimer);
    await ws?.dispose();
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
    const ws: WsClient = createWsClient({
      url: this.endpoint.replace(/^http/, "ws"),
      webSocketImpl: impl,
      lazy: true,
      // Switching conversations (last handler off, next one on) keeps the socket.
      lazyCloseTimeout: 1000,
      keepAlive: this.#reconnect.pingIntervalMs,
      retryAttempts: this.#reconnect.attempts,
      retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, this.#delay(retries))),
      shouldRetry: (error) => this.#shouldRetry(error),
      connectionParams: () => this.#connectionParams(),
      on: {
        connecting: () => this.#setState("connecting"),
        connected: () => {
          this.#refusals = 0;
          this.#connections++;
          this.#setState("connected");
          for (const feed of this.#feeds.values()) feed.connected();
        },
        closed: (event) => {
          // Counted here, once per connection: shouldRetry runs once per active subscription.
          if (closeCode(event) === CLOSE_FORBIDDEN) this.#refusals++;
          clearTimeout(this.#pongTimer);
          this.#setState("disconnected");
        },
        ping: (received) => {
          if (received) return;
          clearTimeout(this.#pongTimer);
          // No pong in time: the connection is gone without a close (half-open TCP); reconnect.
          this.#pongTimer = setTimeout(() => ws.terminate(), this.#reconnect.pingIntervalMs / 2);
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
   * The connection_init payload. Every reconnect asks getToken for a current token (the old one may
   * have expired or been revoked meanwhile); the first connection reuses the HTTP token unless it
   * is about to expire. Never throws: graphql-ws treats a failure here as fatal, so a getToken
   * failure sends the token in hand (or none) and the server's 4403 goes through shouldRetry.
   */
  async #connectionParams(): Promise<Record<string, unknown>> {
    const tokens = this.transport.tokens;
    let token: string | undefined;
    try {
      token = await tokens.current();
      const stale =
        this.#refusals > 0 ||
        this.#connections > 0 ||
        (secondsUntilExpiry(token, Date.now()) ?? Infinity) < TOKEN_MARGIN_S;
      if (stale && tokens.canRefresh) token = await tokens.refresh(token);
    } catch {
      // Keep the token in hand, if any.
    }
    return token ? { authorization: `Bearer ${token}` } : {};
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

function closeCode(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null || !("code" in error) || !("reason" in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === "number" ? code : undefined;
}
