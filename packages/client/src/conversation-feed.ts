import { ParleyError } from "./errors.ts";
import type { TypedDocumentString } from "./generated/documents.ts";
import {
  call,
  Closed,
  readAbove,
  readMessages,
  READ_TIMEOUT_MS,
  sleep,
  unsubscribe,
  eventValue,
  Registrations,
  type MessageEventKind,
  type MessageUpdate,
  type Reader,
  type Unsubscribe,
} from "./feed-support.ts";
import {
  ConversationLimitsDocument,
  MessageAddedDocument,
  MessageRemovedDocument,
  MessageUpdatedDocument,
} from "./generated/documents.ts";
import { Message, type RemovedMessage } from "./message.ts";
import { holdSends } from "./send-gate.ts";
import type { Transport } from "./transport.ts";

export type { MessageUpdate };

/** Handlers by event name, for `conversation.on(event, handler)`. */
export interface ConversationEventHandlers {
  /** A new message, in index order, each once; after a reconnect the missed ones come first. */
  messageAdded: (message: Message) => void;
  /** A message's body or attributes changed. */
  messageUpdated: (update: MessageUpdate) => void;
  /** A message was removed (its media too). */
  messageRemoved: (removed: RemovedMessage) => void;
  /**
   * The conversation's events stopped for good: FORBIDDEN (not, or no longer, a participant),
   * NOT_FOUND, UNAUTHENTICATED (token refused), NETWORK_ERROR (reconnect attempts exhausted).
   * Every handler of the conversation is then detached; `on()` again to start over.
   */
  error: (error: ParleyError) => void;
}

export type ConversationEvent = keyof ConversationEventHandlers;

export type { Unsubscribe };

export interface MessageAddedOptions {
  /**
   * Deliver every message with an index above this one, including messages that already exist
   * (e.g. the last index of the page you rendered): no gap between history and live events.
   * Default: the newest index when `on()` is called (only messages added from then on).
   */
  after?: number;
}

/** What a subscription reports to its feed; errors already carry the contract's code. */
export interface EventSink<T> {
  next(data: T): void;
  /** A payload that came with errors (the event itself may be lost). */
  partial(error: ParleyError): void;
  error(error: ParleyError): void;
  complete(): void;
}

/** What a feed needs from the client's realtime connection. */
export interface FeedContext {
  transport: Transport;
  subscribe<TResult, TVariables>(
    document: TypedDocumentString<TResult, TVariables>,
    variables: TVariables,
    sink: EventSink<TResult>,
  ): () => void;
  isConnected(): boolean;
  /** Milliseconds to wait before retry number `attempt` (0-based). */
  backoff(attempt: number): number;
  /** The feed has no handlers left (or failed): forget it. */
  release(feed: ConversationFeed): void;
}

type Kind = MessageEventKind;

/** The subscription of each event kind (payloads read by eventValue). */
const SUBSCRIPTIONS = {
  messageAdded: MessageAddedDocument,
  messageUpdated: MessageUpdatedDocument,
  messageRemoved: MessageRemovedDocument,
} as unknown as Record<Kind, TypedDocumentString<Record<string, unknown>, { conversationId: string }>>;

interface AddedHandler {
  fn: (message: Message) => void;
  /** Highest index delivered to this handler; undefined until its starting point is known. */
  last: number | undefined;
}

/**
 * The subscription is registered on the server a moment after it is sent (graphql-ws has no
 * acknowledgement): a message committed in that moment is neither live nor in a catch-up read
 * just after connecting, so the read is repeated once this much later.
 */
const RECHECK_MS = 1000;
/** Consecutive failed (re)subscriptions of one kind before the feed gives up. */
const MAX_SUBSCRIBE_FAILURES = 5;
const TERMINAL = new Set(["FORBIDDEN", "NOT_FOUND", "BAD_USER_INPUT", "UNAUTHENTICATED", "NETWORK_ERROR"]);

/**
 * The live events of one conversation for one client: one graphql-ws subscription per event kind
 * with handlers, fanned out to every handler. `messageAdded` is exactly-once and in index order
 * per handler: each handler remembers the highest index it was given; after a (re)connect, and
 * whenever an index is skipped, the messages after the lowest of those are read over HTTP and
 * delivered first. Everything runs through one queue, so events keep their order.
 */
