import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createClient,
  isParleyError,
  ParleyError,
  ViewerDocument,
  type Message,
  type Paginator,
} from "../src/index.ts";
import { clientFor, countingFetch, startTestServer, type TestServer } from "./support.ts";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

describe("createClient and auth", () => {
  it("speaks to the base URL or the /graphql endpoint and reports the token's identity", async () => {
    const token = await t.token("alice");
    expect(await createClient({ url: t.url, token }).getViewer()).toEqual({ identity: "alice" });
    expect(await createClient({ url: t.graphqlUrl, token }).getViewer()).toEqual({ identity: "alice" });
  });

  it("runs generated documents with typed results through client.request", async () => {
    const client = await clientFor(t, "alice");
    const data = await client.request(ViewerDocument);
    expect(data.viewer.identity).toBe("alice");
  });

  it("calls getToken again once when the server refuses an expired token", async () => {
    const issued: string[] = [];
    const client = createClient({
      url: t.url,
      getToken: async () => {
        // The first token lives one to two seconds (exp is whole seconds: a one-second token can be
        // expired a few milliseconds after it is issued); later ones an hour.
        const token = await t.token("alice", issued.length === 0 ? 2 : 3600);
        issued.push(token);
        return token;
      },
    });
    expect((await client.getViewer()).identity).toBe("alice");
    expect(issued).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 3100));
    // The expired token is refused (401 UNAUTHENTICATED); the client asks for a new one and retries.
    const refused = await fetch(t.graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${issued[0]}` },
      body: JSON.stringify({ query: "{ viewer { identity } }" }),
    });
    expect(refused.status).toBe(401);
    const [a, b] = await Promise.all([client.getViewer(), client.getViewer()]);
    expect([a.identity, b.identity]).toEqual(["alice", "alice"]);
    // Two concurrent refusals share one refresh.
    expect(issued).toHaveLength(2);
  });

  it("gives up with UNAUTHENTICATED (status 401) when the fresh token is refused too", async () => {
    let calls = 0;
    const client = createClient({ url: t.url, getToken: () => `not-a-jwt-${++calls}` });
    const error = await client.getViewer().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParleyError);
    expect(error).toMatchObject({ code: "UNAUTHENTICATED", status: 401 });
    expect(calls).toBe(2);
  });

  it("does not retry a fixed token", async () => {
    const f = countingFetch();
    const client = createClient({ url: t.url, token: await t.token("alice", -5), fetch: f });
    await expect(client.getViewer()).rejects.toMatchObject({ code: "UNAUTHENTICATED", status: 401 });
    expect(f.calls).toHaveLength(1);
  });

  it("reports an unreachable server as NETWORK_ERROR with no status", async () => {
    const client = createClient({ url: "http://127.0.0.1:9/graphql", token: "x" });
    const error = await client.getViewer().catch((e: unknown) => e);
    expect(isParleyError(error, "NETWORK_ERROR")).toBe(true);
    expect((error as ParleyError).status).toBeNull();
  });
});

describe("conversations and participants", () => {
  it("creates a conversation, adds and lists participants", async () => {
    const alice = await clientFor(t, "alice");
    const conversation = await alice.createConversation({
      friendlyName: "Launch",
      attributes: { topic: "rocket" },
      participants: ["bob"],
    });
    expect(conversation).toMatchObject({ friendlyName: "Launch", attributes: { topic: "rocket" }, createdBy: "alice" });
    expect(conversation.createdAt).toBeInstanceOf(Date);
    expect(conversation.limits).toEqual({
      mediaAttachmentsCountLimit: 10,
      mediaAttachmentSizeLimitInBytes: 157286400,
      mediaAttachmentsTotalSizeLimitInBytes: 157286400,
      bodyMaxLength: 32768,
    });
    const added = await conversation.add("carol", { role: "guest" });
    expect(added).toMatchObject({ identity: "carol", attributes: { role: "guest" } });
    const participants = await alice.conversation(conversation.id).getParticipants();
    expect(participants.map((p) => p.identity).sort()).toEqual(["alice", "bob", "carol"]);
    const rows =
      await t.sql`select identity from participants where conversation_id = ${conversation.id} order by identity`;
    expect(rows.map((r) => r.identity)).toEqual(["alice", "bob", "carol"]);
    const carol = await clientFor(t, "carol");
    expect((await carol.getConversation(conversation.id)).friendlyName).toBe("Launch");
  });

  it("refuses a non-participant with FORBIDDEN and an unknown id with NOT_FOUND", async () => {
    const alice = await clientFor(t, "alice");
    const conversation = await alice.createConversation();
    const mallory = await clientFor(t, "mallory");
    await expect(mallory.getConversation(conversation.id)).rejects.toMatchObject({
      name: "ParleyError",
      code: "FORBIDDEN",
    });
    await expect(mallory.conversation(conversation.id).sendMessage("hi")).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(alice.getConversation("00000000-0000-7000-8000-000000000000")).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(alice.createConversation({ attributes: { big: "x".repeat(17_000) } })).rejects.toMatchObject({
      code: "BAD_USER_INPUT",
    });
  });

  it("lists the viewer's conversations newest activity first, paging forward and back", async () => {
    const erin = await clientFor(t, "erin");
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await erin.createConversation({ friendlyName: `c${i}` }));
    await erin.conversation(made[1]!.id).sendMessage("bump");
    const expected = [made[1], made[4], made[3], made[2], made[0]].map((c) => c!.id);
    const p1 = await erin.getConversations({ pageSize: 2 });
    expect(p1.items.map((c) => c.id)).toEqual(expected.slice(0, 2));
    expect([p1.hasPrevPage, p1.hasNextPage]).toEqual([false, true]);
    const p2 = await p1.nextPage();
    expect(p2.items.map((c) => c.id)).toEqual(expected.slice(2, 4));
    expect([p2.hasPrevPage, p2.hasNextPage]).toEqual([true, true]);
    const p3 = await p2.nextPage();
    expect(p3.items.map((c) => c.id)).toEqual(expected.slice(4));
    expect([p3.hasPrevPage, p3.hasNextPage]).toEqual([true, false]);
    await expect(p3.nextPage()).rejects.toMatchObject({ code: "BAD_USER_INPUT" });
    const back = await (await p3.prevPage()).prevPage();
    expect(back.items.map((c) => c.id)).toEqual(expected.slice(0, 2));
    expect(back.hasPrevPage).toBe(false);
  });
});

describe("text messages", () => {
  it("sends a text message with attributes and reads it back by id", async () => {
    const alice = await clientFor(t, "alice");
    const conversation = await alice.createConversation({ participants: ["bob"] });
    const sent = await alice.conversation(conversation.id).sendMessage("héllo 👋", { priority: 1 });
    expect(sent).toMatchObject({
      index: 0,
      author: "alice",
      body: "héllo 👋",
      attributes: { priority: 1 },
      type: "TEXT",
      media: [],
    });
    expect(sent.conversationId).toBe(conversation.id);
    const bob = await clientFor(t, "bob");
    const read = await bob.getMessage(sent.id);
    expect(read).toMatchObject({ id: sent.id, body: "héllo 👋", author: "alice" });
    const rows = await t.sql`select body, author, index from messages where id = ${sent.id}`;
    expect(rows).toEqual([{ body: "héllo 👋", author: "alice", index: 0 }]);
  });

  it("returns the first message when a send is repeated with the same idempotency key", async () => {
    const alice = await clientFor(t, "alice");
    const c = alice.conversation((await alice.createConversation()).id);
    const first = await c.sendMessage("once", undefined, { idempotencyKey: "key-1" });
    const again = await c.sendMessage("twice?", undefined, { idempotencyKey: "key-1" });
    expect(again.id).toBe(first.id);
    expect(again.body).toBe("once");
    const rows = await t.sql`select count(*)::int as n from messages where conversation_id = ${c.id}`;
    expect(rows[0]!.n).toBe(1);
    // Kept as long as the message exists (the README's one statement): not only 24 h ...
    await t.sql`update messages set created_at = now() - interval '30 days' where id = ${first.id}`;
    expect((await c.sendMessage("a month later", undefined, { idempotencyKey: "key-1" })).id).toBe(first.id);
    // ... and removing the message frees the key.
    await again.remove();
    const fresh = await c.sendMessage("after removal", undefined, { idempotencyKey: "key-1" });
    expect(fresh).toMatchObject({ index: 1, body: "after removal" });
    expect(fresh.id).not.toBe(first.id);
  });

  it("surfaces the server's refusal of an empty body as BAD_USER_INPUT", async () => {
    const alice = await clientFor(t, "alice");
    const c = alice.conversation((await alice.createConversation()).id);
    const error = await c.sendMessage("").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParleyError);
    expect((error as ParleyError).code).toBe("BAD_USER_INPUT");
    expect((error as ParleyError).status).toBeGreaterThanOrEqual(200);
  });
});

describe("getMessages", () => {
  let conversationId: string;
  beforeAll(async () => {
    const alice = await clientFor(t, "alice");
    conversationId = (await alice.createConversation()).id;
    for (let i = 0; i < 7; i++) await alice.conversation(conversationId).sendMessage(`m${i}`);
  });
  const indexes = (p: Paginator<Message>) => p.items.map((m) => m.index);

  it("pages backwards from the newest and forward again", async () => {
    const c = (await clientFor(t, "alice")).conversation(conversationId);
    const newest = await c.getMessages({ pageSize: 3 });
    expect(indexes(newest)).toEqual([4, 5, 6]);
    expect([newest.hasPrevPage, newest.hasNextPage]).toEqual([true, false]);
    const older = await newest.prevPage();
    expect(indexes(older)).toEqual([1, 2, 3]);
    const oldest = await older.prevPage();
    expect(indexes(oldest)).toEqual([0]);
    expect([oldest.hasPrevPage, oldest.hasNextPage]).toEqual([false, true]);
    await expect(oldest.prevPage()).rejects.toMatchObject({ code: "BAD_USER_INPUT" });
    const forward = await oldest.nextPage();
    expect(indexes(forward)).toEqual([1, 2, 3]);
    expect(indexes(await forward.nextPage())).toEqual([4, 5, 6]);
  });

  it("pages forward from the oldest, and from an anchor in either direction", async () => {
    const c = (await clientFor(t, "alice")).conversation(conversationId);
    const first = await c.getMessages({ pageSize: 4, direction: "forward" });
    expect(indexes(first)).toEqual([0, 1, 2, 3]);
    expect([first.hasPrevPage, first.hasNextPage]).toEqual([false, true]);
    const rest = await first.nextPage();
    expect(indexes(rest)).toEqual([4, 5, 6]);
    expect(rest.hasNextPage).toBe(false);
    const anchor = first.items[2]!.cursor!;
    expect(indexes(await c.getMessages({ pageSize: 2, anchor, direction: "forward" }))).toEqual([3, 4]);
    expect(indexes(await c.getMessages({ pageSize: 5, anchor }))).toEqual([0, 1]);
    expect(indexes(await c.getMessages({ anchor: rest.endCursor!, direction: "forward" }))).toEqual([]);
  });

  it("names the anchor when it is not a cursor: a number before sending, a forged string as the server refuses it", async () => {
    const f = countingFetch();
    const c = (await clientFor(t, "alice", { fetch: f })).conversation(conversationId);
    // A Twilio habit: a message index as the anchor (a type error in TypeScript, possible from JavaScript).
    const numeric = await c.getMessages({ anchor: 3 as unknown as string }).catch((e: unknown) => e);
    expect(numeric).toBeInstanceOf(ParleyError);
    expect(numeric).toMatchObject({ code: "BAD_USER_INPUT", status: null });
    expect((numeric as ParleyError).message).toMatch(
      /^anchor must be a cursor .*got 3: message indexes are not anchors/,
    );
    await expect(c.getMessages({ anchor: "" })).rejects.toMatchObject({ code: "BAD_USER_INPUT", status: null });
    expect(f.calls).toHaveLength(0);
    for (const direction of ["backwards", "forward"] as const) {
      const forged = await c.getMessages({ anchor: "3", direction }).catch((e: unknown) => e);
      expect(forged).toMatchObject({ code: "BAD_USER_INPUT", status: 400 });
      expect((forged as ParleyError).message).toMatch(/^anchor is not a cursor returned by this API/);
      expect((forged as ParleyError).message).not.toMatch(/before|after/);
      // The server's own error stays at hand.
      expect((forged as ParleyError).errors[0]?.extensions?.field).toBe(direction === "forward" ? "after" : "before");
    }
    expect(f.calls).toHaveLength(2);
  });

  it("refuses a page size outside 1..100 before sending", async () => {
    const f = countingFetch();
    const c = (await clientFor(t, "alice", { fetch: f })).conversation(conversationId);
    await expect(c.getMessages({ pageSize: 0 })).rejects.toMatchObject({ code: "BAD_USER_INPUT", status: null });
    await expect(c.getMessages({ pageSize: 101 })).rejects.toMatchObject({ code: "BAD_USER_INPUT" });
    expect(f.calls).toHaveLength(0);
  });
});
