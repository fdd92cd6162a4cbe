import type { EventSink, FeedContext } from "./conversation-feed.ts";
import { ParleyError } from "./errors.ts";
import {
  call,
  Closed,
  eventValue,
  readAbove,
  Registrations,
  sleep,
  type MessageUpdate,
  type Reader,
  type Unsubscribe,
} from "./feed-support.ts";
import type { TypedDocumentString } from "./generated/documents.ts";
import {
  ConversationPositionsDocument,
  ViewerJoinedAtDocument,
  ViewerMessageAddedDocument,
  ViewerMessageRemovedDocument,
  ViewerMessageUpdatedDocument,
} from "./generated/documents.ts";
import { Message, type RemovedMessage } from "./message.ts";
import { holdAllSends } from "./send-gate.ts";

/** Handlers of the client-level message events, for `client.on(event, handler)`. */
export interface ClientMessageEventHandlers {
  /** A new message in any of the viewer's conversations: per conversation in index order, each once. */
  messageAdded: (message: Message) => void;
  /** A message's body or attributes changed, in any of the viewer's conversations. */
  messageUpdated: (update: MessageUpdate) => void;
  /** A message was removed, in any of the viewer's conversations. */
  messageRemoved: (removed: RemovedMessage) => void;
}

export type ClientMessageEvent = keyof ClientMessageEventHandlers;

/** What the client-level feed needs beyond a conversation feed's context. */
export interface ClientFeedContext extends Omit<FeedContext, "release"> {
  /** A passing failure, for the client's connectionError handlers (the feed retries). */
  report(error: ParleyError): void;
  release(feed: ClientFeed): void;
}

/** The viewer-wide subscription of each event kind (payloads read by eventValue). */
const SUBSCRIPTIONS = {
  messageAdded: ViewerMessageAddedDocument,
  messageUpdated: ViewerMessageUpdatedDocument,
  messageRemoved: ViewerMessageRemovedDocument,
} as unknown as Record<ClientMessageEvent, TypedDocumentString<Record<string, unknown>, Record<string, never>>>;

/** Conversations read per request when the starting point is fixed and after every reconnect. */
const POSITIONS_PAGE = 100;
/** As for conversation feeds: a message committed while the subscription registers is read after this. */
const RECHECK_MS = 1000;

/**
 * The message events of every conversation the viewer participates in, over one graphql-ws
 * subscription per event kind (`viewerMessageAdded`, ...), which the server extends to
 * conversations joined later.
 *
 * `messageAdded` keeps the conversation feeds' promise per conversation: in index order, each
 * once, nothing committed after `on()` missed. The starting point is every conversation's newest
 * index (one read per 100 conversations, which sends wait for); after every (re)connect the same
 * read finds the conversations with messages above what was delivered, and those are read and
 * delivered first. A conversation first seen after the start (created or joined later) delivers
 * its messages from when the viewer joined. Handlers added later join at the same positions.
 * Failures never stop the events: they are reported as connectionError and retried with backoff.
 */
export class ClientFeed {
  readonly #added = new Set<{ fn: ClientMessageEventHandlers["messageAdded"] }>();
  readonly #updated = new Set<{ fn: ClientMessageEventHandlers["messageUpdated"] }>();
  readonly #removed = new Set<{ fn: ClientMessageEventHandlers["messageRemoved"] }>();
  readonly #subscriptions = new Map<ClientMessageEvent, () => void>();
  readonly #failures = new Map<ClientMessageEvent, number>();
  /** Highest index delivered (or there before the start) by conversation; undefined before the start. */
  #positions: Map<string, number> | undefined;
  #baseline: Promise<void> | undefined;
  /** Incremented whenever the last messageAdded handler goes: reads started before then are stale. */
  #generation = 0;
  #queue: Promise<void> = Promise.resolve();
  #recheck: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  readonly #registrations = new Registrations<ClientMessageEvent>();
  readonly #context: ClientFeedContext;
  readonly #reader: Reader;

  constructor(context: ClientFeedContext) {
    this.#context = context;
    this.#reader = { transport: context.transport, backoff: context.backoff, isClosed: () => this.#closed };
  }

