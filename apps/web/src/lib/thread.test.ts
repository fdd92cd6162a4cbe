import { describe, expect, it } from "vitest";
import { mergeMessages, PAGE_SIZE, ThreadStore, type MessagePage, type MessageSource } from "./thread.ts";

interface Msg {
  id: string;
  index: number;
  copy?: number;
  body?: string;
  updatedAt?: Date;
}

type Handlers = {
  messageAdded: Set<(m: Msg) => void>;
  messageUpdated: Set<(u: { message: Msg }) => void>;
  messageRemoved: Set<(r: { id: string; index: number }) => void>;
  error: Set<(e: Error) => void>;
};

/** A conversation's messages with the API's paging rules (ascending edges, cursors = index). */
class Conversation implements MessageSource<Msg> {
  messages: Msg[] = [];
  calls: string[] = [];
  failNext = false;
  /** The `after` of every messageAdded subscription. */
  addedAfter: number[] = [];
  readonly handlers: Handlers = {
    messageAdded: new Set(),
    messageUpdated: new Set(),
    messageRemoved: new Set(),
    error: new Set(),
  };

  on(event: keyof Handlers, handler: (value: never) => void, options?: { after?: number }): () => void {
    if (event === "messageAdded") this.addedAfter.push(options?.after ?? NaN);
    const set = this.handlers[event] as Set<unknown>;
    set.add(handler);
    return () => set.delete(handler);
  }

  subscriptions() {
    return Object.fromEntries(Object.entries(this.handlers).map(([k, v]) => [k, v.size]));
  }

  emitAdded(index: number) {
    const m = this.messages[index]!;
    for (const h of this.handlers.messageAdded) h({ ...m });
  }

  emitUpdated(message: Msg) {
    for (const h of this.handlers.messageUpdated) h({ message });
  }

  emitRemoved(id: string) {
    const index = this.messages.find((m) => m.id === id)?.index ?? -1;
    for (const h of this.handlers.messageRemoved) h({ id, index });
  }

  /** Like the SDK: the error handler runs, and every handler is detached. */
  emitError(error: Error) {
    const handlers = [...this.handlers.error];
    for (const set of Object.values(this.handlers)) set.clear();
    for (const h of handlers) h(error);
  }

  add(count: number) {
    for (let i = 0; i < count; i++) this.messages.push({ id: `m${this.messages.length}`, index: this.messages.length });
  }

  async getMessages(o: {
    pageSize?: number;
    anchor?: string;
    direction?: "backwards" | "forward";
  }): Promise<MessagePage<Msg>> {
    this.calls.push(`${o.direction}:${o.anchor ?? "-"}:${o.pageSize}`);
    if (this.failNext) {
      this.failNext = false;
      throw new Error("network down");
    }
    const size = o.pageSize ?? 30;
    const anchor = o.anchor === undefined ? undefined : Number(o.anchor);
    let items: Msg[];
    if (o.direction === "forward")
      items = this.messages.filter((m) => anchor === undefined || m.index > anchor).slice(0, size);
    else items = this.messages.filter((m) => anchor === undefined || m.index < anchor).slice(-size);
    return this.page(items, size);
  }

  private page(items: Msg[], size: number): MessagePage<Msg> {
    const first = items[0]?.index;
    const last = items.at(-1)?.index;
    const copies = items.map((m) => ({ ...m, copy: (m.copy ?? 0) + 1 }));
    return {
      items: copies,
      hasPrevPage: first !== undefined && first > 0,
      hasNextPage: last !== undefined && last < this.messages.length - 1,
      startCursor: first === undefined ? null : String(first),
      endCursor: last === undefined ? null : String(last),
      prevPage: () => this.getMessages({ pageSize: size, anchor: String(first), direction: "backwards" }),
      nextPage: () => this.getMessages({ pageSize: size, anchor: String(last), direction: "forward" }),
    };
  }
}

const indexes = (store: ThreadStore<Msg>) => store.getSnapshot().messages.map((m) => m.index);

describe("mergeMessages", () => {
  it("orders by index and keeps one copy per id (the newer)", () => {
    const merged = mergeMessages(
      [
        { id: "b", index: 1 },
        { id: "c", index: 2, copy: 1 },
      ],
      [
        { id: "a", index: 0 },
        { id: "c", index: 2, copy: 2 },
      ],
    );
    expect(merged).toEqual([
      { id: "a", index: 0 },
      { id: "b", index: 1 },
      { id: "c", index: 2, copy: 2 },
    ]);
  });
});

