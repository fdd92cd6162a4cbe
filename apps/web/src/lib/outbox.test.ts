import { describe, expect, it } from "vitest";
import type { UploadProgress } from "@parley/client";
import { Outbox, type Draft, type Sendable } from "./outbox.ts";
import type { OutboxPersistence, SavedOutgoing } from "./outbox-store.ts";

interface Sent {
  key: string;
  body: string;
}

/** A server stand-in with the idempotency rule: a repeated key returns the first message. */
class FakeServer {
  readonly stored = new Map<string, Sent>();
  readonly attempts: string[] = [];
  failNext: Error[] = [];
  /** When set, sends wait for it (to observe "sending" and cancel). */
  gate: Promise<void> | null = null;

  sendable(draft: Draft, key: string, progress: UploadProgress[] = []): Sendable<Sent> {
    return {
      idempotencyKey: key,
      send: async ({ onProgress, signal }) => {
        this.attempts.push(key);
        for (const p of progress) onProgress?.(p);
        if (this.gate) {
          await Promise.race([
            this.gate,
            new Promise((_, reject) =>
              signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError"))),
            ),
          ]);
        }
        const failure = this.failNext.shift();
        if (failure) throw failure;
        const existing = this.stored.get(key);
        if (existing) return existing;
        const message = { key, body: draft.body };
        this.stored.set(key, message);
        return message;
      },
    };
  }
}

function setup(options: { progress?: UploadProgress[]; buildError?: Error[] } = {}) {
  const server = new FakeServer();
  const sent: Sent[] = [];
  let builds = 0;
  const outbox = new Outbox<Sent>({
    build: async (_conversationId, draft) => {
      builds++;
      const error = options.buildError?.shift();
      if (error) throw error;
      return server.sendable(draft, `key-${builds}`, options.progress);
    },
    onSent: (_id, message) => sent.push(message),
  });
  return { server, sent, outbox, builds: () => builds };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 1));
  expect(check()).toBe(true);
};

