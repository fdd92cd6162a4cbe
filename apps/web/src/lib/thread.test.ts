import { describe, expect, it } from "vitest";
import { mergeMessages, PAGE_SIZE, ThreadStore, type MessagePage, type MessageSource } from "./thread.ts";

interface Msg {
  id: string;
  index: number;
  copy?: number;
}

/** A conversation's messages with the API's paging rules (ascending edges, cursors = index). */
class Conversation implements MessageSource<Msg> {
  messages: Msg[] = [];
  calls: string[] = [];
  failNext = false;

  add(count: number) {
    for (let i = 0; i < count; i++) this.messages.push({ id: `m${this.messages.length}`, index: this.messages.length });
  }

  async getMessages(o: { pageSize?: number; anchor?: string; direction?: "backwards" | "forward" }): Promise<MessagePage<Msg>> {
    this.calls.push(`${o.direction}:${o.anchor ?? "-"}:${o.pageSize}`);
    if (this.failNext) {
      this.failNext = false;
      throw new Error("network down");
    }
    const size = o.pageSize ?? 30;
    const anchor = o.anchor === undefined ? undefined : Number(o.anchor);
    let items: Msg[];
    if (o.direction === "forward") items = this.messages.filter((m) => anchor === undefined || m.index > anchor).slice(0, size);
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
    const merged = mergeMessages([{ id: "b", index: 1 }, { id: "c", index: 2, copy: 1 }], [{ id: "a", index: 0 }, { id: "c", index: 2, copy: 2 }]);
    expect(merged).toEqual([{ id: "a", index: 0 }, { id: "b", index: 1 }, { id: "c", index: 2, copy: 2 }]);
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

  it("polls forward from the newest message seen and adds what is new", async () => {
    const conversation = new Conversation();
    conversation.add(3);
    const store = new ThreadStore(conversation);
    await store.start();
    await store.poll();
    expect(indexes(store)).toEqual([0, 1, 2]);
    conversation.add(2);
    await store.poll();
    expect(indexes(store)).toEqual([0, 1, 2, 3, 4]);
    expect(conversation.calls.slice(1)).toEqual(["forward:2:100", "forward:2:100"]);
    await store.poll();
    expect(conversation.calls.at(-1)).toBe("forward:4:100");
  });

  it("catches up over several pages after a long absence", async () => {
    const conversation = new Conversation();
    conversation.add(1);
    const store = new ThreadStore(conversation);
    await store.start();
    conversation.add(250);
    await store.poll();
    expect(indexes(store)).toHaveLength(251);
    expect(indexes(store).at(-1)).toBe(250);
  });

  it("an empty conversation polls from the beginning", async () => {
    const conversation = new Conversation();
    const store = new ThreadStore(conversation);
    await store.start();
    expect(store.getSnapshot()).toMatchObject({ status: "ready", messages: [], hasOlder: false });
    conversation.add(2);
    await store.poll();
    expect(indexes(store)).toEqual([0, 1]);
    expect(conversation.calls[1]).toBe("forward:-:100");
  });

  it("a message sent from here appears at once and is not doubled when the poll brings it back", async () => {
    const conversation = new Conversation();
    conversation.add(2);
    const store = new ThreadStore(conversation);
    await store.start();
    conversation.add(1);
    store.add({ id: "m2", index: 2 });
    expect(indexes(store)).toEqual([0, 1, 2]);
    await store.poll();
    expect(indexes(store)).toEqual([0, 1, 2]);
  });

  it("a failed poll is reported and the next one recovers", async () => {
    const conversation = new Conversation();
    conversation.add(1);
    const store = new ThreadStore(conversation);
    await store.start();
    conversation.failNext = true;
    await store.poll();
    expect((store.getSnapshot().pollError as Error).message).toBe("network down");
    conversation.add(1);
    await store.poll();
    expect(store.getSnapshot().pollError).toBeNull();
    expect(indexes(store)).toEqual([0, 1]);
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

  it("stops notifying after close()", async () => {
    const conversation = new Conversation();
    const store = new ThreadStore(conversation);
    let calls = 0;
    store.subscribe(() => calls++);
    store.close();
    await store.start();
    expect(calls).toBe(0);
  });
});
