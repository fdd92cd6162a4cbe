import type { ProgressListener, UploadProgress } from "@parley/client";

/** What the outbox needs from a built message: the SDK's UnsentMessage fits. */
export interface Sendable<M> {
  readonly idempotencyKey: string;
  send(options: { onProgress?: ProgressListener; signal?: AbortSignal }): Promise<M>;
}

export interface Draft {
  body: string;
  files: readonly File[];
}

export type OutgoingStatus = "queued" | "sending" | "failed" | "cancelled";

export interface OutgoingMessage {
  /** Local id, for React keys and actions. */
  readonly id: string;
  readonly conversationId: string;
  readonly body: string;
  readonly files: readonly File[];
  readonly status: OutgoingStatus;
  /** Media upload progress; null for text or before the first byte. */
  readonly progress: UploadProgress | null;
  /** Why the last attempt failed, in words a person can act on. */
  readonly error: string | null;
  /** Attempts made with the same idempotency key (a retry never sends a second message). */
  readonly attempts: number;
  /** Failed for a reason that passes (server unreachable): it is sent again by itself. */
  readonly retrying: boolean;
}

export interface OutboxOptions<M> {
  /** Validates the draft against the conversation's limits and returns it unsent. */
  build(conversationId: string, draft: Draft): Promise<Sendable<M>>;
  /** A message reached the server; the thread shows it from here on. */
  onSent(conversationId: string, message: M): void;
  /** Error → a sentence for the person (ParleyError messages are written for people). */
  describeError?(error: unknown, retrying: boolean): string;
  /** Failures worth trying again without asking (the server or the network is away). */
  isRetryable?(error: unknown): boolean;
  /** Wait before the n-th automatic retry (1-based); connectionRestored() cuts it short. */
  retryDelayMs?(attempt: number): number;
}

/** 1 s, 2 s, 4 s, then every 5 s: soon after the server is back, without hammering it meanwhile. */
export const defaultRetryDelayMs = (attempt: number) => Math.min(5_000, 1_000 * 2 ** (attempt - 1));

const isAbort = (error: unknown) =>
  error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError");

interface Internal<M> {
  item: OutgoingMessage;
  sendable: Sendable<M> | null;
  controller: AbortController | null;
  /** The automatic retry waiting to run. */
  timer: ReturnType<typeof setTimeout> | null;
  /** Automatic retries in a row (for the backoff). */
  autoRetries: number;
}

/** Text goes out on its own lane: it never waits behind an upload. */
const laneOf = (item: OutgoingMessage) => `${item.conversationId}\n${item.files.length > 0 ? "media" : "text"}`;

/**
 * Messages on their way out. Per conversation, texts are sent one at a time in the order written,
 * and so are messages with files, but a text never waits behind an upload. A message that failed
 * because the server was unreachable is sent again by itself (backoff, or at once when the
 * connection is back) with the same idempotency key: the server answers a repeat with the first
 * message. Other failures and cancels stay in place with their error until retried or discarded,
 * and do not hold back the ones after them.
 */
export class Outbox<M> {
  #items: Internal<M>[] = [];
  #snapshot: readonly OutgoingMessage[] = [];
  readonly #listeners = new Set<() => void>();
  readonly #busy = new Set<string>();
  #nextId = 1;

  constructor(private readonly options: OutboxOptions<M>) {}

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** Every outgoing message, oldest first (stable between changes, for useSyncExternalStore). */
  getSnapshot = (): readonly OutgoingMessage[] => this.#snapshot;

  forConversation(conversationId: string): OutgoingMessage[] {
    return this.#snapshot.filter((m) => m.conversationId === conversationId);
  }

