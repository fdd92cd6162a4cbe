// Subscription fan-out (issue 20): one execution and one serialization per event and group of
// subscribers asking the same, each subscriber getting only what is its own to see.
import { once } from "node:events";
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { typeDefs } from "@parley/schema";
import { eventually } from "@parley/testkit";
import { MAX_RESPONSE_BYTES } from "../src/graphql/response-size.ts";
import { PER_VIEWER_FIELDS, selectsPerViewerField } from "../src/graphql/subscription-delivery.ts";
import { backend, startTestServer, type TestServer } from "./harness.ts";
import { collect, settle, wsClient } from "./ws.ts";

// The server's copy of graphql (CommonJS, see websocket.ts): the schema's types must come from it.
const { buildSchema, getNamedType, isObjectType, parse } = createRequire(import.meta.url)(
  "graphql",
) as typeof import("graphql");

const SEND = `mutation($i: SendMessageInput!) { sendMessage(input: $i) { id index } }`;
const ADDED = `subscription($c: ID!) { messageAdded(conversationId: $c) { id index author body } }`;
const ADDED_SHORT = `subscription($c: ID!) { messageAdded(conversationId: $c) { index } }`;
const UNREAD = `subscription($c: ID!) { messageAdded(conversationId: $c) { index conversation { id unreadMessagesCount } } }`;
// The same per-viewer field behind fragments, viewer-wide.
const V_UNREAD = `subscription { viewerMessageAdded { ...M } }
  fragment M on Message { index conversation { ...C } }
  fragment C on Conversation { id unreadMessagesCount }`;
const V_ADDED = `subscription { viewerMessageAdded { index body conversation { id } } }`;

