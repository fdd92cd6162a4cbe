/**
 * Outgoing media messages kept across a page reload, in IndexedDB: the message (conversation, body,
 * idempotency key), the files themselves (File objects are structured-cloneable, so the browser keeps
 * a copy of their bytes; the picker's file handle could not be persisted) and the resumable upload
 * ids the SDK reported. After a reload the outbox sends them on by itself: parts already stored are
 * not sent again, and the idempotency key makes sure a message that reached the server before the
 * reload is not sent twice.
 */
export interface SavedOutgoing {
  /** The record's own id (stable across reloads). */
  readonly key: string;
  readonly identity: string;
  readonly conversationId: string;
  readonly body: string;
  readonly files: readonly File[];
  /** The message's idempotency key, once built. */
  readonly idempotencyKey: string | null;
  /** Per file, the resumable upload the SDK started for it (null: none, or sent as multipart). */
  readonly uploadIds: readonly (string | null)[];
  /** Stopped by a cancel or a failure that does not pass: shown with Retry after a reload, not sent. */
  readonly stopped: { error: string | null } | null;
  readonly savedAt: number;
}

export interface OutboxPersistence {
  save(record: SavedOutgoing): void;
  remove(key: string): void;
}

const DB = "parley-outbox";
const STORE = "messages";

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "key" });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error("IndexedDB could not be opened"));
  });
}

/** The IndexedDB store; every method is best effort (private windows, quota): failures are logged. */
export class IndexedDbOutboxStore implements OutboxPersistence {
  #db: Promise<IDBDatabase> | null = null;
  /** Writes run one after another, so a later save or remove of a record always wins. */
  #queue: Promise<unknown> = Promise.resolve();

  #run<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    this.#db ??= open();
    const next = this.#queue.then(async () => {
      const db = await this.#db!;
      return new Promise<T>((resolve, reject) => {
        const tx = db.transaction(STORE, mode);
        const request = work(tx.objectStore(STORE));
        tx.oncomplete = () => resolve(request.result);
        tx.onerror = () => reject(tx.error ?? new Error("IndexedDB transaction failed"));
        tx.onabort = () => reject(tx.error ?? new Error("IndexedDB transaction aborted"));
      });
    });
    this.#queue = next.catch(() => {});
    return next;
  }

  static available(): boolean {
    return typeof indexedDB !== "undefined";
  }

  save(record: SavedOutgoing): void {
    this.#run("readwrite", (s) => s.put(record)).catch((e: unknown) => console.warn("outbox: not saved", e));
  }

  remove(key: string): void {
    this.#run("readwrite", (s) => s.delete(key)).catch((e: unknown) => console.warn("outbox: not removed", e));
  }

  /** The identity's saved messages, oldest first. */
  async load(identity: string): Promise<SavedOutgoing[]> {
    try {
      const all = await this.#run("readonly", (s) => s.getAll() as IDBRequest<SavedOutgoing[]>);
      return all.filter((r) => r.identity === identity).sort((a, b) => a.savedAt - b.savedAt);
    } catch (error) {
      console.warn("outbox: saved messages could not be read", error);
      return [];
    }
  }

  /** Forgets every saved message of the identity (signing out on purpose). */
  async clear(identity: string): Promise<void> {
    for (const r of await this.load(identity)) this.remove(r.key);
    await this.#queue;
  }
}

export const outboxStore = new IndexedDbOutboxStore();
