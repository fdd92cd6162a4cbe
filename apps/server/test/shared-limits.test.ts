// Rate limits shared by every instance (issue 16): counted in PostgreSQL, so two instances allow the
// limit once, not twice; bytes of refused uploads count against the byte budget too.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTestDatabase,
  type TestDatabase,
  generated,
  postMediaMessage,
  startServerProcess,
  type ServerProcess,
} from "@parley/testkit";
import { backend, codeOf, startTestServer, type TestServer } from "./harness.ts";

const SEND = `mutation($i: SendMessageInput!) { sendMessage(input: $i) { index } }`;
const SEND_MEDIA = `mutation($i: SendMediaMessageInput!) { sendMediaMessage(input: $i) { id } }`;
const LIMIT = 10;

async function gqlAt(url: string, token: string, query: string, variables: Record<string, unknown>) {
  const res = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as {
    data?: unknown;
    errors?: { extensions: { code: string; retryAfterSeconds?: number } }[];
  };
}

// Two instances need a database both can reach: PostgreSQL (the embedded one is one process's).
if (backend === "services")
  describe("two instances, one limit", () => {
    let database: TestDatabase;
    let a: TestServer;
    let b: ServerProcess;
    beforeAll(async () => {
      database = await createTestDatabase("parley_limits");
      a = await startTestServer({ database, env: { RATE_LIMIT_MESSAGES_PER_MINUTE: String(LIMIT) } });
      b = await startServerProcess(a.env);
    });
    afterAll(async () => {
      await b?.kill();
      await a?.close();
      await database?.drop();
    });

    it(`refuses 2 × ${LIMIT} concurrent sends spread over both instances past the single limit of ${LIMIT}`, async () => {
      const token = await a.token("alice");
      const created = await a.gql<{ createConversation: { id: string } }>(
        "alice",
        `mutation { createConversation(input: {}) { id } }`,
      );
      const c = created.data!.createConversation.id;
      const results = await Promise.all(
        Array.from({ length: 2 * LIMIT }, (_, i) =>
          gqlAt(i % 2 ? b.url : a.url, token, SEND, { i: { conversationId: c, body: `m${i}` } }),
        ),
      );
      const accepted = results.filter((r) => !r.errors);
      const refused = results.filter((r) => r.errors?.[0]?.extensions.code === "RATE_LIMITED");
      console.log(`shared limits: ${accepted.length} accepted, ${refused.length} refused of ${results.length}`);
      expect(accepted.length).toBe(LIMIT);
      expect(refused.length).toBe(LIMIT);
      for (const r of refused) {
        const s = r.errors![0]!.extensions.retryAfterSeconds!;
        expect(Number.isInteger(s) && s >= 1 && s <= 60).toBe(true);
      }
      // Refused sends used no index: the ten accepted hold 0..9.
      const rows = await a.sql`select index from messages where conversation_id = ${c} order by index`;
      expect(rows.map((r) => r.index)).toEqual(Array.from({ length: LIMIT }, (_, i) => i));
    });
  });

describe(`upload bytes (${backend})`, () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({
      env: {
        RATE_LIMIT_UPLOAD_BYTES_PER_MINUTE: String(3 * 1024 * 1024),
        MEDIA_MAX_FILE_BYTES: String(2 * 1024 * 1024),
      },
    });
  });
  afterAll(() => t?.close());

  it("charges the bytes of refused uploads too: two refused 2 MiB+ files use the minute's 3 MiB", async () => {
    const created = await t.gql<{ createConversation: { id: string } }>(
      "carol",
      `mutation { createConversation(input: {}) { id } }`,
    );
    const c = created.data!.createConversation.id;
    const token = await t.token("carol");
    const tooBig = () =>
      postMediaMessage(`${t.url}/graphql`, token, SEND_MEDIA, c, [
        { filename: "big.bin", body: generated(2 * 1024 * 1024 + 4096) },
      ]);
    expect(codeOf((await tooBig()).json)).toBe("PAYLOAD_TOO_LARGE");
    expect(codeOf((await tooBig()).json)).toBe("PAYLOAD_TOO_LARGE");
    // Over 4 MiB of refused bytes were received: the budget of 3 MiB is spent, even a small file waits.
    const small = await postMediaMessage(`${t.url}/graphql`, token, SEND_MEDIA, c, [
      { filename: "a.txt", body: Buffer.from("hi") },
    ]);
    expect(codeOf(small.json)).toBe("RATE_LIMITED");
    expect(await t.sql`select count(*)::int as n from messages where conversation_id = ${c}`).toEqual([{ n: 0 }]);
  });
});
