import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codeOf, startTestServer, type TestServer } from "./harness.ts";
import { collect, settle, wsClient } from "./ws.ts";
import { readFixture, eventually, postMultipart } from "@parley/testkit";

let t: TestServer;
beforeAll(async () => {
  // No preview workers: a PNG's previews would race the object counts below (made, then deleted
  // by the job when it finds the medium removed).
  t = await startTestServer({ env: { MEDIA_PREVIEW_WORKERS: "0" } });
});
afterAll(() => t?.close());

const png = readFixture("photo.png");
const SEND = `mutation($i: SendMessageInput!) { sendMessage(input: $i) { id index } }`;
const ADDED = `subscription($c: ID!) { messageAdded(conversationId: $c) { id index body author } }`;
const UPDATED = `subscription($c: ID!) { messageUpdated(conversationId: $c) { reasons message { id body attributes } } }`;
const REMOVED = `subscription($c: ID!) { messageRemoved(conversationId: $c) { id index conversationId removedAt } }`;

async function conversation(creator: string, participants: string[]) {
  const res = await t.gql<{ createConversation: { id: string } }>(
    creator,
    `mutation($i: CreateConversationInput!) { createConversation(input: $i) { id } }`,
    {
      i: { participants },
    },
  );
  return res.data!.createConversation.id;
}
const send = async (who: string, c: string, body: string) =>
  (await t.gql<{ sendMessage: { id: string; index: number } }>(who, SEND, { i: { conversationId: c, body } })).data!
    .sendMessage;

describe("subscriptions", () => {
  it("delivers messageAdded, messageUpdated and messageRemoved to participants, in index order", async () => {
    const c = await conversation("alice", ["bob"]);
    const ws = wsClient(t.url, await t.token("bob"));
    try {
      const added = collect<{ messageAdded: { index: number; body: string } }>(ws, ADDED, { c });
      const updated = collect<{ messageUpdated: { reasons: string[]; message: { body: string } } }>(ws, UPDATED, { c });
      const removed = collect<{ messageRemoved: { index: number } }>(ws, REMOVED, { c });
      await settle();
      const sent = await Promise.all(Array.from({ length: 12 }, (_, i) => send(i % 2 ? "bob" : "alice", c, `m${i}`)));
      const items = await added.waitFor(12);
      expect(items.map((i) => i.messageAdded.index)).toEqual(Array.from({ length: 12 }, (_, i) => i));

      const first = sent.find((m) => m.index === 0)!;
      // Sends ran concurrently: index 0 belongs to whichever send got it (send i was by i % 2).
      const author = sent.indexOf(first) % 2 ? "bob" : "alice";
      const upd = await t.gql(
        author,
        `mutation($i: UpdateMessageInput!) { updateMessage(input: $i) { body attributes } }`,
        {
          i: { id: first.id, body: "edited", attributes: { pinned: true } },
        },
      );
      expect(upd.errors).toBeUndefined();
      const [u] = await updated.waitFor(1);
      expect(u!.messageUpdated.reasons.sort()).toEqual(["ATTRIBUTES", "BODY"]);
      expect(u!.messageUpdated.message.body).toBe("edited");

      const rem = await t.gql(author, `mutation($id: ID!) { removeMessage(id: $id) { id index } }`, { id: first.id });
      expect(rem.errors).toBeUndefined();
      const [r] = await removed.waitFor(1);
      expect(r!.messageRemoved.index).toBe(0);
    } finally {
      await ws.dispose();
    }
  });

  it("refuses a non-participant's subscription and an unauthenticated connection", async () => {
    const c = await conversation("alice", []);
    const ws = wsClient(t.url, await t.token("mallory"));
    const sub = collect(ws, ADDED, { c });
    await sub.done;
    expect(sub.items).toEqual([]);
    expect(JSON.stringify(sub.errors)).toContain("FORBIDDEN");
    await ws.dispose();

    const anon = wsClient(t.url, null);
    const refused = collect(anon, ADDED, { c });
    await refused.done;
    expect(refused.errors.length).toBeGreaterThan(0);
    expect((refused.errors[0] as { code?: number }).code).toBe(4403);
    await anon.dispose();
  });

  it("stops a participant's events once they are removed from the conversation", async () => {
    const c = await conversation("alice", ["bob"]);
    const ws = wsClient(t.url, await t.token("bob"));
    try {
      const sub = collect<{ messageAdded: { index: number } }>(ws, ADDED, { c });
      await settle();
      await send("alice", c, "before");
      await sub.waitFor(1);
      const removed = await t.gql<{ removeParticipant: boolean }>(
        "alice",
        `mutation($c: ID!) { removeParticipant(conversationId: $c, identity: "bob") }`,
        { c },
      );
      expect(removed.data?.removeParticipant).toBe(true);
      await sub.done; // the server completes the subscription
      await send("alice", c, "after");
      await settle();
      expect(sub.items.map((i) => i.messageAdded.index)).toEqual([0]);
      expect(codeOf(await t.gql("bob", `query($c: ID!) { conversation(id: $c) { id } }`, { c }))).toBe("FORBIDDEN");
    } finally {
      await ws.dispose();
    }
  });
});

