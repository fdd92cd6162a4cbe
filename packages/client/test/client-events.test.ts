// client.on("messageAdded" | "messageUpdated" | "messageRemoved"): the events of every conversation
// the viewer participates in (Twilio's client-level events), against a real server, through a TCP
// proxy for the reconnects.
import { tcpProxy, type TcpProxy } from "@parley/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Message, MessageUpdate, ParleyClient, ParleyError, RemovedMessage } from "../src/index.ts";
import { collector, liveClient, range, type Collector } from "./live.ts";
import { clientFor, eventually, startTestServer, type TestServer } from "./support.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let t: TestServer;
let proxy: TcpProxy;
const clients: ParleyClient[] = [];
beforeAll(async () => {
  t = await startTestServer();
  proxy = await tcpProxy({ port: Number(new URL(t.url).port) });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await proxy?.close();
  await t?.close();
});

async function live(identity: string, url = t.url) {
  const client = await liveClient(t, identity, { url });
  clients.push(client);
  return client;
}

/** [conversationId, index] pairs as delivered. */
const delivered = (c: Collector<Message>) => c.items.map((m) => [m.conversationId, m.index] as const);
/** The indexes delivered for one conversation, in delivery order. */
const indexesIn = (c: Collector<Message>, conversationId: string) =>
  c.items.filter((m) => m.conversationId === conversationId).map((m) => m.index);

describe("client-level messageAdded", () => {
  it("delivers every conversation's new messages, created and joined later ones too, each once, in order per conversation", async () => {
    const alice = await clientFor(t, "alice");
    const identity = "carol";
    const before = await alice.createConversation({ participants: [identity] });
    await alice.conversation(before.id).sendMessage("history 0");
    await alice.conversation(before.id).sendMessage("history 1");
    const carol = await live(identity);
    const added = collector<Message>();
    const stop = carol.on("messageAdded", added.handler);
    // Right after on() returned, without awaiting ready: delivered all the same.
    await alice.conversation(before.id).sendMessage("after on()");
    const created = await alice.createConversation({ participants: [identity] });
    const elsewhere = await alice.createConversation({ participants: ["bob"] });
    await alice.conversation(elsewhere.id).sendMessage("before carol joined");
    await Promise.all([
      ...range(0, 6).map((i) => alice.conversation(created.id).sendMessage(`created ${i}`)),
      ...range(0, 4).map((i) => alice.conversation(before.id).sendMessage(`before ${i}`)),
    ]);
    await alice.conversation(elsewhere.id).add(identity);
    await alice.conversation(elsewhere.id).sendMessage("after carol joined");
    await carol.conversation(created.id).sendMessage("carol's own");
    await added.waitFor(1 + 10 + 1 + 1);
    await sleep(1500); // past the re-check after connecting: nothing more comes
    expect(indexesIn(added, before.id)).toEqual([2, 3, 4, 5, 6]);
    expect(indexesIn(added, created.id)).toEqual(range(0, 7));
    expect(indexesIn(added, elsewhere.id)).toEqual([1]);
    expect(added.items).toHaveLength(13);
    expect(new Set(added.items.map((m) => m.id)).size).toBe(13);
    expect(added.items.find((m) => m.index === 6 && m.conversationId === created.id)).toMatchObject({
      author: identity,
      body: "carol's own",
    });
    stop();
    await carol.conversation(created.id).sendMessage("after stop");
    await sleep(500);
    expect(added.items).toHaveLength(13);
  });

  it("delivers a message sent right after on() (no await), 30 times in a row, with a new client each time", async () => {
    const alice = await clientFor(t, "alice");
    const { id } = await alice.createConversation({ participants: ["dave"] });
    for (let round = 0; round < 30; round++) {
      const dave = await live("dave");
      const added = collector<Message>();
      dave.on("messageAdded", added.handler);
      await alice.conversation(id).sendMessage(`round ${round}`);
      const [first] = await added.waitFor(1, 10_000);
      expect(first!.body).toBe(`round ${round}`);
      await dave.close();
    }
  });

  it("after the connection drops, delivers what was sent meanwhile first: known conversations, and new ones from the join on", async () => {
    const alice = await clientFor(t, "alice");
    const identity = "erin";
    const known = await alice.createConversation({ participants: [identity] });
    const quiet = await alice.createConversation({ participants: [identity] });
    await alice.conversation(quiet.id).sendMessage("quiet 0");
    const erin = await live(identity, proxy.url);
    const added = collector<Message>();
    const states = collector<string>();
    erin.on("connectionStateChanged", states.handler);
    await erin.on("messageAdded", added.handler).ready;
    await eventually(async () => expect(erin.connectionState).toBe("connected"));
    await sleep(300);
    await alice.conversation(known.id).sendMessage("live 0");
    await added.waitFor(1);

    expect(await proxy.down("closed")).toBeGreaterThan(0);
    await eventually(async () => expect(erin.connectionState).not.toBe("connected"));
    for (let i = 1; i < 4; i++) await alice.conversation(known.id).sendMessage(`missed ${i}`);
    const created = await alice.createConversation({ participants: [identity] });
    await alice.conversation(created.id).sendMessage("created 0");
    await alice.conversation(created.id).sendMessage("created 1");
    const joined = await alice.createConversation({ participants: ["bob"] });
    await alice.conversation(joined.id).sendMessage("history, before erin joined");
    await sleep(20); // the join after that message, even at the clock's resolution
    await alice.conversation(joined.id).add(identity);
    await alice.conversation(joined.id).sendMessage("after erin joined");
    await proxy.up();

    await added.waitFor(1 + 3 + 2 + 1);
    await sleep(1500);
    // In index order per conversation (the order across conversations is not promised), each once.
    expect(indexesIn(added, known.id)).toEqual([0, 1, 2, 3]);
    expect(indexesIn(added, created.id)).toEqual([0, 1]);
    expect(indexesIn(added, joined.id)).toEqual([1]); // not the message from before erin joined
    expect(added.items).toHaveLength(7);
    // The missed ones came from catch-up reads (listed messages have cursors), live ones do not.
    expect(added.items[0]!.cursor).toBeNull();
    expect(added.items.slice(1).every((m) => m.cursor !== null)).toBe(true);
    expect(states.items.filter((s) => s === "connected").length).toBeGreaterThanOrEqual(2);
    // And live again.
    await alice.conversation(quiet.id).sendMessage("quiet 1");
    await added.waitFor(8);
    expect(delivered(added).at(-1)).toEqual([quiet.id, 1]);
  });
});