describe("Outbox", () => {
  it("sends the messages of a conversation one at a time, in the order written", async () => {
    const { server, sent, outbox } = setup();
    let open!: () => void;
    server.gate = new Promise<void>((r) => (open = r));
    outbox.enqueue("c1", { body: "first", files: [] });
    outbox.enqueue("c1", { body: "second", files: [] });
    await until(() => outbox.getSnapshot()[0]?.status === "sending");
    expect(outbox.getSnapshot().map((m) => m.status)).toEqual(["sending", "queued"]);
    expect(server.attempts).toHaveLength(1);
    open();
    await until(() => sent.length === 2);
    expect(sent.map((m) => m.body)).toEqual(["first", "second"]);
    expect(outbox.getSnapshot()).toEqual([]);
  });

  it("publishes upload progress while sending", async () => {
    const progress: UploadProgress[] = [
      { loaded: 50, total: 200, files: [{ index: 0, filename: "a.png", loaded: 50, total: 200 }] },
      { loaded: 150, total: 200, files: [{ index: 0, filename: "a.png", loaded: 150, total: 200 }] },
    ];
    const { server, outbox } = setup({ progress });
    let open!: () => void;
    server.gate = new Promise<void>((r) => (open = r));
    outbox.enqueue("c1", { body: "", files: [new File([new Uint8Array(200)], "a.png")] });
    await until(() => outbox.getSnapshot()[0]?.progress?.loaded === 150);
    expect(outbox.getSnapshot()[0]?.progress?.files[0]?.loaded).toBe(150);
    open();
    await until(() => outbox.getSnapshot().length === 0);
  });

  it("keeps a failed message in place with the error, and a retry sends it with the same idempotency key", async () => {
    const { server, sent, outbox, builds } = setup();
    server.failNext = [new Error("Parley could not be reached.")];
    const id = outbox.enqueue("c1", { body: "hello", files: [] });
    await until(() => outbox.getSnapshot()[0]?.status === "failed");
    expect(outbox.getSnapshot()[0]).toMatchObject({
      id,
      status: "failed",
      error: "Parley could not be reached.",
      attempts: 1,
    });
    outbox.retry(id);
    await until(() => sent.length === 1);
    expect(builds()).toBe(1);
    expect(server.attempts).toEqual(["key-1", "key-1"]);
    expect(server.stored.size).toBe(1);
  });

  it("never sends twice when the first attempt reached the server but the answer was lost", async () => {
    const { server, sent, outbox } = setup();
    // The server stores the message, then the connection drops before the answer arrives.
    const original = server.sendable.bind(server);
    let dropAnswer = true;
    server.sendable = (draft, key) => {
      const inner = original(draft, key);
      return {
        idempotencyKey: key,
        send: async (o) => {
          const message = await inner.send(o);
          if (dropAnswer) {
            dropAnswer = false;
            throw new Error("network error");
          }
          return message;
        },
      };
    };
    const id = outbox.enqueue("c1", { body: "once", files: [] });
    await until(() => outbox.getSnapshot()[0]?.status === "failed");
    outbox.retry(id);
    await until(() => sent.length === 1);
    expect(server.stored.size).toBe(1);
    expect(sent[0]).toEqual({ key: "key-1", body: "once" });
  });

  it("cancels an upload in flight; the message stays as cancelled for retry or discard", async () => {
    const { server, sent, outbox } = setup();
    server.gate = new Promise<void>(() => {});
    const id = outbox.enqueue("c1", { body: "big upload", files: [] });
    await until(() => outbox.getSnapshot()[0]?.status === "sending");
    outbox.cancel(id);
    await until(() => outbox.getSnapshot()[0]?.status === "cancelled");
    expect(outbox.getSnapshot()[0]?.error).toBeNull();
    expect(server.stored.size).toBe(0);
    expect(outbox.discard(id)).toEqual({ body: "big upload", files: [] });
    expect(outbox.getSnapshot()).toEqual([]);
    expect(sent).toEqual([]);
  });

  it("a cancelled queued message is not sent, and the one after it still is", async () => {
    const { server, sent, outbox } = setup();
    let open!: () => void;
    server.gate = new Promise<void>((r) => (open = r));
    outbox.enqueue("c1", { body: "one", files: [] });
    const second = outbox.enqueue("c1", { body: "two", files: [] });
    outbox.enqueue("c1", { body: "three", files: [] });
    outbox.cancel(second);
    open();
    await until(() => sent.length === 2);
    expect(sent.map((m) => m.body)).toEqual(["one", "three"]);
    expect(outbox.getSnapshot().map((m) => [m.body, m.status])).toEqual([["two", "cancelled"]]);
  });

  it("a draft refused when built (limits) can be retried and is built again", async () => {
    const { sent, outbox, builds } = setup({
      buildError: [new Error("too-big.bin is 500 KB; this conversation allows 400 KB per file.")],
    });
    const id = outbox.enqueue("c1", { body: "x", files: [] });
    await until(() => outbox.getSnapshot()[0]?.status === "failed");
    expect(outbox.getSnapshot()[0]?.error).toMatch(/allows 400 KB/);
    outbox.retry(id);
    await until(() => sent.length === 1);
    expect(builds()).toBe(2);
  });

  it("conversations do not wait for each other", async () => {
    const { server, sent, outbox } = setup();
    let open!: () => void;
    server.gate = new Promise<void>((r) => (open = r));
    outbox.enqueue("c1", { body: "a", files: [] });
    outbox.enqueue("c2", { body: "b", files: [] });
    await until(() => outbox.getSnapshot().every((m) => m.status === "sending"));
    expect(outbox.isBusy("c1") && outbox.isBusy("c2")).toBe(true);
    open();
    await until(() => sent.length === 2);
    expect(outbox.isBusy("c1")).toBe(false);
  });

  it("notifies subscribers with a new snapshot on every change", async () => {
    const { outbox } = setup();
    const snapshots: unknown[] = [];
    const unsubscribe = outbox.subscribe(() => snapshots.push(outbox.getSnapshot()));
    outbox.enqueue("c1", { body: "hi", files: [] });
    await until(() => outbox.getSnapshot().length === 0);
    unsubscribe();
    expect(new Set(snapshots).size).toBe(snapshots.length);
    expect(snapshots.length).toBeGreaterThanOrEqual(3); // queued, sending, sent
  });
});