describe("viewer-wide subscriptions", () => {
  const V_ADDED = `subscription { viewerMessageAdded { index body conversation { id } } }`;
  const V_UPDATED = `subscription { viewerMessageUpdated { reasons message { body conversation { id } } } }`;
  const V_REMOVED = `subscription { viewerMessageRemoved { id index conversationId } }`;
  type Added = { viewerMessageAdded: { index: number; body: string; conversation: { id: string } } };

  it("delivers every conversation's events to a participant, joined after subscribing too, and stops at removal", async () => {
    const before = await conversation("alice", ["vera"]);
    const ws = wsClient(t.url, await t.token("vera"));
    try {
      const added = collect<Added>(ws, V_ADDED, {});
      const updated = collect<{ viewerMessageUpdated: { reasons: string[]; message: { body: string } } }>(
        ws,
        V_UPDATED,
        {},
      );
      const removed = collect<{ viewerMessageRemoved: { index: number; conversationId: string } }>(ws, V_REMOVED, {});
      await settle();
      const created = await conversation("alice", ["vera"]); // created after subscribing, with vera
      const other = await conversation("alice", ["bob"]); // vera is not in it (yet)
      await send("alice", before, "b0");
      await send("alice", created, "c0");
      await send("alice", other, "not for vera");
      await added.waitFor(2);
      const joined = await t.gql("alice", `mutation($i: AddParticipantInput!) { addParticipant(input: $i) { id } }`, {
        i: { conversationId: other, identity: "vera" },
      });
      expect(joined.errors).toBeUndefined();
      await send("alice", other, "o1");
      const edited = await send("alice", created, "c1");
      await added.waitFor(4);
      await t.gql("alice", `mutation($i: UpdateMessageInput!) { updateMessage(input: $i) { id } }`, {
        i: { id: edited.id, body: "c1, edited" },
      });
      await t.gql("alice", `mutation($id: ID!) { removeMessage(id: $id) { id } }`, { id: edited.id });
      await updated.waitFor(1);
      await removed.waitFor(1);
      // Removed from one conversation: its events stop, the others' go on, the subscription stays.
      await t.gql("alice", `mutation($c: ID!) { removeParticipant(conversationId: $c, identity: "vera") }`, {
        c: before,
      });
      await send("alice", before, "b1, after vera left");
      await send("alice", created, "c2");
      await added.waitFor(5);
      await settle();
      expect(added.items.map((i) => [i.viewerMessageAdded.conversation.id, i.viewerMessageAdded.body])).toEqual([
        [before, "b0"],
        [created, "c0"],
        [other, "o1"],
        [created, "c1"],
        [created, "c2"],
      ]);
      expect(updated.items.map((u) => [u.viewerMessageUpdated.reasons, u.viewerMessageUpdated.message.body])).toEqual([
        [["BODY"], "c1, edited"],
      ]);
      expect(removed.items.map((r) => r.viewerMessageRemoved)).toEqual([
        { id: edited.id, index: 1, conversationId: created },
      ]);
      expect(added.errors).toEqual([]);
      // Where each conversation stands, from the row's counter (a removed newest message still counts).
      const positions = await t.gql<{ conversations: { edges: { node: { id: string; lastMessageIndex: number } }[] } }>(
        "vera",
        `{ conversations(first: 10) { edges { node { id lastMessageIndex } } } }`,
      );
      const byId = Object.fromEntries(
        positions.data!.conversations.edges.map((e) => [e.node.id, e.node.lastMessageIndex]),
      );
      expect(byId).toEqual({ [created]: 2, [other]: 1 });
      const empty = await conversation("vera", []);
      const none = await t.gql<{ conversation: { lastMessageIndex: number | null } }>(
        "vera",
        `query($c: ID!) { conversation(id: $c) { lastMessageIndex } }`,
        { c: empty },
      );
      expect(none.data?.conversation.lastMessageIndex).toBeNull();
    } finally {
      await ws.dispose();
    }
  });

  it("needs an authenticated connection", async () => {
    const anon = wsClient(t.url, null);
    const refused = collect(anon, V_ADDED, {});
    await refused.done;
    expect((refused.errors[0] as { code?: number }).code).toBe(4403);
    await anon.dispose();
  });
});

