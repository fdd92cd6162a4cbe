import type { ProgressListener, UploadProgress } from "@parley/client";
import type { OutboxPersistence, SavedOutgoing } from "./outbox-store.ts";

/** What the outbox needs from a built message: the SDK's UnsentMessage fits. */
export interface Sendable<M> {
  readonly idempotencyKey: string;
  send(options: {
    onProgress?: ProgressListener;
    signal?: AbortSignal;
    /** The key of the message before a reload (the SDK's own otherwise). */
    idempotencyKey?: string;
    /** A file's resumable upload started (SDK upload sessions): saved to resume it after a reload. */
    onUploadStarted?: (upload: { index: number; uploadId: string }) => void;
  }): Promise<M>;
}

/** What a message restored after a reload carries into build(). */
export interface Resume {
  /** Per file, the upload session to continue (undefined: start one, or send as multipart). */
  uploadIds: readonly (string | undefined)[];
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
  build(conversationId: string, draft: Draft, resume?: Resume): Promise<Sendable<M>>;
  /** A message reached the server; the thread shows it from here on. */
  onSent(conversationId: string, message: M): void;
  /** Error → a sentence for the person (ParleyError messages are written for people). */
  describeError?(error: unknown, retrying: boolean): string;
  /** Failures worth trying again without asking (the server or the network is away). */
  isRetryable?(error: unknown): boolean;
  /** Wait before the n-th automatic retry (1-based); connectionRestored() cuts it short. */
  retryDelayMs?(attempt: number): number;
  /**
   * Keeps messages with files across a page reload (IndexedDB: outbox-store.ts), with their
   * idempotency key and upload ids; `restore()` picks them up again. Texts are not kept.
   */
  persistence?: { store: OutboxPersistence; identity: string };
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
  /** The saved copy (messages with files, when the outbox persists). */
  saved: { key: string; idempotencyKey: string | null; uploadIds: (string | undefined)[]; savedAt: number } | null;
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
  #persistence: OutboxOptions<M>["persistence"];

  constructor(private readonly options: OutboxOptions<M>) {
    this.#persistence = options.persistence;
  }

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
    const id = this.#add(conversationId, draft, null);
    const entry = this.#find(id)!;
    if (this.#persistence && draft.files.length > 0) {
      entry.saved = { key: crypto.randomUUID(), idempotencyKey: null, uploadIds: [], savedAt: Date.now() };
      this.#save(entry);
    }
    void this.#pump(laneOf(entry.item));
    return id;
  }

  /**
   * Messages saved before a reload (oldest first): queued again and sent by themselves, continuing
   * their uploads with the same idempotency key; stopped ones (cancelled, failed) wait for Retry.
   * A record already here (restored twice) is skipped.
   */
  restore(records: readonly SavedOutgoing[]): void {
    for (const record of records) {
      if (this.#items.some((e) => e.saved?.key === record.key)) continue;
      const id = this.#add(record.conversationId, { body: record.body, files: record.files }, record);
      const entry = this.#find(id)!;
      if (record.stopped) {
        this.#update(entry, {
          status: record.stopped.error ? "failed" : "cancelled",
          error: record.stopped.error,
          retrying: false,
        });
      } else void this.#pump(laneOf(entry.item));
    }
  }

  /** Starts (or, after forgetSaved, resumes) keeping messages with files across reloads. */
  persistTo(persistence: NonNullable<OutboxOptions<M>["persistence"]>): void {
    this.#persistence = persistence;
    for (const entry of this.#items) this.#save(entry);
  }

  /** Stops saving and forgets this outbox's saved messages (signing out: they go back to the drafts). */
  forgetSaved(): void {
    const persistence = this.#persistence;
    this.#persistence = undefined;
    for (const entry of this.#items) if (entry.saved) persistence?.store.remove(entry.saved.key);
  }

  #add(conversationId: string, draft: Draft, record: SavedOutgoing | null): string {
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
      saved: record
        ? {
            key: record.key,
            idempotencyKey: record.idempotencyKey,
            uploadIds: record.uploadIds.map((u) => u ?? undefined),
            savedAt: record.savedAt,
          }
        : null,
    });
    this.#changed();
    return id;
  }

  #save(entry: Internal<M>, stopped: SavedOutgoing["stopped"] = null): void {
    const p = this.#persistence;
    if (!p || !entry.saved) return;
    p.store.save({
      key: entry.saved.key,
      identity: p.identity,
      conversationId: entry.item.conversationId,
      body: entry.item.body,
      files: entry.item.files,
      idempotencyKey: entry.saved.idempotencyKey,
      uploadIds: entry.item.files.map((_, i) => entry.saved!.uploadIds[i] ?? null),
      stopped,
      savedAt: entry.saved.savedAt,
    });
  }

  /** Stops a message that is queued or uploading; it stays, cancelled, for retry or discard. */
  cancel(id: string): void {
    const entry = this.#find(id);
    if (!entry) return;
    this.#stopTimer(entry);
    if (entry.item.status === "sending") entry.controller?.abort();
    else if (entry.item.status === "queued" || entry.item.retrying) {
      this.#update(entry, { status: "cancelled", error: null, retrying: false });
      this.#save(entry, { error: null });
    }
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
    this.#save(entry);
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
    if (entry.saved) this.#persistence?.store.remove(entry.saved.key);
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
      const saved = entry.saved;
      entry.sendable ??= await this.options.build(
        entry.item.conversationId,
        { body: entry.item.body, files: entry.item.files },
        saved ? { uploadIds: saved.uploadIds } : undefined,
      );
      if (saved && saved.idempotencyKey === null) {
        saved.idempotencyKey = entry.sendable.idempotencyKey;
        this.#save(entry);
      }
      if (controller.signal.aborted) throw controller.signal.reason;
      const message = await entry.sendable.send({
        signal: controller.signal,
        ...(saved?.idempotencyKey ? { idempotencyKey: saved.idempotencyKey } : {}),
        onUploadStarted: ({ index, uploadId }) => {
          if (!saved) return;
          saved.uploadIds[index] = uploadId;
          this.#save(entry);
        },
        onProgress: (progress) => {
          if (entry.item.status === "sending") this.#update(entry, { progress });
        },
      });
      this.#items = this.#items.filter((e) => e !== entry);
      if (saved) this.#persistence?.store.remove(saved.key);
      entry.autoRetries = 0;
      this.options.onSent(entry.item.conversationId, message);
      this.#changed();
    } catch (error) {
      if (controller.signal.aborted || isAbort(error)) {
        // The SDK deleted the message's uploads: a retry starts new ones.
        if (entry.saved) entry.saved.uploadIds = [];
        this.#update(entry, { status: "cancelled", error: null });
        this.#save(entry, { error: null });
      } else {
        const retrying = this.options.isRetryable?.(error) ?? false;
        this.#update(entry, {
          status: "failed",
          retrying,
          error: this.options.describeError?.(error, retrying) ?? describe(error),
        });
        // A failure that passes is sent again after a reload too; the others wait for Retry.
        if (!retrying) this.#save(entry, { error: entry.item.error });
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
