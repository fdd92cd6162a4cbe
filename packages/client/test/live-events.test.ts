// conversation.on(...) against a real server: graphql-ws over the server's /graphql, real sends.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createClient,
  Message,
  ParleyError,
  type ConnectionState,
  type FetchLike,
  type MessageUpdate,
  type ParleyClient,
  type RemovedMessage,
} from "../src/index.ts";
import { WebSocket } from "../src/node.ts";
import { collector, firstError, indexesOf, liveClient, range } from "./live.ts";
import { clientFor, countingFetch, download, eventually, sha256, startTestServer, type TestServer } from "./support.ts";
import { readFixture, tcpProxy } from "@parley/testkit";

const photo = readFixture("photo.png");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let t: TestServer;
const clients: ParleyClient[] = [];
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await t?.close();
});

async function live(identity: string, options: Parameters<typeof liveClient>[2] = {}) {
  const client = await liveClient(t, identity, options);
  clients.push(client);
  return client;
}

/** A conversation of alice's with `others`; alice's client and the id. */
async function conversationWith(others: string[]) {
  const alice = await clientFor(t, "alice");
  const { id } = await alice.createConversation({ participants: others });
  return { alice, id };
}

/** Waits until the client's socket is up (then, after a short settle, the subscription is registered). */
async function connected(client: ParleyClient) {
  await eventually(async () => expect(client.connectionState).toBe("connected"));
  await sleep(300);
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

describe("messageAdded", () => {
  it("delivers a message sent right after on() (no { after }), 100 times in a row, by the same and another client", async () => {
    const { alice, id } = await conversationWith(["bob"]);
    const aliceLive = await live("alice");
    const bob = await live("bob");
    for (let round = 0; round < 100; round++) {
      // Even rounds: the receiver itself sends (the reported case); odd rounds: another client does.
      const receiver = round % 2 === 0 ? aliceLive : bob;
      const got = collector<Message>();
      const off = receiver.conversation(id).on("messageAdded", got.handler);
      const sent = await alice.conversation(id).sendMessage(`round ${round}`); // no await between on() and the send
      const [message] = await got.waitFor(1, 10_000).catch((error: unknown) => {
        throw new Error(`round ${round}: message #${sent.index} sent after on() was not delivered (${String(error)})`);
      });
      expect(message!.index, `round ${round}`).toBe(sent.index);
      await off.ready; // resolved by now: the starting point was fixed before the send went out
      off();
      expect(indexesOf(got), `round ${round}: only the message sent after on()`).toEqual([sent.index]);
    }
  }, 120_000);

  it("on() returns the unsubscribe function with a ready promise, resolved at once with { after }", async () => {
    const { alice, id } = await conversationWith(["bob"]);
    const bob = await live("bob");
    await alice.conversation(id).sendMessage("before");
    const got = collector<Message>();
    const off = bob.conversation(id).on("messageAdded", got.handler);
    await off.ready;
    const offAfter = bob.conversation(id).on("messageAdded", () => {}, { after: 5 });
    await offAfter.ready;
    offAfter();
    await alice.conversation(id).sendMessage("after");
    expect((await got.waitFor(1)).map((m) => m.body)).toEqual(["after"]);
    off();
  });

  it("delivers concurrent sends as Message objects, in index order, each once, to every handler", async () => {
    const { alice, id } = await conversationWith(["bob"]);
    const bob = await live("bob");
    const first = collector<Message>();
    const second = collector<Message>();
    bob.conversation(id).on("messageAdded", first.handler);
    // A second handle of the same client shares the subscription.
    bob.conversation(id).on("messageAdded", second.handler);
    await connected(bob);

    const bobSends = await clientFor(t, "bob");
    const sends = Array.from({ length: 24 }, (_, i) =>
      (i % 3 ? alice : bobSends).conversation(id).sendMessage(`m${i}`, { i }),
    );
    const media = alice
      .conversation(id)
      .prepareMessage()
      .setBody("a photo")
      .addMedia({ media: photo, filename: "photo.png" })
      .buildAndSend();
    const sent = await Promise.all([...sends, media]);
    await first.waitFor(25);
    await second.waitFor(25);
    await sleep(300); // nothing more may come
    expect(indexesOf(first)).toEqual(range(0, 25));
    expect(indexesOf(second)).toEqual(range(0, 25));
    for (const m of first.items) {
      expect(m).toBeInstanceOf(Message);
      const original = sent.find((s) => s.id === m.id)!;
      expect(m).toMatchObject({ index: original.index, body: original.body, author: original.author });
      expect(m.attributes).toEqual(original.attributes);
    }
    // A media message arrives with working temporary URLs.
    const withMedia = first.items.find((m) => m.media.length > 0)!;
    expect(withMedia.media[0]).toMatchObject({ filename: "photo.png", size: photo.length, sha256: sha256(photo) });
    const got = await download(await withMedia.media[0]!.getContentTemporaryUrl());
    expect(sha256(got.bytes)).toBe(sha256(photo));
  });

  it("measures send-to-event latency on one server", async () => {
    const { alice, id } = await conversationWith(["bob"]);
    const bob = await live("bob");
    const arrived = new Map<number, number>();
    const events = collector<Message>();
    bob.conversation(id).on("messageAdded", (m) => {
      arrived.set(m.index, performance.now());
      events.handler(m);
    });
    await connected(bob);
    const latencies: number[] = [];
    for (let i = 0; i < 30; i++) {
      const start = performance.now();
      const m = await alice.conversation(id).sendMessage(`latency ${i}`);
      await events.waitFor(i + 1);
      latencies.push(arrived.get(m.index)! - start);
    }
    expect(indexesOf(events)).toEqual(range(0, 30));
    console.info(
      `one server: send→messageAdded p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms (30 sequential sends)`,
    );
  });

  it("with { after } delivers existing messages first, then live ones, with no gap", async () => {
    const { alice, id } = await conversationWith(["bob"]);
    for (let i = 0; i < 45; i++) await alice.conversation(id).sendMessage(`old ${i}`);
    const bob = await live("bob");
    const page = await bob.conversation(id).getMessages({ pageSize: 10 }); // indexes 35..44 rendered
    const fromPage = collector<Message>();
    bob.conversation(id).on("messageAdded", fromPage.handler, { after: page.items[4]!.index }); // after 39
    const everything = collector<Message>();
    bob.conversation(id).on("messageAdded", everything.handler, { after: -1 });
    await fromPage.waitFor(5);
    await everything.waitFor(45);
    await alice.conversation(id).sendMessage("new");
    await fromPage.waitFor(6);
    await everything.waitFor(46);
    expect(indexesOf(fromPage)).toEqual(range(40, 46));
    expect(indexesOf(everything)).toEqual(range(0, 46));
    // Existing messages come from pages and have cursors; live ones do not.
    expect(fromPage.items[0]!.cursor).toEqual(expect.any(String));
  });

  it("gives a handler added while another one's catch-up is being read its own, complete history", async () => {
    const { alice, id } = await conversationWith(["bob"]);
    for (let i = 0; i < 30; i++) await alice.conversation(id).sendMessage(`old ${i}`);
    // Every page read takes 400 ms, so the second handler arrives while the first one's is in flight.
    const slowPages: FetchLike = async (input, init) => {
      if (typeof init?.body === "string" && init.body.includes('"operationName":"Messages"')) await sleep(400);
      return fetch(input, init);
    };
    const bob = await live("bob", { fetch: slowPages });
    const late = collector<Message>();
    const early = collector<Message>();
    bob.conversation(id).on("messageAdded", late.handler, { after: 20 });
    await sleep(150);
    bob.conversation(id).on("messageAdded", early.handler, { after: -1 });
    await late.waitFor(9);
    await early.waitFor(30);
    await alice.conversation(id).sendMessage("live");
    await late.waitFor(10);
    await early.waitFor(31);
    await sleep(300);
    expect(indexesOf(late)).toEqual(range(21, 31));
    expect(indexesOf(early)).toEqual(range(0, 31));
  });

  it("without { after } starts at the newest message: earlier ones are not replayed", async () => {
    const { alice, id } = await conversationWith(["bob"]);
    for (let i = 0; i < 3; i++) await alice.conversation(id).sendMessage(`before ${i}`);
    const bob = await live("bob");
    const events = collector<Message>();
    const off = bob.conversation(id).on("messageAdded", events.handler);
    await connected(bob);
    await alice.conversation(id).sendMessage("after");
    await events.waitFor(1);
    off();
    await alice.conversation(id).sendMessage("after off");
    await sleep(500);
    expect(indexesOf(events)).toEqual([3]);
  });

  it("opens the WebSocket on the first handler and closes it after the last one goes", async () => {
    const { id } = await conversationWith(["bob"]);
    const bob = await live("bob");
    const states: ConnectionState[] = [];
    bob.on("connectionStateChanged", (s) => states.push(s));
    expect(bob.connectionState).toBe("disconnected");
    const offA = bob.conversation(id).on("messageAdded", () => {});
    const offB = bob.conversation(id).on("messageRemoved", () => {});
    await connected(bob);
    offA();
    offB();
    offB(); // twice is harmless
    await eventually(async () => expect(bob.connectionState).toBe("disconnected"));
    expect(states).toEqual(["connecting", "connected", "disconnected"]);
  });
});

describe("messageUpdated and messageRemoved", () => {
  it("delivers edits with their reasons and removals; removed media URLs stop working", async () => {
    const { alice, id } = await conversationWith(["bob"]);
    const bob = await live("bob");
    const updates = collector<MessageUpdate>();
    const removals = collector<RemovedMessage>();
    bob.conversation(id).on("messageUpdated", updates.handler);
    bob.conversation(id).on("messageRemoved", removals.handler);
    await connected(bob);

    const text = await alice.conversation(id).sendMessage("first draft", { v: 1 });
    const edited = await text.updateBody("final text");
    expect(edited).toBeInstanceOf(Message);
    expect(edited).toMatchObject({ id: text.id, index: text.index, body: "final text", attributes: { v: 1 } });
    expect(text.body).toBe("first draft"); // the object it was called on keeps its fields
    const reattributed = await edited.updateAttributes({ v: 2, pinned: true });
    expect(reattributed).toMatchObject({ body: "final text", attributes: { v: 2, pinned: true } });

    await updates.waitFor(2);
    expect(updates.items.map((u) => [u.message.id, u.reasons, u.message.body])).toEqual([
      [text.id, ["BODY"], "final text"],
      [text.id, ["ATTRIBUTES"], "final text"],
    ]);
    expect(updates.items[1]!.message).toBeInstanceOf(Message);
    expect(updates.items[1]!.message.attributes).toEqual({ v: 2, pinned: true });

    // Only the author edits or removes.
    const asBob = (await bob.conversation(id).getMessages()).items.find((m) => m.id === text.id)!;
    await expect(asBob.updateBody("hijack")).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(asBob.remove()).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(edited.updateBody("")).rejects.toMatchObject({ code: "BAD_USER_INPUT" });

    const media = await (
      await alice
        .conversation(id)
        .prepareMessage()
        .addMedia({ media: photo, filename: "a.png" })
        .addMedia({ media: photo, filename: "b.png" })
        .build()
    ).send();
    const urls = [...(await media.getTemporaryContentUrlsForAttachedMedia()).values()];
    expect((await download(urls[0]!)).status).toBe(200);
    expect(await t.objects(`media/${id}/`)).toHaveLength(2);

    const removed = await media.remove();
    expect(removed).toEqual({ id: media.id, index: media.index, conversationId: id, removedAt: expect.any(Date) });
    const [event] = await removals.waitFor(1);
    expect(event).toEqual({ id: media.id, index: media.index, conversationId: id, removedAt: expect.any(Date) });
    for (const url of urls) expect((await download(url)).status).toBeGreaterThanOrEqual(400);
    // Previews too: a preview job running during the removal deletes what it stored once it finds
    // the medium gone (it may still be finishing when the removal answers).
    await eventually(async () => expect(await t.objects(`media/${id}/`, { previews: true })).toEqual([]));
    // Idempotent: removing again answers the same, and nothing else is announced.
    expect(await media.remove()).toEqual(removed);
    await expect(media.getTemporaryContentUrlsForAttachedMedia()).resolves.toBeDefined(); // URLs in hand, no request
    await expect(media.refreshMediaUrls()).rejects.toMatchObject({ code: "NOT_FOUND" });
    await sleep(300);
    expect(removals.items).toHaveLength(1);
    const left = (await alice.conversation(id).getMessages()).items.map((m) => m.index);
    expect(left).toEqual([text.index]);
  });
});

describe("refusals", () => {
  it("reports FORBIDDEN to a non-participant's error handler and delivers nothing", async () => {
    const { alice, id } = await conversationWith([]);
    const mallory = await live("mallory");
    const events = collector<Message>();
    const conversation = mallory.conversation(id);
    conversation.on("messageAdded", events.handler, { after: -1 });
    conversation.on("messageUpdated", () => {});
    const error = await firstError((h) => conversation.on("error", h));
    expect(error).toBeInstanceOf(ParleyError);
    expect(error.code).toBe("FORBIDDEN");
    expect(error.message).toMatch(/participant/i);
    await alice.conversation(id).sendMessage("secret");
    await sleep(500);
    expect(events.items).toEqual([]);
    // Every handler was detached: the socket closes.
    await eventually(async () => expect(mallory.connectionState).toBe("disconnected"));
  });

  it("reports NOT_FOUND for a conversation that does not exist", async () => {
    const bob = await live("bob");
    const conversation = bob.conversation("00000000-0000-7000-8000-000000000000");
    const error = firstError((h) => conversation.on("error", h));
    conversation.on("messageAdded", () => {});
    expect(await error).toMatchObject({ code: "NOT_FOUND" });
  });

  it("stops a removed participant's events with FORBIDDEN", async () => {
    const { alice, id } = await conversationWith(["bob"]);
    const bob = await live("bob");
    const events = collector<Message>();
    bob.conversation(id).on("messageAdded", events.handler);
    const error = firstError((h) => bob.conversation(id).on("error", h));
    await connected(bob);
    await alice.conversation(id).sendMessage("hello bob");
    await events.waitFor(1);
    expect(await alice.conversation(id).removeParticipant("bob")).toBe(true);
    expect(await alice.conversation(id).removeParticipant("bob")).toBe(false);
    expect(await error).toMatchObject({ code: "FORBIDDEN" });
    await alice.conversation(id).sendMessage("bob is gone");
    await sleep(500);
    expect(indexesOf(events)).toEqual([0]);
  });

  it("reports UNAUTHENTICATED when the WebSocket refuses a fixed token", async () => {
    const { id } = await conversationWith(["bob"]);
    const client = createClient({ url: t.url, token: await t.token("bob", -5), webSocketImpl: WebSocket });
    clients.push(client);
    const conversation = client.conversation(id);
    const error = firstError((h) => conversation.on("error", h));
    conversation.on("messageAdded", () => {}, { after: -1 });
    expect(await error).toMatchObject({ code: "UNAUTHENTICATED" });
  });

  it("asks getToken again when the WebSocket refuses a token, and on every reconnect", async () => {
    const { alice, id } = await conversationWith(["bob"]);
    const issued: string[] = [];
    const bob = await live("bob", {
      token: undefined,
      // The first token is already expired: the connection is refused with 4403, then retried.
      getToken: async () => {
        const token = await t.token("bob", issued.length === 0 ? -5 : 3600);
        issued.push(token);
        return token;
      },
    });
    const events = collector<Message>();
    bob.conversation(id).on("messageAdded", events.handler, { after: -1 });
    await alice.conversation(id).sendMessage("after a refusal");
    await events.waitFor(1);
    expect(issued).toHaveLength(2);
  });

  it("says what to pass when the runtime has no WebSocket", async () => {
    const { id } = await conversationWith([]);
    const client = await clientFor(t, "alice"); // no webSocketImpl
    if (typeof (globalThis as { WebSocket?: unknown }).WebSocket === "undefined") {
      expect(() => client.conversation(id).on("messageAdded", () => {})).toThrow(/webSocketImpl/);
    } else {
      // Node.js ≥ 22: the global WebSocket is used.
      const events = collector<Message>();
      client.conversation(id).on("messageAdded", events.handler, { after: -1 });
      await client.conversation(id).sendMessage("global WebSocket");
      await events.waitFor(1);
      await client.close();
    }
    expect(() => client.conversation(id).on("nope" as "error", () => {})).toThrow();
  });
});

describe("connecting", () => {
  it("times out a WebSocket that never opens (10 s by default), reports it and retries until it connects", async () => {
    const { alice, id } = await conversationWith(["bob"]);
    const proxy = await tcpProxy({ port: Number(new URL(t.url).port) });
    try {
      proxy.hangUpgrades(true); // TCP accepted, the upgrade request never answered; HTTP still passes
      const quick = await live("bob", {
        url: proxy.url,
        reconnect: { minDelayMs: 100, maxDelayMs: 200, connectTimeoutMs: 500 },
      });
      const byDefault = await live("bob", { url: proxy.url });
      const quickErrors = collector<ParleyError>();
      const defaultErrors = collector<ParleyError>();
      quick.on("connectionError", quickErrors.handler);
      byDefault.on("connectionError", defaultErrors.handler);
      const states = collector<ConnectionState>();
      quick.on("connectionStateChanged", states.handler);
      const added = collector<Message>();
      const started = Date.now();
      quick.conversation(id).on("messageAdded", added.handler, { after: -1 });
      byDefault.conversation(id).on("messageAdded", () => {}, { after: -1 });
      await alice.conversation(id).sendMessage("sent while the socket hangs");

      await quickErrors.waitFor(3);
      for (const error of quickErrors.items.slice(0, 3)) {
        expect(error).toBeInstanceOf(ParleyError);
        expect(error.code).toBe("NETWORK_ERROR");
        expect(error.message).toMatch(
          /did not open within 0\.\d s \(the server never answered the upgrade request\); retrying\.$/,
        );
      }
      expect(proxy.upgrades).toBeGreaterThanOrEqual(4); // three timed out, one more hanging
      expect(states.items.slice(0, 4)).toEqual(["connecting", "disconnected", "connecting", "disconnected"]);
      expect(added.items).toEqual([]);

      proxy.hangUpgrades(false);
      await added.waitFor(1);
      expect(added.items[0]!.body).toBe("sent while the socket hangs");
      expect(quick.connectionState).toBe("connected");

      // The default: one attempt given 10 s.
      const [first] = await defaultErrors.waitFor(1, 20_000);
      const elapsed = Date.now() - started;
      expect(first!.message).toMatch(/did not open within 1\d\.\d s/);
      expect(elapsed).toBeGreaterThanOrEqual(10_000);
      expect(elapsed).toBeLessThan(15_000);
      await eventually(async () => expect(byDefault.connectionState).toBe("connected"));
    } finally {
      await proxy.close();
    }
  }, 60_000);

  it("reports a failing getToken as connectionError and asks again with backoff, opening no socket meanwhile", async () => {
    const { alice, id } = await conversationWith(["bob"]);
    const proxy = await tcpProxy({ port: Number(new URL(t.url).port) });
    try {
      const calls: number[] = [];
      let failures = 4;
      const bob = await live("bob", {
        url: proxy.url,
        token: undefined,
        getToken: async () => {
          calls.push(Date.now());
          if (failures-- > 0) throw new Error("token backend down");
          return t.token("bob");
        },
        reconnect: { minDelayMs: 100, maxDelayMs: 2000 },
      });
      const errors = collector<ParleyError>();
      bob.on("connectionError", errors.handler);
      const added = collector<Message>();
      bob.conversation(id).on("messageAdded", added.handler, { after: -1 });
      await alice.conversation(id).sendMessage("after the token came back");
      await added.waitFor(1);
      expect(added.items[0]!.body).toBe("after the token came back");
      expect(errors.items).toHaveLength(4);
      for (const error of errors.items) {
        expect(error).toMatchObject({ code: "UNAUTHENTICATED" });
        expect(error.message).toMatch(
          /^Live events could not get a token: getToken\(\) failed: token backend down; asking again in \d+\.\d s\.$/,
        );
        expect((error.cause as Error).message).toBe("token backend down");
      }
      // Backoff: the waits between calls grow (0.1 s doubling, with jitter between half and all of it).
      const waits = calls.slice(1, 5).map((at, i) => at - calls[i]!);
      expect(waits[3]!).toBeGreaterThan(waits[0]!);
      expect(waits[3]!).toBeGreaterThanOrEqual(400);
      // No upgrade request while there was no token: the one that connected.
      expect(proxy.upgrades).toBe(1);
    } finally {
      await proxy.close();
    }
  });

  it("gives up on a getToken that never answers (getTokenTimeoutMs), reports it and asks again", async () => {
    const { alice, id } = await conversationWith(["bob"]);
    let calls = 0;
    const bob = await live("bob", {
      token: undefined,
      getTokenTimeoutMs: 500,
      // The first call hangs for good (a request to your backend that never returns).
      getToken: () => (++calls === 1 ? new Promise<string>(() => {}) : t.token("bob")),
    });
    const errors = collector<ParleyError>();
    bob.on("connectionError", errors.handler);
    const added = collector<Message>();
    const started = Date.now();
    bob.conversation(id).on("messageAdded", added.handler, { after: -1 });
    await alice.conversation(id).sendMessage("after a hung getToken");
    await added.waitFor(1);
    expect(errors.items).toHaveLength(1);
    expect(errors.items[0]!.message).toMatch(
      /^Live events could not get a token: getToken\(\) did not answer within 0\.5 s; asking again in /,
    );
    expect(Date.now() - started).toBeLessThan(5000);
    expect(calls).toBe(2);

    // Requests over HTTP get an answer too.
    let hung = 0;
    const stuck = createClient({
      url: t.url,
      getToken: () => (hung++, new Promise<string>(() => {})),
      getTokenTimeoutMs: 300,
    });
    const failure = await stuck.getViewer().catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: "NETWORK_ERROR", message: "getToken() did not answer within 0.3 s." });
    await stuck.getViewer().catch(() => {});
    expect(hung).toBe(2); // asked again, not stuck on the first call
  });
});