describe("updateMessage, removeMessage, removeParticipant", () => {
  it("lets only the author update, validating like a send", async () => {
    const c = await conversation("alice", ["bob"]);
    const m = await send("alice", c, "original");
    const UPD = `mutation($i: UpdateMessageInput!) { updateMessage(input: $i) { body attributes updatedAt createdAt } }`;
    expect(codeOf(await t.gql("bob", UPD, { i: { id: m.id, body: "hijack" } }))).toBe("FORBIDDEN");
    expect(codeOf(await t.gql("mallory", UPD, { i: { id: m.id, body: "hijack" } }))).toBe("FORBIDDEN");
    expect(codeOf(await t.gql("alice", UPD, { i: { id: m.id, body: "" } }))).toBe("BAD_USER_INPUT");
    expect(codeOf(await t.gql("alice", UPD, { i: { id: "00000000-0000-7000-8000-000000000009", body: "x" } }))).toBe(
      "NOT_FOUND",
    );
    const ok = await t.gql<{
      updateMessage: { body: string; attributes: object; updatedAt: string; createdAt: string };
    }>("alice", UPD, {
      i: { id: m.id, attributes: { a: 1 } },
    });
    expect(ok.data!.updateMessage).toMatchObject({ body: "original", attributes: { a: 1 } });
    expect(Date.parse(ok.data!.updateMessage.updatedAt)).toBeGreaterThanOrEqual(
      Date.parse(ok.data!.updateMessage.createdAt),
    );
  });

  it("removes a media message: rows and stored objects gone, old URL refused, idempotent, author only", async () => {
    const c = await conversation("alice", ["bob"]);
    const sent = await postMultipart(
      t.graphqlUrl,
      await t.token("alice"),
      {
        query: `mutation($i: SendMediaMessageInput!) { sendMediaMessage(input: $i) { id media { temporaryUrl } } }`,
        variables: { i: { conversationId: c, media: [{ file: null }, { file: null }] } },
      },
      [
        { path: "variables.i.media.0.file", filename: "a.png", body: png },
        { path: "variables.i.media.1.file", filename: "b.png", body: png },
      ],
    );
    const msg = sent.json.data!.sendMediaMessage as { id: string; media: { temporaryUrl: string }[] };
    expect((await fetch(msg.media[0]!.temporaryUrl)).status).toBe(200);
    expect(await t.objects(`media/${c}/`)).toHaveLength(2);

    const REM = `mutation($id: ID!) { removeMessage(id: $id) { id index conversationId } }`;
    expect(codeOf(await t.gql("bob", REM, { id: msg.id }))).toBe("FORBIDDEN");
    const first = await t.gql<{ removeMessage: unknown }>("alice", REM, { id: msg.id });
    expect(first.data?.removeMessage).toEqual({ id: msg.id, index: 0, conversationId: c });
    // Previews too: a preview job running during the removal deletes what it stored once it finds
    // the medium gone (it may still be finishing when the removal answers).
    await eventually(async () => expect(await t.objects(`media/${c}/`, { previews: true })).toEqual([]));
    expect(await t.sql`select 1 from messages where id = ${msg.id}`).toHaveLength(0);
    expect(await t.sql`select 1 from media where message_id = ${msg.id}`).toHaveLength(0);
    const old = await fetch(msg.media[0]!.temporaryUrl);
    expect(old.status).toBeGreaterThanOrEqual(400);
    const again = await t.gql<{ removeMessage: unknown }>("alice", REM, { id: msg.id });
    expect(again.data?.removeMessage).toEqual(first.data?.removeMessage);
    expect(codeOf(await t.gql("alice", `query($id: ID!) { message(id: $id) { id } }`, { id: msg.id }))).toBe(
      "NOT_FOUND",
    );
    // Indexes are never reused.
    expect((await send("alice", c, "next")).index).toBe(1);
  });

  it("lets the creator remove anyone and others only themselves", async () => {
    const c = await conversation("alice", ["bob", "carol"]);
    const RP = `mutation($c: ID!, $who: String!) { removeParticipant(conversationId: $c, identity: $who) }`;
    expect(codeOf(await t.gql("bob", RP, { c, who: "carol" }))).toBe("FORBIDDEN");
    expect((await t.gql<{ removeParticipant: boolean }>("bob", RP, { c, who: "bob" })).data?.removeParticipant).toBe(
      true,
    );
    expect(
      (await t.gql<{ removeParticipant: boolean }>("alice", RP, { c, who: "carol" })).data?.removeParticipant,
    ).toBe(true);
    expect(
      (await t.gql<{ removeParticipant: boolean }>("alice", RP, { c, who: "carol" })).data?.removeParticipant,
    ).toBe(false);
    const rows = await t.sql`select identity from participants where conversation_id = ${c}`;
    expect(rows.map((r) => r.identity)).toEqual(["alice"]);
  });
});