/** The value of one sample in Prometheus text (no labels), or undefined. */
function sample(text: string, name: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

/** A graphql-transport-ws client on a bare socket: the exact text of every message it receives. */
async function rawClient(url: string, token: string) {
  const socket = new WebSocket(`${url.replace(/^http/, "ws")}/graphql`, "graphql-transport-ws");
  const received: string[] = [];
  socket.on("message", (data: Buffer) => received.push(data.toString("utf8")));
  await once(socket, "open");
  socket.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${token}` } }));
  await eventually(async () => expect(received).toContain(`{"type":"connection_ack"}`));
  return {
    received,
    subscribe: (id: string, query: string, variables: Record<string, unknown>) =>
      socket.send(JSON.stringify({ id, type: "subscribe", payload: { query, variables } })),
    close: () => socket.close(),
  };
}

describe("which fields a subscription shares", () => {
  const schema = buildSchema(typeDefs);

  it("judges every field a subscription can reach: per viewer (PER_VIEWER_FIELDS) or the same for every participant", () => {
    const reachable = new Set<string>();
    const walk = (name: string, seen: Set<string>) => {
      const type = schema.getType(name);
      if (seen.has(name) || !isObjectType(type)) return;
      seen.add(name);
      for (const field of Object.values(type.getFields())) {
        reachable.add(`${name}.${field.name}`);
        walk(getNamedType(field.type).name, seen);
      }
    };
    walk("Subscription", new Set());
    // A new field here must be judged before it is listed: does its value depend on who asks (an
    // unread count, a permission, a URL signed for one viewer)? Then it belongs in PER_VIEWER_FIELDS.
    const sameForEveryParticipant = [
      ...["attributes", "createdAt", "createdBy", "friendlyName", "id", "lastMessageIndex", "limits"].map(
        (f) => `Conversation.${f}`,
      ),
      ...["messages", "participants", "uniqueName", "updatedAt"].map((f) => `Conversation.${f}`),
      ...[
        "bodyMaxLength",
        "mediaAttachmentSizeLimitInBytes",
        "mediaAttachmentsCountLimit",
        "mediaAttachmentsTotalSizeLimitInBytes",
      ].map((f) => `ConversationLimits.${f}`),
      // Presigned URLs carry no identity: the object, its headers and the expiry only.
      ...["category", "contentType", "filename", "height", "id", "placeholder", "preview", "sha256", "size"].map(
        (f) => `Media.${f}`,
      ),
      ...["temporaryUrl", "temporaryUrlExpiresAt", "width"].map((f) => `Media.${f}`),
      ...["contentType", "height", "temporaryUrl", "temporaryUrlExpiresAt", "width"].map((f) => `MediaPreview.${f}`),
      ...["attributes", "author", "body", "conversation", "createdAt", "id", "index", "media", "type", "updatedAt"].map(
        (f) => `Message.${f}`,
      ),
      "MessageConnection.edges",
      "MessageConnection.pageInfo",
      "MessageEdge.cursor",
      "MessageEdge.node",
      "MessageUpdate.message",
      "MessageUpdate.reasons",
      ...["endCursor", "hasNextPage", "hasPreviousPage", "startCursor"].map((f) => `PageInfo.${f}`),
      // Every participant sees every participant's read horizon.
      ...["attributes", "createdAt", "id", "identity", "lastReadMessageIndex"].map((f) => `Participant.${f}`),
      ...["conversationId", "id", "index", "removedAt"].map((f) => `RemovedMessage.${f}`),
      ...["messageAdded", "messageRemoved", "messageUpdated"].map((f) => `Subscription.${f}`),
      ...["viewerMessageAdded", "viewerMessageRemoved", "viewerMessageUpdated"].map((f) => `Subscription.${f}`),
    ];
    expect([...reachable].sort()).toEqual([...sameForEveryParticipant, ...PER_VIEWER_FIELDS].sort());
  });

  it("finds a per-viewer field through fragments and nested selections", () => {
    expect(selectsPerViewerField(schema, parse(ADDED))).toBe(false);
    expect(selectsPerViewerField(schema, parse(UNREAD))).toBe(true);
    expect(selectsPerViewerField(schema, parse(V_UNREAD))).toBe(true);
    const nested = `subscription { viewerMessageUpdated { message { conversation { messages(last: 1) { edges { node {
      conversation { ... on Conversation { unreadMessagesCount } } } } } } } } }`;
    expect(selectsPerViewerField(schema, parse(nested))).toBe(true);
  });
});

describe(`subscription fan-out (${backend})`, () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ env: { METRICS_PORT: "0", MEDIA_PREVIEW_WORKERS: "0" } });
  });
  afterAll(() => t?.close());

  const counters = async () => {
    const text = await (await fetch(t.parley.metricsUrl!)).text();
    return {
      executions: sample(text, "parley_subscription_executions_total") ?? Number.NaN,
      messages: sample(text, "parley_subscription_messages_total") ?? Number.NaN,
    };
  };
  const conversation = async (participants: string[]) =>
    (
      await t.gql<{ createConversation: { id: string } }>(
        "alice",
        `mutation($i: CreateConversationInput!) { createConversation(input: $i) { id } }`,
        { i: { participants } },
      )
    ).data!.createConversation.id;
  const send = async (c: string, body: string) => {
    const res = await t.gql<{ sendMessage: { id: string; index: number } }>("alice", SEND, {
      i: { conversationId: c, body },
    });
    expect(res.errors).toBeUndefined();
    return res.data!.sendMessage;
  };
  /**
   * Subscriptions have no "started" acknowledgement: sends probes into `c` until every subscription
   * has delivered the latest one (events arrive in order, so none is in flight after that).
   */
  const untilLive = async (c: string, has: (probe: { id: string; index: number }) => boolean) => {
    for (let i = 0; i < 40; i++) {
      const probe = await send(c, `probe ${i}`);
      const deadline = Date.now() + 500;
      while (Date.now() < deadline && !has(probe)) await new Promise((r) => setTimeout(r, 20));
      if (has(probe)) return probe;
    }
    throw new Error("the subscriptions did not start within 40 probes");
  };

  it("executes and serializes each event once for identical subscribers, sending each the same bytes under its own id", async () => {
    const readers = Array.from({ length: 8 }, (_, i) => `reader-${i}`);
    const c = await conversation(readers);
    const clients = await Promise.all(readers.map(async (r) => rawClient(t.url, await t.token(r))));
    try {
      // Two ids per socket for the first reader: same document, same variables, one group.
      clients.forEach((client, i) => client.subscribe(`s${i}`, ADDED, { c }));
      clients[0]!.subscribe("again", ADDED, { c });
      // A different selection is a group of its own; so are different variables (another conversation).
      clients[1]!.subscribe("short", ADDED_SHORT, { c });
      const seats = clients.flatMap((client, r) => [
        ...(r === 0 ? [`s${r}`, "again"] : [`s${r}`]).map((id) => ({ client, id })),
        ...(r === 1 ? [{ client, id: "short" }] : []),
      ]);
      const last = (m: string) =>
        JSON.parse(m) as { id: string; payload?: { data?: { messageAdded?: { index: number } } } };
      await untilLive(c, (probe) =>
        seats.every(({ client, id }) =>
          client.received.some((m) => last(m).id === id && last(m).payload?.data?.messageAdded?.index === probe.index),
        ),
      );
      const seen = clients.map((client) => client.received.length);
      const nexts = () => clients.flatMap((client, r) => client.received.slice(seen[r]));

      const before = await counters();
      const sent = [];
      for (let i = 0; i < 3; i++) sent.push(await send(c, `m${i}`));
      await eventually(async () => expect(nexts()).toHaveLength(3 * seats.length));
      const after = await counters();
      // Per event: one execution for the 9 identical subscriptions, one for the short one.
      expect(after.executions - before.executions).toBe(3 * 2);
      expect(after.messages - before.messages).toBe(3 * seats.length);

      for (const [i, m] of sent.entries()) {
        const body = `m${i}`;
        const payload = JSON.stringify({ data: { messageAdded: { id: m.id, index: m.index, author: "alice", body } } });
        for (const [r, client] of clients.entries()) {
          const ids = r === 0 ? [`s${r}`, "again"] : [`s${r}`];
          const mine = client.received.filter((msg) =>
            msg.includes(`"payload":{"data":{"messageAdded":{"id":"${m.id}"`),
          );
          // In order within a subscription; two subscriptions of one socket in either order.
          expect(mine.sort()).toEqual(ids.map((id) => `{"id":"${id}","type":"next","payload":${payload}}`).sort());
        }
        expect(clients[1]!.received).toContain(
          `{"id":"short","type":"next","payload":${JSON.stringify({ data: { messageAdded: { index: m.index } } })}}`,
        );
      }
    } finally {
      for (const client of clients) client.close();
    }
  });

  it("gives each viewer its own per-viewer fields, shares the rest, and nothing to a non-participant", async () => {
    const c = await conversation(["bob", "carol"]);
    for (let i = 0; i < 3; i++) await send(c, `before ${i}`);
    // bob has read up to index 1; carol has read nothing.
    const read = await t.gql(
      "bob",
      `mutation($c: ID!) { setLastReadMessageIndex(conversationId: $c, index: 1) { id } }`,
      {
        c,
      },
    );
    expect(read.errors).toBeUndefined();
    const sockets = Object.fromEntries(
      await Promise.all(["bob", "carol", "mallory"].map(async (who) => [who, wsClient(t.url, await t.token(who))])),
    ) as Record<"bob" | "carol" | "mallory", ReturnType<typeof wsClient>>;
    try {
      type Unread = { messageAdded: { index: number; conversation: { id: string; unreadMessagesCount: number } } };
      type VUnread = {
        viewerMessageAdded: { index: number; conversation: { id: string; unreadMessagesCount: number } };
      };
      type VAdded = { viewerMessageAdded: { index: number; body: string; conversation: { id: string } } };
      const unread = {
        bob: collect<Unread>(sockets.bob, UNREAD, { c }),
        carol: collect<Unread>(sockets.carol, UNREAD, { c }),
      };
      const vUnread = {
        bob: collect<VUnread>(sockets.bob, V_UNREAD, {}),
        carol: collect<VUnread>(sockets.carol, V_UNREAD, {}),
      };
      // The same shared document as bob's and carol's, from someone not in the conversation.
      const outsider = {
        shared: collect<VAdded>(sockets.mallory, V_ADDED, {}),
        unread: collect<VUnread>(sockets.mallory, V_UNREAD, {}),
      };
      const refused = collect<Unread>(sockets.mallory, UNREAD, { c });
      const shared = {
        bob: collect<VAdded>(sockets.bob, V_ADDED, {}),
        carol: collect<VAdded>(sockets.carol, V_ADDED, {}),
      };
      await refused.done;
      expect(JSON.stringify(refused.errors)).toContain("FORBIDDEN");
      const all = [...Object.values(unread), ...Object.values(vUnread), ...Object.values(shared)];
      const indexOf = (item: Unread | VUnread | VAdded) =>
        "messageAdded" in item ? item.messageAdded.index : item.viewerMessageAdded.index;
      const probe = await untilLive(c, (p) => all.every((s) => s.items.some((item) => indexOf(item) === p.index)));
      const seen = all.map((s) => s.items.length);

      const before = await counters();
      // One at a time: an unread count is read when the event is delivered.
      const first = await send(c, "after 0");
      for (const [i, s] of all.entries()) await s.waitFor(seen[i]! + 1);
      await send(c, "after 1");
      for (const [i, s] of all.entries()) await s.waitFor(seen[i]! + 2);
      const after = await counters();
      // Per event: bob's and carol's own executions of UNREAD and V_UNREAD, one shared V_ADDED.
      expect(after.executions - before.executions).toBe(2 * 5);

      // Unread: messages from others (alice sent all) after the horizon: bob read up to index 1,
      // carol nothing. Indexes 0-2 were sent before subscribing, then the probes, then these two.
      const k = first.index;
      expect(k).toBe(probe.index + 1);
      const fresh = <T>(items: T[]) => items.filter((item) => indexOf(item as never) >= k);
      const counts = (items: { index: number; conversation: { unreadMessagesCount: number } }[]) =>
        items.map((m) => [m.index, m.conversation.unreadMessagesCount]);
      const expected = (horizon: number) => [
        [k, k - horizon],
        [k + 1, k + 1 - horizon],
      ];
      expect(counts(fresh(unread.bob.items).map((i) => i.messageAdded))).toEqual(expected(1));
      expect(counts(fresh(unread.carol.items).map((i) => i.messageAdded))).toEqual(expected(-1));
      expect(counts(fresh(vUnread.bob.items).map((i) => i.viewerMessageAdded))).toEqual(expected(1));
      expect(counts(fresh(vUnread.carol.items).map((i) => i.viewerMessageAdded))).toEqual(expected(-1));
      const bodies = [
        { viewerMessageAdded: { index: k, body: "after 0", conversation: { id: c } } },
        { viewerMessageAdded: { index: k + 1, body: "after 1", conversation: { id: c } } },
      ];
      expect(fresh(shared.bob.items)).toEqual(bodies);
      expect(fresh(shared.carol.items)).toEqual(bodies);
      for (const s of all) expect(s.errors).toEqual([]);
      await settle();
      expect(outsider.shared.items).toEqual([]);
      expect(outsider.unread.items).toEqual([]);
      expect(outsider.shared.errors).toEqual([]);
    } finally {
      await Promise.all(Object.values(sockets).map((s) => s.dispose()));
    }
  });

  it(`answers an event over ${MAX_RESPONSE_BYTES} bytes with one BAD_USER_INPUT, to every subscriber asking it`, async () => {
    const crowd = Array.from({ length: 999 }, (_, i) => `crowd-${i}`);
    const c = await conversation(crowd);
    // 1000 participants, each object repeating a 9,000-character alias: about 9 MB.
    const huge = `subscription($c: ID!) { messageAdded(conversationId: $c) { index conversation { participants { ${"a".repeat(9_000)}: identity } } } }`;
    const subscribers = await Promise.all(
      ["crowd-0", "crowd-1"].map(async (who) => {
        const ws = wsClient(t.url, await t.token(who));
        return {
          ws,
          huge: collect<unknown>(ws, huge, { c }),
          small: collect<{ messageAdded: { index: number } }>(ws, ADDED_SHORT, { c }),
        };
      }),
    );
    try {
      // The small subscription is registered after the huge one (same socket, asked second).
      await untilLive(c, (p) => subscribers.every((s) => s.small.items.some((i) => i.messageAdded.index === p.index)));
      await eventually(async () => expect(subscribers.every((s) => s.huge.errors.length > 0)).toBe(true));
      const before = subscribers.map((s) => s.huge.errors.length);
      await send(c, "one more");
      for (const [i, s] of subscribers.entries()) {
        await eventually(async () => expect(s.huge.errors).toHaveLength(before[i]! + 1));
        expect(s.huge.items).toEqual([]);
        for (const e of s.huge.errors)
          expect(e).toEqual(
            expect.objectContaining({ extensions: { code: "BAD_USER_INPUT", limitBytes: MAX_RESPONSE_BYTES } }),
          );
      }
      expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    } finally {
      await Promise.all(subscribers.map((s) => s.ws.dispose()));
    }
  });
});