describe("client-level messageUpdated and messageRemoved", () => {
  it("delivers edits and removals of every conversation, and off() removes a handler", async () => {
    const alice = await clientFor(t, "alice");
    const frank = await live("frank");
    const updates = collector<MessageUpdate>();
    const removals = collector<RemovedMessage>();
    const errors = collector<ParleyError>();
    frank.on("messageUpdated", updates.handler);
    frank.on("messageRemoved", removals.handler);
    frank.on("connectionError", errors.handler);
    const other = collector<MessageUpdate>();
    frank.on("messageUpdated", other.handler);
    frank.off("messageUpdated", other.handler);
    await eventually(async () => expect(frank.connectionState).toBe("connected"));
    await sleep(300);
    const one = await alice.createConversation({ participants: ["frank"] });
    const two = await alice.createConversation({ participants: ["frank"] });
    const first = await alice.conversation(one.id).sendMessage("one");
    const second = await alice.conversation(two.id).sendMessage("two");
    await first.updateBody("one, edited");
    await second.updateAttributes({ pinned: true });
    await second.remove();
    await updates.waitFor(2);
    await removals.waitFor(1);
    expect(updates.items.map((u) => [u.message.conversationId, u.message.body, u.reasons])).toEqual([
      [one.id, "one, edited", ["BODY"]],
      [two.id, "two", ["ATTRIBUTES"]],
    ]);
    expect(removals.items).toEqual([{ id: second.id, index: 0, conversationId: two.id, removedAt: expect.any(Date) }]);
    expect(other.items).toEqual([]);
    expect(errors.items).toEqual([]);
    expect(() => frank.on("nope" as "messageAdded", () => {})).toThrow(/Unknown client event "nope"/);
  });
});
