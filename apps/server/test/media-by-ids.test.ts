import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codeOf, startTestServer, type TestServer } from "./harness.ts";
import { postMediaMessage } from "@parley/testkit";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

const SEND_MEDIA = `mutation($i: SendMediaMessageInput!) { sendMediaMessage(input: $i) { id media { id sha256 } } }`;
const BY_IDS = `query($ids: [ID!]!) { mediaByIds(ids: $ids) { id sha256 size temporaryUrl temporaryUrlExpiresAt } }`;
const MISSING = "00000000-0000-7000-8000-000000000000";

async function conversation(creator: string, participants: string[] = []) {
  const res = await t.gql<{ createConversation: { id: string } }>(
    creator,
    `mutation($i: CreateConversationInput!) { createConversation(input: $i) { id } }`,
    { i: { participants } },
  );
  return res.data!.createConversation.id;
}

async function mediaMessage(identity: string, conversationId: string, count: number) {
  const res = await postMediaMessage(
    t.graphqlUrl,
    await t.token(identity),
    SEND_MEDIA,
    conversationId,
    Array.from({ length: count }, (_, i) => ({ filename: `f${i}.bin`, body: Buffer.from(`file ${i} of ${identity}`) })),
  );
  const json = res.json as { data: { sendMediaMessage: { media: { id: string; sha256: string }[] } } };
  return json.data.sendMediaMessage.media;
}

describe("mediaByIds", () => {
  it("returns media of several messages and conversations in the order asked, with working URLs", async () => {
    const a = await conversation("alice", ["bob"]);
    const b = await conversation("bob", ["alice"]);
    const first = await mediaMessage("alice", a, 2);
    const second = await mediaMessage("bob", b, 1);
    const ids = [second[0]!.id, first[1]!.id, first[0]!.id, second[0]!.id];
    const res = await t.gql<{ mediaByIds: { id: string; sha256: string; size: number; temporaryUrl: string }[] }>(
      "alice",
      BY_IDS,
      { ids },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.mediaByIds.map((m) => m.id)).toEqual(ids);
    const body = await (await fetch(res.data!.mediaByIds[1]!.temporaryUrl)).arrayBuffer();
    expect(Buffer.from(body).toString()).toBe("file 1 of alice");
    expect(res.data!.mediaByIds[1]!.sha256).toBe(first[1]!.sha256);
    expect((await t.gql<{ mediaByIds: unknown[] }>("alice", BY_IDS, { ids: [] })).data!.mediaByIds).toEqual([]);
  });

  it("answers FORBIDDEN when any id is in a conversation the viewer is not in, NOT_FOUND for an unknown id", async () => {
    const mine = await mediaMessage("alice", await conversation("alice"), 1);
    const theirs = await mediaMessage("carol", await conversation("carol"), 1);
    const forbidden = await t.gql("alice", BY_IDS, { ids: [mine[0]!.id, theirs[0]!.id] });
    expect(codeOf(forbidden)).toBe("FORBIDDEN");
    expect(forbidden.data).toBeNull();
    expect(codeOf(await t.gql("alice", BY_IDS, { ids: [mine[0]!.id, MISSING] }))).toBe("NOT_FOUND");
    expect(codeOf(await t.gql("alice", BY_IDS, { ids: ["not-an-id"] }))).toBe("NOT_FOUND");
    expect(codeOf(await t.gql(null, BY_IDS, { ids: [mine[0]!.id] }))).toBe("UNAUTHENTICATED");
  });

  it("refuses more than 100 ids with BAD_USER_INPUT", async () => {
    const [m] = await mediaMessage("alice", await conversation("alice"), 1);
    const ok = await t.gql<{ mediaByIds: unknown[] }>("alice", BY_IDS, { ids: Array(100).fill(m!.id) });
    expect(ok.data!.mediaByIds).toHaveLength(100);
    const res = await t.gql("alice", BY_IDS, { ids: Array(101).fill(m!.id) });
    expect(codeOf(res)).toBe("BAD_USER_INPUT");
    expect(res.errors![0]!.message).toMatch(/at most 100/);
  });
});

describe("advanceLastReadMessageIndex", () => {
  const ADVANCE = `mutation($c: ID!, $i: Int!) { advanceLastReadMessageIndex(conversationId: $c, index: $i) { identity lastReadMessageIndex } }`;
  const advance = (who: string, c: string, i: number) =>
    t.gql<{ advanceLastReadMessageIndex: { identity: string; lastReadMessageIndex: number | null } }>(who, ADVANCE, {
      c,
      i,
    });

  it("moves the horizon forward only: a lower index changes nothing", async () => {
    const c = await conversation("alice", ["bob"]);
    expect((await advance("bob", c, 3)).data!.advanceLastReadMessageIndex).toEqual({
      identity: "bob",
      lastReadMessageIndex: 3,
    });
    expect((await advance("bob", c, 1)).data!.advanceLastReadMessageIndex.lastReadMessageIndex).toBe(3);
    expect((await advance("bob", c, 7)).data!.advanceLastReadMessageIndex.lastReadMessageIndex).toBe(7);
    const rows =
      await t.sql`select last_read_message_index as i from participants where conversation_id = ${c} and identity = 'bob'`;
    expect(rows).toEqual([{ i: 7 }]);
    expect(codeOf(await advance("bob", c, -1))).toBe("BAD_USER_INPUT");
    expect(codeOf(await advance("mallory", c, 1))).toBe("FORBIDDEN");
    expect(codeOf(await advance("bob", MISSING, 1))).toBe("NOT_FOUND");
  });

  it("ends at the highest index when two tabs advance at once, 20 times over", async () => {
    const c = await conversation("alice", ["bob"]);
    for (let round = 0; round < 20; round++) {
      const high = round * 10 + 9;
      // The lower one is sent last: a plain "set" landing last would move the horizon back.
      await Promise.all([advance("bob", c, high), advance("bob", c, high - 5)]);
      const rows =
        await t.sql`select last_read_message_index as i from participants where conversation_id = ${c} and identity = 'bob'`;
      expect(rows, `round ${round}`).toEqual([{ i: high }]);
    }
  });
});