export class ConversationFeed {
  readonly #added = new Set<AddedHandler>();
  // Entries, not bare functions: a function registered twice is called twice and removed once per
  // unsubscribe, as with messageAdded.
  readonly #updated = new Set<{ fn: ConversationEventHandlers["messageUpdated"] }>();
  readonly #removed = new Set<{ fn: ConversationEventHandlers["messageRemoved"] }>();
  readonly #errors = new Set<ConversationEventHandlers["error"]>();
  /** Active subscriptions by kind; a kind absent here is not (or no longer) subscribed by us. */
  readonly #subscriptions = new Map<Kind, () => void>();
  readonly #failures = new Map<Kind, { count: number; at: number }>();
  #queue: Promise<void> = Promise.resolve();
  /** The read fixing the starting point of handlers without `after`, while it runs. */
  #baseline: { ready: Promise<void> } | undefined;
  #verifying: Promise<void> | undefined;
  #recheck: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  readonly #registrations = new Registrations<ConversationEvent>();
  readonly #context: FeedContext;
  readonly #reader: Reader;

  constructor(
    readonly conversationId: string,
    context: FeedContext,
  ) {
    this.#context = context;
    this.#reader = { transport: context.transport, backoff: context.backoff, isClosed: () => this.#closed };
  }

  on<E extends ConversationEvent>(
    event: E,
    handler: ConversationEventHandlers[E],
    options?: MessageAddedOptions,
  ): Unsubscribe {
    let inner: Unsubscribe;
    try {
      inner = this.#on(event, handler, options);
    } catch (error) {
      this.#releaseIfUnused();
      throw error;
    }
    return this.#registrations.add(event, handler, inner, inner.ready);
  }

