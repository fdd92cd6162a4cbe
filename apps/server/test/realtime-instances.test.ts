import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase, startServerProcess, type ServerProcess } from "@parley/testkit";
import { startTestServer, type TestServer } from "./harness.ts";
import { collect, settle, wsClient } from "./ws.ts";

// Two instances on one PostgreSQL database: A in this process, B a separate server process.
let database: TestDatabase;
let a: TestServer;
let b: ServerProcess;
beforeAll(async () => {
  database = await createTestDatabase("parley_rt");
  a = await startTestServer({ database });
  b = await startServerProcess(a.env);
});
afterAll(async () => {
  await b?.kill();
  await a?.close();
  await database?.drop();
});

describe("fan-out across instances through LISTEN/NOTIFY", () => {
  it("delivers messages sent through instance A to a subscriber on instance B, in index order", async () => {
    const created = await a.gql<{ createConversation: { id: string } }>(
      "alice",
      `mutation { createConversation(input: { participants: ["bob"] }) { id } }`,
    );
    const c = created.data!.createConversation.id;
    const ws = wsClient(b.url, await a.token("bob"));
    try {
      const added = collect<{ messageAdded: { index: number; body: string; author: string } }>(
        ws,
        `subscription($c: ID!) { messageAdded(conversationId: $c) { index body author } }`,
        { c },
      );
      await settle();
      const SEND = `mutation($i: SendMessageInput!) { sendMessage(input: $i) { index } }`;
      await Promise.all(
        Array.from({ length: 25 }, (_, i) => a.gql("alice", SEND, { i: { conversationId: c, body: `m${i}` } })),
      );
      const items = await added.waitFor(25);
      expect(items.map((i) => i.messageAdded.index)).toEqual(Array.from({ length: 25 }, (_, i) => i));
      expect(new Set(items.map((i) => i.messageAdded.body)).size).toBe(25);
      expect(items.every((i) => i.messageAdded.author === "alice")).toBe(true);
    } finally {
      await ws.dispose();
    }
  });
});
