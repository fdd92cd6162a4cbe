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
}

export interface OutboxOptions<M> {
  /** Validates the draft against the conversation's limits and returns it unsent. */
  build(conversationId: string, draft: Draft): Promise<Sendable<M>>;
  /** A message reached the server; the thread shows it from here on. */
  onSent(conversationId: string, message: M): void;
  /** Error → a sentence for the person (ParleyError messages are written for people). */
  describeError?(error: unknown): string;
}

const isAbort = (error: unknown) =>
  error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError");

interface Internal<M> {
  item: OutgoingMessage;
  sendable: Sendable<M> | null;
  controller: AbortController | null;
}

/**
 * Messages on their way out. Per conversation they are sent one at a time in the order written,
 * so the thread keeps the author's order; a failed or cancelled message stays in place with its
 * error until retried (same idempotency key: the server answers a repeat with the first message)
 * or discarded, and does not hold back the ones after it.
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
      },
      sendable: null,
      controller: null,
    });
    this.#changed();
    void this.#pump(conversationId);
    return id;
  }

  /** Stops a message that is queued or uploading; it stays, cancelled, for retry or discard. */
  cancel(id: string): void {
    const entry = this.#find(id);
    if (!entry) return;
    if (entry.item.status === "sending") entry.controller?.abort();
    else if (entry.item.status === "queued") this.#update(entry, { status: "cancelled", error: null });
  }

  /** Stops everything queued or uploading (signing out). */
  cancelAll(): void {
    for (const entry of this.#items) this.cancel(entry.item.id);
  }

  /** Sends a failed or cancelled message again with the same idempotency key. */
  retry(id: string): void {
    const entry = this.#find(id);
    if (!entry || (entry.item.status !== "failed" && entry.item.status !== "cancelled")) return;
    // Back in line behind what is already waiting, like a message written now.
    this.#items = [...this.#items.filter((e) => e !== entry), entry];
    this.#update(entry, { status: "queued", error: null, progress: null });
    void this.#pump(entry.item.conversationId);
  }

  /** Forgets a message that is not being sent; returns its draft (to edit it again). */
  discard(id: string): Draft | null {
    const entry = this.#find(id);
    if (!entry || entry.item.status === "sending") return null;
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

  async #pump(conversationId: string): Promise<void> {
    if (this.#busy.has(conversationId)) return;
    this.#busy.add(conversationId);
    try {
      for (;;) {
        const entry = this.#items.find((e) => e.item.conversationId === conversationId && e.item.status === "queued");
        if (!entry) return;
        await this.#send(entry);
      }
    } finally {
      this.#busy.delete(conversationId);
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
      this.options.onSent(entry.item.conversationId, message);
      this.#changed();
    } catch (error) {
      if (controller.signal.aborted || isAbort(error)) {
        this.#update(entry, { status: "cancelled", error: null });
      } else {
        this.#update(entry, { status: "failed", error: this.options.describeError?.(error) ?? describe(error) });
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