describe("Outbox.cancelAll", () => {
  it("stops the upload in flight and everything queued", async () => {
    const { server, sent, outbox } = setup();
    server.gate = new Promise<void>(() => {});
    outbox.enqueue("c1", { body: "a", files: [] });
    outbox.enqueue("c1", { body: "b", files: [] });
    outbox.enqueue("c2", { body: "c", files: [] });
    await until(() => outbox.getSnapshot().filter((m) => m.status === "sending").length === 2);
    outbox.cancelAll();
    await until(() => outbox.getSnapshot().every((m) => m.status === "cancelled"));
    expect(sent).toEqual([]);
    expect(server.stored.size).toBe(0);
  });

  it("sends a text while an earlier message's upload is still running", async () => {
    const sent: Sent[] = [];
    let releaseUpload!: () => void;
    const upload = new Promise<void>((r) => (releaseUpload = r));
    let n = 0;
    const outbox = new Outbox<Sent>({
      build: async (_id, draft) => {
        const key = `key-${++n}`;
        return {
          idempotencyKey: key,
          send: async () => {
            if (draft.files.length > 0) await upload;
            return { key, body: draft.body };
          },
        };
      },
      onSent: (_id, message) => sent.push(message),
    });
    outbox.enqueue("c1", { body: "photo", files: [new File([new Uint8Array(10)], "a.png")] });
    outbox.enqueue("c1", { body: "text 1", files: [] });
    outbox.enqueue("c1", { body: "text 2", files: [] });
    await until(() => sent.length === 2);
    expect(sent.map((m) => m.body)).toEqual(["text 1", "text 2"]);
    expect(outbox.getSnapshot().map((m) => [m.body, m.status])).toEqual([["photo", "sending"]]);
    releaseUpload();
    await until(() => sent.length === 3);
  });

  it("sends a message again by itself, with the same key, after the server was unreachable", async () => {
    const server = new FakeServer();
    const sent: Sent[] = [];
    const unreachable = new Error("unreachable");
    const described: [string, boolean][] = [];
    const outbox = new Outbox<Sent>({
      build: async (_id, draft) => server.sendable(draft, "the-key"),
      onSent: (_id, message) => sent.push(message),
      isRetryable: (error) => error === unreachable,
      describeError: (error, retrying) => {
        described.push([(error as Error).message, retrying]);
        return retrying ? "Parley is unreachable; retrying…" : "failed";
      },
      retryDelayMs: () => 5,
    });
    server.failNext = [unreachable, unreachable];
    outbox.enqueue("c1", { body: "hello", files: [] });
    await until(() => sent.length === 1);
    expect(server.attempts).toEqual(["the-key", "the-key", "the-key"]);
    expect(described).toEqual([
      ["unreachable", true],
      ["unreachable", true],
    ]);
    expect(server.stored.size).toBe(1);
  });

  it("retries at once when the connection is restored, and not at all after a refusal", async () => {
    const server = new FakeServer();
    const unreachable = new Error("unreachable");
    const refused = new Error("refused");
    const outbox = new Outbox<Sent>({
      build: async (_id, draft) => server.sendable(draft, `key-${draft.body}`),
      onSent: () => {},
      isRetryable: (error) => error === unreachable,
      retryDelayMs: () => 60_000,
    });
    server.failNext = [unreachable];
    outbox.enqueue("c1", { body: "a", files: [] });
    await until(() => outbox.getSnapshot()[0]?.retrying === true);
    expect(outbox.getSnapshot()[0]).toMatchObject({ status: "failed", retrying: true });
    outbox.connectionRestored();
    await until(() => outbox.getSnapshot().length === 0);
    expect(server.attempts).toEqual(["key-a", "key-a"]);

    server.failNext = [refused];
    outbox.enqueue("c1", { body: "b", files: [] });
    await until(() => outbox.getSnapshot()[0]?.status === "failed");
    expect(outbox.getSnapshot()[0]?.retrying).toBe(false);
    outbox.connectionRestored();
    await new Promise((r) => setTimeout(r, 10));
    expect(server.attempts).toEqual(["key-a", "key-a", "key-b"]);
  });

  it("cancelling a message waiting for its automatic retry stops the retry", async () => {
    const server = new FakeServer();
    const unreachable = new Error("unreachable");
    const outbox = new Outbox<Sent>({
      build: async (_id, draft) => server.sendable(draft, "k"),
      onSent: () => {},
      isRetryable: () => true,
      retryDelayMs: () => 5,
    });
    server.failNext = [unreachable];
    const id = outbox.enqueue("c1", { body: "a", files: [] });
    await until(() => outbox.getSnapshot()[0]?.retrying === true);
    outbox.cancel(id);
    await new Promise((r) => setTimeout(r, 30));
    expect(outbox.getSnapshot()[0]).toMatchObject({ status: "cancelled", retrying: false });
    expect(server.attempts).toEqual(["k"]);
  });
});