  on<E extends ClientMessageEvent>(event: E, handler: ClientMessageEventHandlers[E]): Unsubscribe {
    const set = this.#set(event) as Set<{ fn: unknown }>;
    const entry = { fn: handler };
    set.add(entry);
    const subscribed = this.#subscriptions.has(event);
    if (!subscribed) this.#subscribe(event);
    let ready = Promise.resolve();
    if (event === "messageAdded") {
      if (!this.#positions) ready = this.#baseline ??= this.#startBaseline();
      // The socket is up already: the new subscription registers a moment from now.
      if (!subscribed && this.#context.isConnected()) this.#scheduleRecheck();
    }
    const remove = () => {
      set.delete(entry);
      if (set.size === 0) this.#unsubscribe(event);
      this.#releaseIfUnused();
    };
    return this.#registrations.add(event, handler, remove, ready);
  }

  /** Removes the newest registration of `handler` for `event`. */
  off(event: ClientMessageEvent, handler: unknown): void {
    this.#registrations.off(event, handler);
  }

  /** The shared connection (re)connected: read what was missed meanwhile. */
  connected(): void {
    if (this.#closed || !this.#subscriptions.has("messageAdded")) return;
    this.#enqueue(() => this.#catchUpAll());
    this.#scheduleRecheck();
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#recheck);
    for (const stop of this.#subscriptions.values()) stop();
    this.#subscriptions.clear();
    this.#added.clear();
    this.#updated.clear();
    this.#removed.clear();
    this.#registrations.clear();
  }

  #set(event: ClientMessageEvent) {
    return event === "messageAdded" ? this.#added : event === "messageUpdated" ? this.#updated : this.#removed;
  }

  #subscribe(kind: ClientMessageEvent): void {
    let stop: () => void = () => {};
    const current = () => this.#subscriptions.get(kind) === stop;
    const sink = <T>(handle: (data: T) => void | Promise<void>): EventSink<T> => ({
      next: (data) => {
        if (!current()) return;
        this.#failures.delete(kind);
        this.#enqueue(async () => await handle(data));
      },
      partial: (error) => {
        if (!current()) return;
        this.#context.report(error);
        if (kind === "messageAdded") this.#enqueue(() => this.#catchUpAll());
      },
      error: (error) => {
        if (current()) this.#ended(kind, error);
      },
      complete: () => {
        if (current()) this.#ended(kind, null);
      },
    });
    const { transport } = this.#context;
    stop = this.#context.subscribe(
      SUBSCRIPTIONS[kind],
      {},
      sink((d) => {
        if (kind === "messageAdded") return this.#live(eventValue("messageAdded", d, transport));
        const value = eventValue(kind, d, transport);
        for (const { fn } of [...(kind === "messageUpdated" ? this.#updated : this.#removed)])
          call(fn as (v: typeof value) => void, value);
      }),
    );
    this.#subscriptions.set(kind, stop);
  }

  #unsubscribe(kind: ClientMessageEvent): void {
    const stop = this.#subscriptions.get(kind);
    this.#subscriptions.delete(kind);
    this.#failures.delete(kind);
    stop?.();
    if (kind === "messageAdded") {
      // A later messageAdded handler starts afresh, from the newest messages then.
      this.#generation++;
      this.#positions = undefined;
      this.#baseline = undefined;
      clearTimeout(this.#recheck);
    }
  }

  /** The server ended a subscription we did not end: report it, resubscribe with backoff, catch up. */
  #ended(kind: ClientMessageEvent, error: ParleyError | null): void {
    this.#subscriptions.delete(kind);
    const failures = (this.#failures.get(kind) ?? 0) + 1;
    this.#failures.set(kind, failures);
    this.#context.report(
      error ??
        new ParleyError(
          "INTERNAL_SERVER_ERROR",
          `The server ended the client-level ${kind} subscription; resubscribing.`,
        ),
    );
    void sleep(failures > 1 ? this.#context.backoff(failures - 2) : 0).then(() => {
      if (this.#closed || this.#subscriptions.has(kind) || this.#set(kind).size === 0) return;
      this.#subscribe(kind);
      if (kind === "messageAdded") {
        this.#enqueue(() => this.#catchUpAll());
        this.#scheduleRecheck();
      }
    });
  }

  /** Reads every conversation's newest index (sends wait for it); applied in the queue, in order with events. */
  #startBaseline(): Promise<void> {
    const generation = this.#generation;
    const read = this.#readPositions();
    holdAllSends(read);
    read.catch(() => {}); // reported by the queue
    let done: () => void = () => {};
    const ready = new Promise<void>((resolve) => (done = resolve));
    this.#enqueue(async () => {
      try {
        const positions = await read;
        if (generation === this.#generation) this.#positions = positions;
      } finally {
        done();
      }
    });
    return ready;
  }

  /** Conversation id → newest index (-1 when empty), for every conversation of the viewer. */
  async #readPositions(): Promise<Map<string, number>> {
    const positions = new Map<string, number>();
    let after: string | null = null;
    for (;;) {
      const { conversations } = await this.#retrying(() =>
        this.#context.transport.request(ConversationPositionsDocument, { first: POSITIONS_PAGE, after }),
      );
      for (const { node } of conversations.edges) positions.set(node.id, node.lastMessageIndex ?? -1);
      if (!conversations.pageInfo.hasNextPage) return positions;
      after = conversations.pageInfo.endCursor;
    }
  }

  /** A read retried with backoff until it answers (each failure reported), or the feed closes. */
  async #retrying<T>(read: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await read();
      } catch (error) {
        if (this.#closed) throw new Closed();
        this.#context.report(
          error instanceof ParleyError
            ? error
            : new ParleyError("INTERNAL_SERVER_ERROR", `Client-level events: ${String(error)}`, { cause: error }),
        );
        await sleep(this.#context.backoff(attempt));
        if (this.#closed) throw new Closed();
      }
    }
  }

  /** A live message: first whatever its conversation would skip, then the message (once). */
  async #live(message: Message): Promise<void> {
    const positions = this.#positions;
    if (!positions) return; // no messageAdded handler any more, or a new start is being read
    const position = positions.get(message.conversationId);
    if (position === undefined) await this.#catchUpJoined(message.conversationId, message.index);
    else if (message.index > position + 1) await this.#catchUp(message.conversationId, position);
    this.#deliver(positions, [message]);
  }

  /** After a (re)connect: every conversation whose newest index is above what was delivered. */
  async #catchUpAll(): Promise<void> {
    const positions = this.#positions;
    if (!positions) return;
    const generation = this.#generation;
    const now = await this.#readPositions();
    if (generation !== this.#generation) return;
    for (const [conversationId, newest] of now) {
      const position = positions.get(conversationId);
      if (position === undefined) await this.#catchUpJoined(conversationId, newest + 1);
      else if (newest > position) {
        await this.#catchUp(conversationId, position);
        // The newest may have been removed since: do not read for it again.
        if ((positions.get(conversationId) ?? -1) < newest && positions === this.#positions)
          positions.set(conversationId, newest);
      }
    }
  }

  /** The messages of a known conversation above `position`. */
  async #catchUp(conversationId: string, position: number): Promise<void> {
    const positions = this.#positions!;
    try {
      this.#deliver(positions, await readAbove(this.#reader, conversationId, position));
    } catch (error) {
      if (!this.#gone(error)) throw error;
    }
  }

  /**
   * A conversation first seen after the start (created or joined since): its messages from when
   * the viewer joined, up to (not including) index `next`. A conversation's first message needs no read.
   */
  async #catchUpJoined(conversationId: string, next: number): Promise<void> {
    const positions = this.#positions!;
    if (next <= 0) return void positions.set(conversationId, next - 1);
    try {
      const joinedAt = await this.#joinedAt(conversationId);
      if (joinedAt === null) return; // no longer a participant
      const since = await readAbove(this.#reader, conversationId, -1, (m) => m.createdAt >= joinedAt);
      const history = since.filter((m) => m.index < next);
      positions.set(conversationId, (history[0]?.index ?? next) - 1);
      this.#deliver(positions, history);
    } catch (error) {
      if (!this.#gone(error)) throw error;
    }
  }

  async #joinedAt(conversationId: string): Promise<Date | null> {
    const { viewer, conversation } = await this.#context.transport.request(ViewerJoinedAtDocument, {
      id: conversationId,
    });
    const me = conversation?.participants.find((p) => p.identity === viewer.identity);
    return me ? new Date(me.createdAt) : null;
  }

  /** FORBIDDEN or NOT_FOUND for one conversation: the viewer left it; its events are the server's to stop. */
  #gone(error: unknown): boolean {
    return error instanceof ParleyError && (error.code === "FORBIDDEN" || error.code === "NOT_FOUND");
  }

  /** Delivers `messages` (ascending per conversation) that are above their conversation's position. */
  #deliver(positions: Map<string, number>, messages: readonly Message[]): void {
    if (positions !== this.#positions) return;
    for (const message of messages) {
      if (message.index <= (positions.get(message.conversationId) ?? -1)) continue;
      positions.set(message.conversationId, message.index);
      for (const { fn } of [...this.#added]) call(fn, message);
    }
  }

  #scheduleRecheck(): void {
    clearTimeout(this.#recheck);
    this.#recheck = setTimeout(() => {
      if (!this.#closed && this.#subscriptions.has("messageAdded")) this.#enqueue(() => this.#catchUpAll());
    }, RECHECK_MS);
  }

  #enqueue(task: () => Promise<void>): void {
    this.#queue = this.#queue.then(async () => {
      if (this.#closed) return;
      try {
        await task();
      } catch (error) {
        if (error instanceof Closed) return;
        // A read that failed for good (after its own retries): reported; the next reconnect or
        // live message reads again.
        this.#context.report(
          error instanceof ParleyError
            ? error
            : new ParleyError("INTERNAL_SERVER_ERROR", `Client-level events failed: ${String(error)}`, {
                cause: error,
              }),
        );
      }
    });
  }

  #releaseIfUnused(): void {
    if (this.#added.size + this.#updated.size + this.#removed.size > 0) return;
    this.close();
    this.#context.release(this);
  }
}