  /** Queues a message; returns its local id. */
  enqueue(conversationId: string, draft: Draft): string {
    const id = `out-${this.#nextId++}`;
    this.#items.push({
      item: {
        id,
        conversationId,
        body: draft.body,
        files: [...draft.files],
        status: "queued",
        progress: null,
        error: null,
        attempts: 0,
        retrying: false,
      },
      sendable: null,
      controller: null,
      timer: null,
      autoRetries: 0,
    });
    this.#changed();
    void this.#pump(laneOf(this.#items.at(-1)!.item));
    return id;
  }

  /** Stops a message that is queued or uploading; it stays, cancelled, for retry or discard. */
  cancel(id: string): void {
    const entry = this.#find(id);
    if (!entry) return;
    this.#stopTimer(entry);
    if (entry.item.status === "sending") entry.controller?.abort();
    else if (entry.item.status === "queued" || entry.item.retrying)
      this.#update(entry, { status: "cancelled", error: null, retrying: false });
  }

  /** Stops everything queued or uploading (signing out). */
  cancelAll(): void {
    for (const entry of this.#items) this.cancel(entry.item.id);
  }

  /** Sends a failed or cancelled message again with the same idempotency key. */
  retry(id: string): void {
    const entry = this.#find(id);
    if (!entry || (entry.item.status !== "failed" && entry.item.status !== "cancelled")) return;
    entry.autoRetries = 0;
    this.#requeue(entry);
  }

  /** The connection is back (online again, live events reconnected): automatic retries run now. */
  connectionRestored(): void {
    for (const entry of this.#items) if (entry.item.retrying && entry.item.status === "failed") this.#requeue(entry);
  }

  #requeue(entry: Internal<M>): void {
    this.#stopTimer(entry);
    // Back in line behind what is already waiting, like a message written now.
    this.#items = [...this.#items.filter((e) => e !== entry), entry];
    this.#update(entry, { status: "queued", error: null, progress: null, retrying: false });
    void this.#pump(laneOf(entry.item));
  }

  #stopTimer(entry: Internal<M>): void {
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = null;
  }

  /** Forgets a message that is not being sent; returns its draft (to edit it again). */
  discard(id: string): Draft | null {
    const entry = this.#find(id);
    if (!entry || entry.item.status === "sending") return null;
    this.#stopTimer(entry);
    this.#items = this.#items.filter((e) => e !== entry);
    this.#changed();
    return { body: entry.item.body, files: entry.item.files };
  }

  /** True while a message of the conversation is queued or uploading. */
  isBusy(conversationId: string): boolean {
    return this.#items.some(
      (e) => e.item.conversationId === conversationId && (e.item.status === "queued" || e.item.status === "sending"),
    );
  }

  async #pump(lane: string): Promise<void> {
    if (this.#busy.has(lane)) return;
    this.#busy.add(lane);
    try {
      for (;;) {
        const entry = this.#items.find((e) => laneOf(e.item) === lane && e.item.status === "queued");
        if (!entry) return;
        await this.#send(entry);
      }
    } finally {
      this.#busy.delete(lane);
    }
  }

  async #send(entry: Internal<M>): Promise<void> {
    const controller = new AbortController();
    entry.controller = controller;
    this.#update(entry, { status: "sending", attempts: entry.item.attempts + 1 });
    try {
      entry.sendable ??= await this.options.build(entry.item.conversationId, {
        body: entry.item.body,
        files: entry.item.files,
      });
      if (controller.signal.aborted) throw controller.signal.reason;
      const message = await entry.sendable.send({
        signal: controller.signal,
        onProgress: (progress) => {
          if (entry.item.status === "sending") this.#update(entry, { progress });
        },
      });
      this.#items = this.#items.filter((e) => e !== entry);
      entry.autoRetries = 0;
      this.options.onSent(entry.item.conversationId, message);
      this.#changed();
    } catch (error) {
      if (controller.signal.aborted || isAbort(error)) {
        this.#update(entry, { status: "cancelled", error: null });
      } else {
        const retrying = this.options.isRetryable?.(error) ?? false;
        this.#update(entry, {
          status: "failed",
          retrying,
          error: this.options.describeError?.(error, retrying) ?? describe(error),
        });
        if (retrying) {
          const delay = (this.options.retryDelayMs ?? defaultRetryDelayMs)(++entry.autoRetries);
          entry.timer = setTimeout(() => this.#requeue(entry), delay);
        }
      }
    } finally {
      entry.controller = null;
    }
  }

  #find(id: string): Internal<M> | undefined {
    return this.#items.find((e) => e.item.id === id);
  }

  #update(entry: Internal<M>, patch: Partial<OutgoingMessage>): void {
    entry.item = { ...entry.item, ...patch };
    this.#changed();
  }

  #changed(): void {
    this.#snapshot = this.#items.map((e) => e.item);
    for (const listener of this.#listeners) listener();
  }
}

function describe(error: unknown): string {
  return error instanceof Error && error.message ? error.message : "The message could not be sent.";
}