describe("Outbox across a page reload", () => {
  class MemoryStore implements OutboxPersistence {
    readonly records = new Map<string, SavedOutgoing>();
    save(record: SavedOutgoing) {
      this.records.set(record.key, record);
    }
    remove(key: string) {
      this.records.delete(key);
    }
  }
  const file = () => new File([new Uint8Array(10)], "video.mp4");

  /** A send that reports an upload session, then waits (the page "reloads" meanwhile) or fails. */
  function sessionSendable(key: string, seen: { options: unknown[] }, outcome: "hang" | "send" | "fail") {
    return {
      idempotencyKey: key,
      send: async (options: Parameters<Sendable<Sent>["send"]>[0]) => {
        seen.options.push(options);
        options.onUploadStarted?.({ index: 0, uploadId: "upload-1" });
        if (outcome === "hang") return new Promise<Sent>(() => {});
        if (outcome === "fail") throw new Error("This file type is not allowed.");
        return { key: options.idempotencyKey ?? key, body: "clip" };
      },
    };
  }

  it("saves a message with files (file, idempotency key, upload id) and resumes it with them after a reload", async () => {
    const store = new MemoryStore();
    const seen = { options: [] as unknown[] };
    const before = new Outbox<Sent>({
      build: async () => sessionSendable("key-before", seen, "hang"),
      onSent: () => {},
    });
    before.persistTo({ store, identity: "alice" });
    before.enqueue("c1", { body: "clip", files: [file()] });
    before.enqueue("c1", { body: "text only", files: [] });
    await until(() => [...store.records.values()][0]?.uploadIds[0] === "upload-1");
    expect(store.records.size).toBe(1); // texts are not kept
    const [record] = [...store.records.values()];
    expect(record).toMatchObject({
      identity: "alice",
      conversationId: "c1",
      body: "clip",
      idempotencyKey: "key-before",
      uploadIds: ["upload-1"],
      stopped: null,
    });
    expect(record!.files[0]!.name).toBe("video.mp4");

    // The page reloads: a new outbox restores the record and builds it with the saved upload id.
    const resumes: unknown[] = [];
    const sent: Sent[] = [];
    const after = new Outbox<Sent>({
      build: async (_id, _draft, resume) => {
        resumes.push(resume);
        return sessionSendable("key-after", seen, "send");
      },
      onSent: (_id, m) => sent.push(m),
    });
    after.persistTo({ store, identity: "alice" });
    after.restore([record!]);
    after.restore([record!]); // twice (StrictMode): once only
    await until(() => sent.length === 1);
    expect(resumes).toEqual([{ uploadIds: ["upload-1"] }]);
    expect(sent[0]!.key).toBe("key-before"); // the first key: the server answers a repeat with the first message
    expect(store.records.size).toBe(0);
  });

  it("keeps a stopped message stopped after a reload, and forgets saved messages on sign-out", async () => {
    const store = new MemoryStore();
    const seen = { options: [] as unknown[] };
    const outbox = new Outbox<Sent>({ build: async () => sessionSendable("k", seen, "fail"), onSent: () => {} });
    outbox.persistTo({ store, identity: "alice" });
    outbox.enqueue("c1", { body: "clip", files: [file()] });
    await until(() => [...store.records.values()][0]?.stopped !== null && store.records.size === 1);
    const [record] = [...store.records.values()];
    expect(record!.stopped).toEqual({ error: "This file type is not allowed." });

    const later = new Outbox<Sent>({ build: async () => sessionSendable("k", seen, "send"), onSent: () => {} });
    later.persistTo({ store, identity: "alice" });
    later.restore([record!]);
    expect(later.getSnapshot()[0]).toMatchObject({ status: "failed", error: "This file type is not allowed." });
    later.forgetSaved();
    expect(store.records.size).toBe(0);
  });
});