describe("read horizon", () => {
  it("counts messages from others after the viewer's horizon", async () => {
    const c = await conversation("alice", ["bob"]);
    for (let i = 0; i < 5; i++) await send("alice", c, `a${i}`);
    await send("bob", c, "own message");
    const Q = `query($c: ID!) { conversation(id: $c) { unreadMessagesCount participants { identity lastReadMessageIndex } } }`;
    const count = async (who: string) =>
      (await t.gql<{ conversation: { unreadMessagesCount: number } }>(who, Q, { c })).data!.conversation
        .unreadMessagesCount;
    expect(await count("bob")).toBe(5);
    expect(await count("alice")).toBe(1);
    const set = await t.gql<{ setLastReadMessageIndex: { identity: string; lastReadMessageIndex: number } }>(
      "bob",
      `mutation($c: ID!, $i: Int) { setLastReadMessageIndex(conversationId: $c, index: $i) { identity lastReadMessageIndex } }`,
      { c, i: 2 },
    );
    expect(set.data?.setLastReadMessageIndex).toEqual({ identity: "bob", lastReadMessageIndex: 2 });
    expect(await count("bob")).toBe(2);
    const list = await t.gql<{ conversations: { edges: { node: { id: string; unreadMessagesCount: number } }[] } }>(
      "bob",
      `{ conversations { edges { node { id unreadMessagesCount } } } }`,
    );
    expect(list.data!.conversations.edges.find((e) => e.node.id === c)?.node.unreadMessagesCount).toBe(2);
    expect(
      codeOf(
        await t.gql("mallory", `mutation($c: ID!) { setLastReadMessageIndex(conversationId: $c, index: 1) { id } }`, {
          c,
        }),
      ),
    ).toBe("FORBIDDEN");
  });
});
