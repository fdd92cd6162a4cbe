/** The parts of an SDK Message the thread needs to order and page. */
export interface ThreadMessage {
  readonly id: string;
  readonly index: number;
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

/** A conversation handle, as far as the thread uses it. */
export interface MessageSource<M> {
  getMessages(options: { pageSize?: number; anchor?: string; direction?: "backwards" | "forward" }): Promise<MessagePage<M>>;
}

export interface ThreadState<M> {
  /** Ascending by index, no duplicates. */
  readonly messages: readonly M[];
  readonly status: "loading" | "ready" | "error";
  readonly error: unknown;
  readonly hasOlder: boolean;
  readonly loadingOlder: boolean;
  /** The last poll failed (shown as a quiet "reconnecting" note; polling goes on). */
  readonly pollError: unknown;
}

/** Adds messages to a sorted list: by id no duplicates (the newer copy wins), ascending index. */
export function mergeMessages<M extends ThreadMessage>(existing: readonly M[], incoming: readonly M[]): M[] {
  if (incoming.length === 0) return existing as M[];
  const byId = new Map(existing.map((m) => [m.id, m]));
  for (const m of incoming) byId.set(m.id, m);
  return [...byId.values()].sort((a, b) => a.index - b.index);
}

export const PAGE_SIZE = 30;
const POLL_PAGE_SIZE = 100;

/**
 * One open thread: the newest page first, older pages on demand, and new messages by polling
 * forward from the newest cursor seen (subscriptions will replace the polling).
 */
export class ThreadStore<M extends ThreadMessage> {
  #state: ThreadState<M> = { messages: [], status: "loading", error: null, hasOlder: false, loadingOlder: false, pollError: null };
  #oldest: MessagePage<M> | null = null;
  #newestCursor: string | null = null;
  #polling: Promise<void> | null = null;
  #olderLoading: Promise<void> | null = null;
  #closed = false;
  readonly #listeners = new Set<() => void>();

  constructor(private readonly source: MessageSource<M>) {}

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): ThreadState<M> => this.#state;

  /** Loads the newest page. */
  async start(): Promise<void> {
    try {
      const page = await this.source.getMessages({ pageSize: PAGE_SIZE, direction: "backwards" });
      this.#oldest = page;
      this.#newestCursor = page.endCursor;
      this.#set({ messages: mergeMessages(this.#state.messages, page.items), status: "ready", error: null, hasOlder: page.hasPrevPage });
    } catch (error) {
      this.#set({ status: "error", error });
    }
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
        this.#set({ messages: mergeMessages(this.#state.messages, page.items), hasOlder: page.hasPrevPage, loadingOlder: false });
      } catch (error) {
        this.#set({ loadingOlder: false, pollError: error });
      } finally {
        this.#olderLoading = null;
      }
    })();
    return this.#olderLoading;
  }

  /** Fetches messages newer than the newest seen; a poll still running is not doubled. */
  poll(): Promise<void> {
    if (this.#state.status !== "ready") return Promise.resolve();
    this.#polling ??= (async () => {
      try {
        let page = await this.source.getMessages(
          this.#newestCursor === null
            ? { pageSize: POLL_PAGE_SIZE, direction: "forward" }
            : { pageSize: POLL_PAGE_SIZE, direction: "forward", anchor: this.#newestCursor },
        );
        for (;;) {
          if (page.endCursor !== null) this.#newestCursor = page.endCursor;
          this.#set({ messages: mergeMessages(this.#state.messages, page.items), pollError: null });
          if (!page.hasNextPage || this.#closed) break;
          page = await page.nextPage();
        }
      } catch (error) {
        this.#set({ pollError: error });
      } finally {
        this.#polling = null;
      }
    })();
    return this.#polling;
  }

  /** A message this client just sent (the next poll brings the same one back; no duplicate). */
  add(message: M): void {
    this.#set({ messages: mergeMessages(this.#state.messages, [message]) });
  }

  close(): void {
    this.#closed = true;
    this.#listeners.clear();
  }

  #set(patch: Partial<ThreadState<M>>): void {
    if (this.#closed) return;
    this.#state = { ...this.#state, ...patch };
    for (const listener of this.#listeners) listener();
  }
}