describe("ThreadStore", () => {
  it("shows the newest page first, then older pages on demand", async () => {
    const conversation = new Conversation();
    conversation.add(75);
    const store = new ThreadStore(conversation);
    await store.start();
    expect(indexes(store)).toEqual(Array.from({ length: PAGE_SIZE }, (_, i) => 45 + i));
    expect(store.getSnapshot()).toMatchObject({ status: "ready", hasOlder: true });
    await store.loadOlder();
    expect(indexes(store)[0]).toBe(15);
    await store.loadOlder();
    expect(indexes(store)).toEqual(Array.from({ length: 75 }, (_, i) => i));
    expect(store.getSnapshot().hasOlder).toBe(false);
    await store.loadOlder(); // nothing left: no request
    expect(conversation.calls).toHaveLength(3);
  });

  it("shares one request between concurrent loads of the same older page", async () => {
    const conversation = new Conversation();
    conversation.add(40);
    const store = new ThreadStore(conversation);
    await store.start();
    await Promise.all([store.loadOlder(), store.loadOlder()]);
    expect(conversation.calls).toEqual(["backwards:-:30", "backwards:10:30"]);
  });

  it("follows the conversation live from the newest page's last index (no gap, no polling)", async () => {
    const conversation = new Conversation();
    conversation.add(3);
    const store = new ThreadStore(conversation);
    await store.start();
    expect(conversation.subscriptions()).toEqual({ messageAdded: 1, messageUpdated: 1, messageRemoved: 1, error: 1 });
    expect(conversation.addedAfter).toEqual([2]);
    conversation.add(2);
    conversation.emitAdded(3);
    conversation.emitAdded(4);
    expect(indexes(store)).toEqual([0, 1, 2, 3, 4]);
    expect(conversation.calls).toEqual(["backwards:-:30"]); // the one history read, nothing after
  });

  it("an empty conversation follows from before the first index", async () => {
    const conversation = new Conversation();
    const store = new ThreadStore(conversation);
    await store.start();
    expect(store.getSnapshot()).toMatchObject({ status: "ready", messages: [], hasOlder: false });
    expect(conversation.addedAfter).toEqual([-1]);
    conversation.add(1);
    conversation.emitAdded(0);
    expect(indexes(store)).toEqual([0]);
  });

  it("a message sent from here appears at once and is not doubled when its live event arrives", async () => {
    const conversation = new Conversation();
    conversation.add(2);
    const store = new ThreadStore(conversation);
    await store.start();
    conversation.add(1);
    store.add({ id: "m2", index: 2 });
    expect(indexes(store)).toEqual([0, 1, 2]);
    conversation.emitAdded(2);
    expect(indexes(store)).toEqual([0, 1, 2]);
  });

  it("replaces an edited message in place, and an older copy never replaces a newer one", async () => {
    const conversation = new Conversation();
    conversation.add(2);
    const store = new ThreadStore(conversation);
    await store.start();
    const t = (s: number) => new Date(Date.UTC(2030, 0, 1, 0, 0, s));
    conversation.emitUpdated({ id: "m1", index: 1, body: "second edit", updatedAt: t(2) });
    expect(store.getSnapshot().messages[1]).toMatchObject({ body: "second edit" });
    conversation.emitUpdated({ id: "m1", index: 1, body: "first edit", updatedAt: t(1) }); // late
    expect(store.getSnapshot().messages[1]).toMatchObject({ body: "second edit" });
    // An update of a message not on screen (an older page) is not added out of its page.
    conversation.emitUpdated({ id: "m-old", index: -5, body: "x", updatedAt: t(3) });
    expect(indexes(store)).toEqual([0, 1]);
  });

  it("removes a message live, and a stale page or event cannot bring it back", async () => {
    const conversation = new Conversation();
    conversation.add(40);
    const store = new ThreadStore(conversation);
    await store.start();
    conversation.emitRemoved("m20");
    store.remove("m5"); // removed from this tab, before its page is loaded
    expect(indexes(store)).not.toContain(20);
    await store.loadOlder();
    expect(indexes(store)).toHaveLength(38);
    expect(indexes(store)).not.toContain(5);
    conversation.emitUpdated({ id: "m20", index: 20, body: "late", updatedAt: new Date() });
    expect(indexes(store)).not.toContain(20);
  });

  it("reports when the live events stop for good, and resumes after the newest index delivered", async () => {
    const conversation = new Conversation();
    conversation.add(2);
    const store = new ThreadStore(conversation);
    await store.start();
    conversation.add(1);
    conversation.emitAdded(2);
    conversation.emitError(new Error("FORBIDDEN"));
    expect((store.getSnapshot().liveError as Error).message).toBe("FORBIDDEN");
    expect(conversation.subscriptions()).toEqual({ messageAdded: 0, messageUpdated: 0, messageRemoved: 0, error: 0 });
    store.resume();
    expect(store.getSnapshot().liveError).toBeNull();
    expect(conversation.addedAfter).toEqual([1, 2]);
    expect(conversation.subscriptions()).toEqual({ messageAdded: 1, messageUpdated: 1, messageRemoved: 1, error: 1 });
  });

  it("a failed older page is reported quietly and the next try recovers", async () => {
    const conversation = new Conversation();
    conversation.add(40);
    const store = new ThreadStore(conversation);
    await store.start();
    conversation.failNext = true;
    await store.loadOlder();
    expect((store.getSnapshot().olderError as Error).message).toBe("network down");
    await store.loadOlder();
    expect(store.getSnapshot().olderError).toBeNull();
    expect(indexes(store)).toHaveLength(40);
  });

  it("a failed first load is an error state that start() can retry", async () => {
    const conversation = new Conversation();
    conversation.add(1);
    conversation.failNext = true;
    const store = new ThreadStore(conversation);
    await store.start();
    expect(store.getSnapshot().status).toBe("error");
    await store.start();
    expect(store.getSnapshot().status).toBe("ready");
  });

  it("stops notifying and unsubscribes from live events after close()", async () => {
    const conversation = new Conversation();
    conversation.add(1);
    const open = new ThreadStore(conversation);
    await open.start();
    open.close();
    expect(conversation.subscriptions()).toEqual({ messageAdded: 0, messageUpdated: 0, messageRemoved: 0, error: 0 });

    const store = new ThreadStore(conversation);
    let calls = 0;
    store.subscribe(() => calls++);
    store.close();
    await store.start();
    expect(calls).toBe(0);
  });
});
