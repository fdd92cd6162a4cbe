/** The parts of an SDK Message the thread needs to order, page and reconcile. */
export interface ThreadMessage {
  readonly id: string;
  readonly index: number;
  /** When present, a copy older than the one shown never replaces it (a late event, a stale page). */
  readonly updatedAt?: Date;
}

/** The SDK's Paginator, as far as the thread uses it. */
export interface MessagePage<M> {
  readonly items: M[];
  readonly hasPrevPage: boolean;
  readonly hasNextPage: boolean;
  readonly startCursor: string | null;
  readonly endCursor: string | null;
  prevPage(): Promise<MessagePage<M>>;
  nextPage(): Promise<MessagePage<M>>;
}

/** A conversation handle, as far as the thread uses it: history pages and live events. */
export interface MessageSource<M> {
  getMessages(options: {
    pageSize?: number;
    anchor?: string;
    direction?: "backwards" | "forward";
  }): Promise<MessagePage<M>>;
  on(event: "messageAdded", handler: (message: M) => void, options?: { after?: number }): () => void;
  on(event: "messageUpdated", handler: (update: { message: M }) => void): () => void;
  on(event: "messageRemoved", handler: (removed: { id: string; index: number }) => void): () => void;
  on(event: "error", handler: (error: Error) => void): () => void;
}

export interface ThreadState<M> {
  /** Ascending by index, no duplicates, none removed. */
  readonly messages: readonly M[];
  readonly status: "loading" | "ready" | "error";
  readonly error: unknown;
  readonly hasOlder: boolean;
  readonly loadingOlder: boolean;
  /** Loading an older page failed (shown as a quiet note; scrolling up tries again). */
  readonly olderError: unknown;
  /** The live events stopped for good (the SDK gave up reconnecting, or access was revoked). */
  readonly liveError: unknown;
}

/**
 * Adds messages to a sorted list: by id no duplicates, ascending index. The incoming copy wins
 * unless the one shown was updated later (an edit this tab made, then an older event for it).
 */
export function mergeMessages<M extends ThreadMessage>(
  existing: readonly M[],
  incoming: readonly M[],
  removed?: ReadonlySet<string>,
): M[] {
  if (incoming.length === 0) return existing as M[];
  const byId = new Map(existing.map((m) => [m.id, m]));
  for (const m of incoming) {
    if (removed?.has(m.id)) continue;
    const shown = byId.get(m.id);
    if (shown?.updatedAt && m.updatedAt && m.updatedAt.getTime() < shown.updatedAt.getTime()) continue;
    byId.set(m.id, m);
  }
  return [...byId.values()].sort((a, b) => a.index - b.index);
}

export const PAGE_SIZE = 30;

export const EMPTY_THREAD: ThreadState<never> = {
  messages: [],
  status: "loading",
  error: null,
  hasOlder: false,
  loadingOlder: false,
  olderError: null,
  liveError: null,
};

/**
 * One open thread: the newest page first, older pages on demand, and everything after the newest
 * page through the SDK's live events (messageAdded from that page's last index, so no gap; the SDK
 * reconnects and resumes by index by itself). No polling.
 */
export class ThreadStore<M extends ThreadMessage> {
  #state: ThreadState<M> = EMPTY_THREAD;
  #oldest: MessagePage<M> | null = null;
  #olderLoading: Promise<void> | null = null;
  #starting: Promise<void> | null = null;
  /** Ids removed while this thread is open: a stale page or event must not bring them back. */
  readonly #removed = new Set<string>();
  #live: (() => void)[] = [];
  /** The newest index the live feed has delivered (or started after). */
  #liveAfter = -1;
  #closed = false;
  readonly #listeners = new Set<() => void>();

  constructor(private readonly source: MessageSource<M>) {}

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): ThreadState<M> => this.#state;

  /** Loads the newest page, then follows the conversation live; concurrent calls share one load. */
  start(): Promise<void> {
    this.#starting ??= (async () => {
      this.#stopLive();
      if (this.#state.status === "error") this.#set({ status: "loading", error: null });
      try {
        const page = await this.source.getMessages({ pageSize: PAGE_SIZE, direction: "backwards" });
        this.#oldest = page;
        const messages = mergeMessages(this.#state.messages, page.items, this.#removed);
        this.#set({ messages, status: "ready", error: null, hasOlder: page.hasPrevPage, liveError: null });
        this.#startLive(page.items.at(-1)?.index ?? -1);
      } catch (error) {
        this.#set({ status: "error", error });
      } finally {
        this.#starting = null;
      }
    })();
    return this.#starting;
  }

  /** After the live events stopped for good: follow again from the newest index delivered. */
  resume(): void {
    if (this.#closed || this.#state.status !== "ready") return;
    this.#set({ liveError: null });
    this.#startLive(this.#liveAfter);
  }

  /** Loads the page before the oldest one shown; concurrent calls share one request. */
  loadOlder(): Promise<void> {
    const oldest = this.#oldest;
    if (!oldest?.hasPrevPage) return Promise.resolve();
    this.#olderLoading ??= (async () => {
      this.#set({ loadingOlder: true });
      try {
        const page = await oldest.prevPage();
        this.#oldest = page;
        this.#set({
          messages: mergeMessages(this.#state.messages, page.items, this.#removed),
          hasOlder: page.hasPrevPage,
          loadingOlder: false,
          olderError: null,
        });
      } catch (error) {
        this.#set({ loadingOlder: false, olderError: error });
      } finally {
        this.#olderLoading = null;
      }
    })();
    return this.#olderLoading;
  }

  /** A message this tab sent or edited (the live event brings the same one again; no duplicate). */
  add(message: M): void {
    this.#set({ messages: mergeMessages(this.#state.messages, [message], this.#removed) });
  }

  /** A message removed (by this tab or an event): gone from the list, and kept out of it. */
  remove(id: string): void {
    this.#removed.add(id);
    if (this.#state.messages.some((m) => m.id === id))
      this.#set({ messages: this.#state.messages.filter((m) => m.id !== id) });
  }

  close(): void {
    this.#closed = true;
    this.#stopLive();
    this.#listeners.clear();
  }

  #startLive(after: number): void {
    if (this.#closed) return;
    this.#stopLive();
    this.#liveAfter = after;
    this.#live = [
      this.source.on(
        "messageAdded",
        (message) => {
          this.#liveAfter = Math.max(this.#liveAfter, message.index);
          this.add(message);
        },
        { after },
      ),
      this.source.on("messageUpdated", ({ message }) => {
        // Only messages on screen: an older one is read with its page, as it is now.
        if (this.#state.messages.some((m) => m.id === message.id)) this.add(message);
      }),
      this.source.on("messageRemoved", ({ id }) => this.remove(id)),
      this.source.on("error", (error) => {
        this.#stopLive();
        this.#set({ liveError: error });
      }),
    ];
  }

  #stopLive(): void {
    const live = this.#live;
    this.#live = [];
    for (const off of live) off();
  }

  #set(patch: Partial<ThreadState<M>>): void {
    if (this.#closed) return;
    this.#state = { ...this.#state, ...patch };
    for (const listener of this.#listeners) listener();
  }
}