describe("Twilio-style surface", () => {
  it("off(event, handler) removes a handler registered with on()", async () => {
    const { alice, id } = await conversationWith(["bob"]);
    const bob = await live("bob");
    const kept = collector<Message>();
    const removed = collector<Message>();
    const conversation = bob.conversation(id);
    await conversation.on("messageAdded", kept.handler).ready;
    await conversation.on("messageAdded", removed.handler).ready;
    conversation.off("messageAdded", removed.handler);
    conversation.off("messageUpdated", kept.handler as never); // not registered for that event: nothing happens
    await alice.conversation(id).sendMessage("one");
    await kept.waitFor(1);
    expect(indexesOf(kept)).toEqual([0]);
    await sleep(300);
    expect(removed.items).toEqual([]);
  });

  it("gets fresh URLs for media of many messages in one request, none when all are fresh", async () => {
    const f = countingFetch();
    const alice = await clientFor(t, "alice", { fetch: f });
    const { id } = await alice.createConversation();
    const sent: Message[] = [];
    for (let i = 0; i < 3; i++)
      sent.push(
        await alice
          .conversation(id)
          .prepareMessage()
          .addMedia({ media: Buffer.from(`file ${i}`), filename: `${i}.txt` })
          .buildAndSend(),
      );
    const media = sent.flatMap((m) => m.media);
    const before = f.calls.length;
    const fresh = await alice.getTemporaryContentUrlsForMedia(media);
    expect(f.calls.length).toBe(before); // every URL in hand is fresh
    expect([...fresh.keys()]).toEqual(media.map((m) => m.id));
    // Read back from a page, with URLs about to expire: one mediaByIds request for all three.
    const page = await alice.conversation(id).getMessages();
    const listed = page.items.flatMap((m) => m.getMediaByCategories(["media"]));
    expect(listed).toHaveLength(3);
    const bob = await clientFor(t, "bob"); // not a participant
    const realNow = Date.now;
    Date.now = () => realNow() + 290_000; // 10 s before expiry: inside the 30 s margin
    let urls: Map<string, string>;
    try {
      await expect(bob.getTemporaryContentUrlsForMedia(listed)).rejects.toMatchObject({ code: "FORBIDDEN" });
      urls = await page.items[0]!.getTemporaryContentUrlsForMedia(listed);
    } finally {
      Date.now = realNow;
    }
    expect(f.calls.slice(before + 1).map((c) => c.operation)).toEqual(["MediaByIds"]);
    for (const [i, m] of listed.entries()) {
      const got = await download(urls.get(m.id)!);
      expect(got.bytes.toString()).toBe(`file ${i}`);
    }
    // By ids only (Twilio's getTemporaryContentUrlsForMediaSids): one request, repeats once.
    const calls = f.calls.length;
    const ids = [listed[2]!.id, listed[0]!.id, listed[2]!.id];
    const byIds = await alice.getTemporaryContentUrlsForMediaIds(ids);
    expect(f.calls.slice(calls).map((c) => c.operation)).toEqual(["MediaByIds"]);
    expect([...byIds.keys()]).toEqual([listed[2]!.id, listed[0]!.id]);
    expect((await download(byIds.get(listed[2]!.id)!)).bytes.toString()).toBe("file 2");
    await expect(bob.getTemporaryContentUrlsForMediaIds(ids)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(alice.getTemporaryContentUrlsForMediaIds("x" as unknown as string[])).rejects.toMatchObject({
      code: "BAD_USER_INPUT",
    });
  });
});

describe("read horizon and participants", () => {
  it("sets the read horizon and counts unread messages from others", async () => {
    const { alice, id } = await conversationWith(["bob"]);
    for (let i = 0; i < 5; i++) await alice.conversation(id).sendMessage(`a${i}`);
    const bob = await clientFor(t, "bob");
    await bob.conversation(id).sendMessage("from bob");
    // No horizon yet: null, as in Twilio; the loaded field counts them all.
    expect(await bob.conversation(id).getUnreadMessagesCount()).toBeNull();
    expect((await bob.getConversation(id)).unreadMessagesCount).toBe(5);
    expect((await alice.getConversation(id)).unreadMessagesCount).toBe(1);
    const me = await bob.conversation(id).setLastReadMessageIndex(2);
    expect(me).toMatchObject({ identity: "bob", lastReadMessageIndex: 2 });
    expect(await bob.conversation(id).getUnreadMessagesCount()).toBe(2);
    const loaded = await bob.getConversation(id);
    expect(loaded.unreadMessagesCount).toBe(2);
    expect(loaded.participants.find((p) => p.identity === "bob")?.lastReadMessageIndex).toBe(2);
    expect(loaded.participants.find((p) => p.identity === "alice")?.lastReadMessageIndex).toBeNull();
    const list = await bob.getConversations();
    expect(list.items.find((c) => c.id === id)?.unreadMessagesCount).toBe(2);
    expect((await bob.conversation(id).setLastReadMessageIndex(null)).lastReadMessageIndex).toBeNull();
    expect(await bob.conversation(id).getUnreadMessagesCount()).toBeNull();
    expect((await bob.getConversation(id)).unreadMessagesCount).toBe(5);
    await expect(bob.conversation(id).setLastReadMessageIndex(1.5)).rejects.toMatchObject({ code: "BAD_USER_INPUT" });
    const mallory = await clientFor(t, "mallory");
    await expect(mallory.conversation(id).getUnreadMessagesCount()).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("advances the horizon forward only, also from two tabs at once, and marks all read", async () => {
    const { alice, id } = await conversationWith(["bob"]);
    for (let i = 0; i < 6; i++) await alice.conversation(id).sendMessage(`a${i}`);
    const tab1 = await clientFor(t, "bob");
    const tab2 = await clientFor(t, "bob");
    expect((await tab1.conversation(id).advanceLastReadMessageIndex(3)).lastReadMessageIndex).toBe(3);
    expect((await tab2.conversation(id).advanceLastReadMessageIndex(1)).lastReadMessageIndex).toBe(3);
    expect(await tab2.conversation(id).getUnreadMessagesCount()).toBe(2);
    await Promise.all([
      tab1.conversation(id).advanceLastReadMessageIndex(4),
      tab2.conversation(id).advanceLastReadMessageIndex(2),
    ]);
    expect(
      (await tab2.conversation(id).getParticipants()).find((p) => p.identity === "bob")?.lastReadMessageIndex,
    ).toBe(4);
    expect(await tab1.conversation(id).setAllMessagesRead()).toBe(0);
    expect(
      (await tab1.conversation(id).getParticipants()).find((p) => p.identity === "bob")?.lastReadMessageIndex,
    ).toBe(5);
    await expect(tab1.conversation(id).advanceLastReadMessageIndex(-1)).rejects.toMatchObject({
      code: "BAD_USER_INPUT",
    });
    const empty = await alice.createConversation();
    expect(await alice.conversation(empty.id).setAllMessagesRead()).toBe(0);
  });

  it("removes participants: the creator anyone, others only themselves", async () => {
    const { alice, id } = await conversationWith(["bob", "carol"]);
    const bob = await clientFor(t, "bob");
    await expect(bob.conversation(id).removeParticipant("carol")).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await bob.conversation(id).removeParticipant("bob")).toBe(true);
    expect(await alice.conversation(id).removeParticipant("carol")).toBe(true);
    expect(await alice.conversation(id).removeParticipant("carol")).toBe(false);
    expect((await alice.conversation(id).getParticipants()).map((p) => p.identity)).toEqual(["alice"]);
  });
});
