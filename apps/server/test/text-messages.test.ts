import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codeOf, startTestServer, type TestServer } from "./harness.ts";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

const CREATE = `mutation($input: CreateConversationInput!) { createConversation(input: $input) {
  id friendlyName uniqueName attributes createdBy createdAt updatedAt
  participants { identity } limits { mediaAttachmentsCountLimit mediaAttachmentSizeLimitInBytes mediaAttachmentsTotalSizeLimitInBytes bodyMaxLength } } }`;
const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { id index author body attributes type createdAt media { id } } }`;
const PAGE = `query($id: ID!, $first: Int, $after: String, $last: Int, $before: String) { conversation(id: $id) {
  messages(first: $first, after: $after, last: $last, before: $before) {
    edges { cursor node { index body } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`;

type Conv = { id: string };
async function createConversation(identity: string, input: Record<string, unknown> = {}) {
  const res = await t.gql<{ createConversation: Conv & Record<string, unknown> }>(identity, CREATE, { input });
  expect(res.errors).toBeUndefined();
  return res.data!.createConversation;
}
async function send(identity: string, conversationId: string, body: string, extra: Record<string, unknown> = {}) {
  return t.gql<{ sendMessage: { id: string; index: number; body: string; type: string } }>(identity, SEND, {
    input: { conversationId, body, ...extra },
  });
}

describe("auth", () => {
  it("answers viewer with the token's identity", async () => {
    const res = await t.gql<{ viewer: { identity: string } }>("alice", "{ viewer { identity } }");
    expect(res.data?.viewer.identity).toBe("alice");
  });

  it("refuses a request without a token with UNAUTHENTICATED", async () => {
    const res = await t.gql(null, "{ viewer { identity } }");
    expect(codeOf(res)).toBe("UNAUTHENTICATED");
  });

  it("refuses expired, forged and malformed tokens with 401 UNAUTHENTICATED", async () => {
    const expired = await t.token("alice", -10);
    const valid = await t.token("alice");
    const forged = valid.slice(0, -4) + (valid.endsWith("AAAA") ? "BBBB" : "AAAA");
    for (const header of [`Bearer ${expired}`, `Bearer ${forged}`, "Bearer nope", "Basic abc"]) {
      const res = await fetch(t.graphqlUrl, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: header },
        body: JSON.stringify({ query: "{ viewer { identity } }" }),
      });
      expect(res.status, header).toBe(401);
      const json = (await res.json()) as { errors: { extensions: { code: string } }[] };
      expect(json.errors[0]?.extensions.code).toBe("UNAUTHENTICATED");
    }
  });
});

describe("conversations", () => {
  it("creates a conversation whose creator is a participant, ignoring repeats", async () => {
    const c = await createConversation("alice", {
      friendlyName: "Team",
      attributes: { topic: "launch" },
      participants: ["bob", "alice", "bob"],
    });
    expect(c.friendlyName).toBe("Team");
    expect(c.attributes).toEqual({ topic: "launch" });
    expect(c.createdBy).toBe("alice");
    expect((c.participants as { identity: string }[]).map((p) => p.identity).sort()).toEqual(["alice", "bob"]);
    expect(c.limits).toEqual({
      mediaAttachmentsCountLimit: 10,
      mediaAttachmentSizeLimitInBytes: 157286400,
      mediaAttachmentsTotalSizeLimitInBytes: 157286400,
      bodyMaxLength: 32768,
    });
    const rows = await t.sql`select identity from participants where conversation_id = ${c.id} order by identity`;
    expect(rows.map((r) => r.identity)).toEqual(["alice", "bob"]);
  });

  it("refuses a uniqueName already in use with BAD_USER_INPUT", async () => {
    await createConversation("alice", { uniqueName: "dup-name" });
    const res = await t.gql("alice", CREATE, { input: { uniqueName: "dup-name" } });
    expect(codeOf(res)).toBe("BAD_USER_INPUT");
  });

  it("adds a participant who can then read and send", async () => {
    const c = await createConversation("carol");
    const before = await t.gql("dave", PAGE, { id: c.id });
    expect(codeOf(before)).toBe("FORBIDDEN");
    const add = await t.gql<{ addParticipant: { identity: string } }>(
      "carol",
      `mutation($input: AddParticipantInput!) { addParticipant(input: $input) { id identity attributes } }`,
      { input: { conversationId: c.id, identity: "dave", attributes: { role: "guest" } } },
    );
    expect(add.data?.addParticipant.identity).toBe("dave");
    expect((await send("dave", c.id, "hi carol")).data?.sendMessage.index).toBe(0);
  });

  it("only participants may add participants", async () => {
    const c = await createConversation("carol");
    const res = await t.gql(
      "mallory",
      `mutation($input: AddParticipantInput!) { addParticipant(input: $input) { id } }`,
      {
        input: { conversationId: c.id, identity: "mallory" },
      },
    );
    expect(codeOf(res)).toBe("FORBIDDEN");
    const rows = await t.sql`select 1 from participants where conversation_id = ${c.id} and identity = 'mallory'`;
    expect(rows).toHaveLength(0);
  });

  it("lists the viewer's conversations, latest activity first, paged", async () => {
    const a = await createConversation("erin");
    const b = await createConversation("erin");
    const c = await createConversation("erin");
    await send("erin", a.id, "bump a");
    const q = `query($first: Int, $after: String) { conversations(first: $first, after: $after) {
      edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`;
    const p1 = await t.gql<{
      conversations: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
    }>("erin", q, { first: 2 });
    expect(p1.data!.conversations.edges.map((e) => e.node.id)).toEqual([a.id, c.id]);
    expect(p1.data!.conversations.pageInfo.hasNextPage).toBe(true);
    const p2 = await t.gql<typeof p1.data & object>("erin", q, {
      first: 2,
      after: p1.data!.conversations.pageInfo.endCursor,
    });
    expect(p2.data!.conversations.edges.map((e) => e.node.id)).toEqual([b.id]);
    expect(p2.data!.conversations.pageInfo.hasNextPage).toBe(false);
    const other = await t.gql<{ conversations: { edges: unknown[] } }>("nobody", q, { first: 10 });
    expect(other.data!.conversations.edges).toHaveLength(0);
  });

  it("answers NOT_FOUND for an unknown id and FORBIDDEN for someone else's", async () => {
    const c = await createConversation("alice");
    const q = `query($id: ID!) { conversation(id: $id) { id } }`;
    expect(codeOf(await t.gql("alice", q, { id: "00000000-0000-7000-8000-000000000000" }))).toBe("NOT_FOUND");
    expect(codeOf(await t.gql("alice", q, { id: "not-an-id" }))).toBe("NOT_FOUND");
    expect(codeOf(await t.gql("mallory", q, { id: c.id }))).toBe("FORBIDDEN");
  });
});

describe("sendMessage", () => {
  it("stores a text message and reads it back", async () => {
    const c = await createConversation("alice", { participants: ["bob"] });
    const res = await send("alice", c.id, "héllo 👋", { attributes: { priority: 1 } });
    expect(res.errors).toBeUndefined();
    const m = res.data!.sendMessage as Record<string, unknown>;
    expect(m).toMatchObject({
      index: 0,
      author: "alice",
      body: "héllo 👋",
      attributes: { priority: 1 },
      type: "TEXT",
      media: [],
    });
    const rows = await t.sql`select body, author, index, type from messages where id = ${m.id as string}`;
    expect(rows[0]).toEqual({ body: "héllo 👋", author: "alice", index: 0, type: "TEXT" });
    const read = await t.gql<{ message: { body: string } }>(
      "bob",
      `query($id: ID!) { message(id: $id) { body conversation { id } } }`,
      { id: m.id },
    );
    expect(read.data?.message.body).toBe("héllo 👋");
    expect(codeOf(await t.gql("mallory", `query($id: ID!) { message(id: $id) { body } }`, { id: m.id }))).toBe(
      "FORBIDDEN",
    );
  });

  it("refuses an empty body, and a body over 32768 code points, and stores nothing", async () => {
    const c = await createConversation("alice");
    expect(codeOf(await send("alice", c.id, ""))).toBe("BAD_USER_INPUT");
    // 32768 emoji are 65536 UTF-16 units but exactly the limit in code points.
    expect((await send("alice", c.id, "😀".repeat(32768))).data?.sendMessage.index).toBe(0);
    expect(codeOf(await send("alice", c.id, "a".repeat(32769)))).toBe("BAD_USER_INPUT");
    const [row] = await t.sql`select count(*)::int as n from messages where conversation_id = ${c.id}`;
    expect(row?.n).toBe(1);
  });

  it("refuses attributes over 16 KiB or not an object", async () => {
    const c = await createConversation("alice");
    const big = { x: "a".repeat(16 * 1024) };
    expect(codeOf(await send("alice", c.id, "hi", { attributes: big }))).toBe("BAD_USER_INPUT");
    expect(codeOf(await send("alice", c.id, "hi", { attributes: [1, 2] }))).toBe("BAD_USER_INPUT");
    expect(codeOf(await send("alice", c.id, "hi", { attributes: "str" }))).toBe("BAD_USER_INPUT");
    const fits = { x: "a".repeat(16 * 1024 - 8) }; // {"x":"…"} is 8 bytes of overhead
    expect((await send("alice", c.id, "hi", { attributes: fits })).errors).toBeUndefined();
  });

  it("refuses non-participants with FORBIDDEN and unknown conversations with NOT_FOUND", async () => {
    const c = await createConversation("alice");
    expect(codeOf(await send("mallory", c.id, "hi"))).toBe("FORBIDDEN");
    expect(codeOf(await send("alice", "00000000-0000-7000-8000-000000000001", "hi"))).toBe("NOT_FOUND");
    expect(codeOf(await send("alice", c.id, "hi")) === undefined).toBe(true);
  });

  it("returns the first message for a repeated idempotency key, whatever the payload", async () => {
    const c = await createConversation("alice", { participants: ["bob"] });
    const first = await send("alice", c.id, "once", { idempotencyKey: "k1" });
    const again = await send("alice", c.id, "different body", { idempotencyKey: "k1" });
    expect(again.data?.sendMessage).toEqual(first.data?.sendMessage);
    // Scoped per author: bob's k1 is a different message.
    const bob = await send("bob", c.id, "bob's", { idempotencyKey: "k1" });
    expect(bob.data?.sendMessage.index).toBe(1);
    const [row] = await t.sql`select count(*)::int as n from messages where conversation_id = ${c.id}`;
    expect(row?.n).toBe(2);
  });

  it("gives 0..n-1 without gaps or duplicates under 25 concurrent sends, also with racing idempotency keys", async () => {
    const c = await createConversation("alice", { participants: ["bob"] });
    const sends = Array.from({ length: 25 }, (_, i) => send(i % 2 ? "bob" : "alice", c.id, `m${i}`));
    // Five racers with one key: exactly one message.
    const racers = Array.from({ length: 5 }, () => send("alice", c.id, "race", { idempotencyKey: "race" }));
    const results = await Promise.all([...sends, ...racers]);
    for (const r of results) expect(r.errors).toBeUndefined();
    const raced = new Set(results.slice(25).map((r) => r.data!.sendMessage.id));
    expect(raced.size).toBe(1);
    const rows = await t.sql`select index from messages where conversation_id = ${c.id} order by index`;
    expect(rows.map((r) => r.index)).toEqual(Array.from({ length: 26 }, (_, i) => i));
    // A failed send consumes no index.
    expect(codeOf(await send("alice", c.id, ""))).toBe("BAD_USER_INPUT");
    expect((await send("alice", c.id, "next")).data?.sendMessage.index).toBe(26);
  });
});

describe("messages paging", () => {
  let id: string;
  type Page = {
    conversation: {
      messages: {
        edges: { cursor: string; node: { index: number; body: string } }[];
        pageInfo: {
          hasNextPage: boolean;
          hasPreviousPage: boolean;
          startCursor: string | null;
          endCursor: string | null;
        };
      };
    };
  };
  const page = async (args: Record<string, unknown>) => {
    const res = await t.gql<Page>("alice", PAGE, { id, ...args });
    expect(res.errors).toBeUndefined();
    return res.data!.conversation.messages;
  };
  beforeAll(async () => {
    id = (await createConversation("alice")).id;
    for (let i = 0; i < 45; i++) await send("alice", id, `m${i}`);
  });

  it("defaults to the newest 30 in ascending order", async () => {
    const p = await page({});
    expect(p.edges.map((e) => e.node.index)).toEqual(Array.from({ length: 30 }, (_, i) => 15 + i));
    expect(p.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
  });

  it("pages forward with first/after through everything exactly once", async () => {
    const seen: number[] = [];
    let after: string | null = null;
    for (;;) {
      const p = await page({ first: 10, after });
      seen.push(...p.edges.map((e) => e.node.index));
      expect(p.pageInfo.hasPreviousPage).toBe(after !== null);
      if (!p.pageInfo.hasNextPage) break;
      after = p.pageInfo.endCursor;
    }
    expect(seen).toEqual(Array.from({ length: 45 }, (_, i) => i));
  });

  it("pages backward with last/before, edges still ascending", async () => {
    const p1 = await page({ last: 20 });
    expect(p1.edges.map((e) => e.node.index)).toEqual(Array.from({ length: 20 }, (_, i) => 25 + i));
    const p2 = await page({ last: 20, before: p1.pageInfo.startCursor });
    expect(p2.edges.map((e) => e.node.index)).toEqual(Array.from({ length: 20 }, (_, i) => 5 + i));
    expect(p2.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
    const p3 = await page({ last: 20, before: p2.pageInfo.startCursor });
    expect(p3.edges.map((e) => e.node.index)).toEqual([0, 1, 2, 3, 4]);
    expect(p3.pageInfo.hasPreviousPage).toBe(false);
  });

  it("refuses first with last, pages over 100, and foreign cursors with BAD_USER_INPUT", async () => {
    for (const args of [{ first: 1, last: 1 }, { first: 101 }, { last: -1 }, { after: "garbage" }]) {
      const res = await t.gql("alice", PAGE, { id, ...args });
      expect(codeOf(res), JSON.stringify(args)).toBe("BAD_USER_INPUT");
    }
  });
});

describe("HTTP surface", () => {
  it("serves /healthz and /readyz", async () => {
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ database: "ok", storage: "ok" });
  });

  it("answers malformed JSON and unknown routes with the GraphQL error shape, never HTML", async () => {
    const bad = await fetch(t.graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{nope",
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toMatch(/application\/json/);
    expect(((await bad.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe(
      "BAD_USER_INPUT",
    );
    const huge = await fetch(t.graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ viewer { identity } }", variables: { x: "a".repeat(2 * 1024 * 1024) } }),
    });
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe(
      "PAYLOAD_TOO_LARGE",
    );
    const missing = await fetch(`${t.url}/nope`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toMatch(/application\/json/);
  });

  it("maps parse and validation errors to BAD_USER_INPUT", async () => {
    expect(codeOf(await t.gql("alice", "{ viewer { "))).toBe("BAD_USER_INPUT");
    expect(codeOf(await t.gql("alice", "{ nope }"))).toBe("BAD_USER_INPUT");
  });

  it("keeps Apollo's CSRF prevention on", async () => {
    const res = await fetch(`${t.graphqlUrl}?query=${encodeURIComponent("{ viewer { identity } }")}`, {
      headers: { authorization: `Bearer ${await t.token("alice")}` },
    });
    expect(res.status).toBe(400);
  });
});