  #on<E extends ConversationEvent>(
    event: E,
    handler: ConversationEventHandlers[E],
    options?: MessageAddedOptions,
  ): Unsubscribe {
    if (typeof handler !== "function")
      throw new ParleyError("BAD_USER_INPUT", `on(${JSON.stringify(event)}) needs a handler function.`);
    switch (event) {
      case "messageAdded":
        return this.#onAdded(handler as ConversationEventHandlers["messageAdded"], options?.after);
      case "messageUpdated":
        return this.#onSimple("messageUpdated", this.#updated, handler as ConversationEventHandlers["messageUpdated"]);
      case "messageRemoved":
        return this.#onSimple("messageRemoved", this.#removed, handler as ConversationEventHandlers["messageRemoved"]);
      case "error": {
        const fn = handler as ConversationEventHandlers["error"];
        this.#errors.add(fn);
        return unsubscribe(() => {
          this.#errors.delete(fn);
          this.#releaseIfUnused();
        });
      }
      default:
        throw new ParleyError(
          "BAD_USER_INPUT",
          `Unknown event ${JSON.stringify(event)}: use messageAdded, messageUpdated, messageRemoved or error.`,
        );
    }
  }

  /** Removes the newest registration of `handler` for `event` (Twilio's off). */
  off(event: ConversationEvent, handler: unknown): void {
    this.#registrations.off(event, handler);
  }

  /** The shared connection (re)connected: read what was missed while the subscriptions were away. */
  connected(): void {
    if (this.#closed || !this.#subscriptions.has("messageAdded")) return;
    this.#enqueue(() => this.#catchUp());
    this.#scheduleRecheck();
  }

  /** Ends this feed silently (client.close()). */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#recheck);
    for (const unsubscribe of this.#subscriptions.values()) unsubscribe();
    this.#subscriptions.clear();
    this.#added.clear();
    this.#updated.clear();
    this.#removed.clear();
    this.#errors.clear();
    this.#registrations.clear();
  }

  #onAdded(fn: ConversationEventHandlers["messageAdded"], after: number | undefined): Unsubscribe {
    if (after !== undefined && !Number.isInteger(after)) {
      throw new ParleyError("BAD_USER_INPUT", `after must be a message index (a whole number), got ${String(after)}.`);
    }
    const known = this.#positions();
    // Without `after`, a handler joins where the others are, or at the newest index (one read).
    const entry: AddedHandler = { fn, last: after ?? (known.length ? Math.max(...known) : undefined) };
    this.#added.add(entry);
    if (entry.last === undefined) this.#baseline ??= this.#startBaseline();
    const ready = entry.last === undefined ? this.#baseline!.ready : Promise.resolve();
    const subscribed = this.#subscriptions.has("messageAdded");
    if (!subscribed) this.#subscribe("messageAdded");
    // An `after` start may be behind the conversation: read what it asked for now if the socket is
    // up (or this subscription already runs); otherwise connected() will.
    if (after !== undefined && (subscribed || this.#context.isConnected())) this.#enqueue(() => this.#catchUp());
    if (!subscribed && this.#context.isConnected()) this.#scheduleRecheck();
    return unsubscribe(() => {
      this.#added.delete(entry);
      if (this.#added.size === 0) this.#unsubscribe("messageAdded");
      this.#releaseIfUnused();
    }, ready);
  }

  #onSimple<H>(kind: Kind, set: Set<{ fn: H }>, fn: H): Unsubscribe {
    const entry = { fn };
    set.add(entry);
    if (!this.#subscriptions.has(kind)) this.#subscribe(kind);
    return unsubscribe(() => {
      set.delete(entry);
      if (set.size === 0) this.#unsubscribe(kind);
      this.#releaseIfUnused();
    });
  }

  #subscribe(kind: Kind): void {
    const variables = { conversationId: this.conversationId };
    // Each subscription object is its own identity: a completion of one we dropped is not news.
    let unsubscribe: () => void = () => {};
    const current = () => this.#subscriptions.get(kind) === unsubscribe;
    const sink = <T>(handle: (data: T) => void | Promise<void>): EventSink<T> => ({
      next: (data) => {
        if (!current()) return;
        this.#failures.delete(kind);
        this.#enqueue(async () => await handle(data));
      },
      partial: () => {
        // The event's payload failed to resolve (e.g. storage briefly down): a lost message comes
        // back through the next catch-up; updates and removals are not replayed.
        if (current() && kind === "messageAdded") this.#enqueue(() => this.#catchUp());
      },
      error: (error) => {
        if (current()) this.#subscriptionEnded(kind, error);
      },
      complete: () => {
        if (current()) this.#subscriptionEnded(kind, null);
      },
    });
    const { transport } = this.#context;
    unsubscribe = this.#context.subscribe(
      SUBSCRIPTIONS[kind],
      variables,
      sink((d) => {
        if (kind === "messageAdded") return this.#live(eventValue("messageAdded", d, transport));
        const value = eventValue(kind, d, transport);
        for (const { fn } of [...(kind === "messageUpdated" ? this.#updated : this.#removed)])
          call(fn as (v: typeof value) => void, value);
      }),
    );
    this.#subscriptions.set(kind, unsubscribe);
  }

  #unsubscribe(kind: Kind): void {
    const unsubscribe = this.#subscriptions.get(kind);
    this.#subscriptions.delete(kind);
    this.#failures.delete(kind);
    unsubscribe?.();
  }

  /**
   * A subscription we did not end has ended. The server completes a removed participant's
   * subscriptions, and errors are either for good (FORBIDDEN, ...) or passing (a slow subscriber
   * cut off, an internal error): ask the API whether we may still read the conversation, then
   * resubscribe and catch up, or stop with the reason.
   */
  #subscriptionEnded(kind: Kind, error: ParleyError | null): void {
    this.#subscriptions.delete(kind);
    if (error && TERMINAL.has(error.code)) return this.#fail(error);
    // Failures count in a row: one more than a minute after the last starts a new row.
    const previous = this.#failures.get(kind);
    const failures = previous && Date.now() - previous.at < 60_000 ? previous.count + 1 : 1;
    this.#failures.set(kind, { count: failures, at: Date.now() });
    if (failures > MAX_SUBSCRIBE_FAILURES) {
      return this.#fail(
        error ??
          new ParleyError(
            "INTERNAL_SERVER_ERROR",
            `The server ended the ${kind} subscription of conversation ${this.conversationId} ${failures} times in a row.`,
          ),
      );
    }
    this.#verifying ??= (async () => {
      try {
        await this.#context.transport.request(
          ConversationLimitsDocument,
          { id: this.conversationId },
          AbortSignal.timeout(READ_TIMEOUT_MS),
        );
      } catch (failure) {
        if (failure instanceof ParleyError && (failure.code === "FORBIDDEN" || failure.code === "NOT_FOUND"))
          return this.#fail(
            new ParleyError(
              failure.code,
              `Live events of conversation ${this.conversationId} stopped: ${failure.message}`,
              { status: failure.status, errors: failure.errors, cause: failure },
            ),
          );
        // Unreachable or failing for now: resubscribing waits for the connection to come back.
      } finally {
        this.#verifying = undefined;
      }
    })();
    void this.#verifying.then(async () => {
      if (this.#closed) return;
      await sleep(failures > 1 ? this.#context.backoff(failures - 2) : 0);
      if (this.#closed || this.#subscriptions.has(kind) || !this.#hasHandlers(kind)) return;
      this.#subscribe(kind);
      if (kind === "messageAdded") {
        this.#enqueue(() => this.#catchUp());
        this.#scheduleRecheck();
      }
    });
  }

  /**
   * The newest index is the starting point of handlers registered without `after`. The read starts
   * now, inside on(), and sends wait for it (send-gate.ts), so a message sent after on() returned
   * is above it; the result is applied in the queue, in order with the events.
   */
  #startBaseline(): { ready: Promise<void> } {
    const read = readMessages(this.#reader, { conversationId: this.conversationId, last: 1 });
    holdSends(this.conversationId, read);
    let done: () => void = () => {};
    const ready = new Promise<void>((resolve) => (done = resolve));
    this.#enqueue(async () => {
      try {
        const { conversation } = await read;
        const newest = conversation.messages.edges.at(-1)?.node.index ?? -1;
        for (const h of this.#added) if (h.last === undefined) h.last = newest;
      } finally {
        this.#baseline = undefined;
        done();
      }
    });
    // A read that fails is reported by the queue (error handlers); this copy only must not be unhandled.
    read.catch(() => {});
    return { ready };
  }

  /** A live message: if a handler would skip indexes, read them first; then deliver it (once). */
  async #live(message: Message): Promise<void> {
    const known = this.#positions();
    if (known.length && Math.min(...known) < message.index - 1) await this.#catchUp();
    this.#deliver([message], message.index - 1);
  }

  /**
   * Reads every message above the lowest index a handler has, then delivers them in index order.
   * Each handler skips what it already has.
   */
  async #catchUp(): Promise<void> {
    const known = this.#positions();
    if (!known.length) return;
    const low = Math.min(...known);
    this.#deliver(await readAbove(this.#reader, this.conversationId, low), low);
  }

  /** Where the messageAdded handlers are (those whose starting point is known). */
  #positions(): number[] {
    return [...this.#added].map((h) => h.last).filter((l): l is number => l !== undefined);
  }

  /**
   * Delivers `messages` (ascending), known to be every message above index `from`, to each handler
   * they leave no gap for: one whose position is at least `from`. A handler further behind (added
   * while this batch was being read) waits for its own catch-up. Each skips what it already has.
   */
  #deliver(messages: readonly Message[], from: number): void {
    for (const h of [...this.#added]) {
      if (h.last === undefined || h.last < from) continue;
      for (const message of messages) {
        if (message.index <= h.last || !this.#added.has(h)) continue;
        h.last = message.index;
        call(h.fn, message);
      }
    }
  }

  #scheduleRecheck(): void {
    clearTimeout(this.#recheck);
    this.#recheck = setTimeout(() => {
      if (!this.#closed && this.#subscriptions.has("messageAdded")) this.#enqueue(() => this.#catchUp());
    }, RECHECK_MS);
  }

  #enqueue(task: () => Promise<void>): void {
    this.#queue = this.#queue.then(async () => {
      if (this.#closed) return;
      try {
        await task();
      } catch (error) {
        if (error instanceof Closed) return;
        this.#fail(
          error instanceof ParleyError
            ? error
            : new ParleyError("INTERNAL_SERVER_ERROR", `Live events failed: ${String(error)}`, { cause: error }),
        );
      }
    });
  }

  /** Stops for good: every subscription ends, every handler is detached, error handlers hear why. */
  #fail(error: ParleyError): void {
    if (this.#closed) return;
    const handlers = [...this.#errors];
    this.close();
    this.#context.release(this);
    if (handlers.length === 0) {
      // Nobody listens for errors: say it somewhere rather than stop silently.
      console.error(`@parley/client: live events of conversation ${this.conversationId} stopped:`, error);
    }
    for (const fn of handlers) call(fn, error);
  }

  #hasHandlers(kind: Kind): boolean {
    return (kind === "messageAdded" ? this.#added : kind === "messageUpdated" ? this.#updated : this.#removed).size > 0;
  }

  #releaseIfUnused(): void {
    if (this.#added.size + this.#updated.size + this.#removed.size + this.#errors.size > 0) return;
    this.close();
    this.#context.release(this);
  }
}
