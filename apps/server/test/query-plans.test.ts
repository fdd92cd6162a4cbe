// Issue 20: the hot queries cost the same however large the data grows. Checked on PostgreSQL's
// plans, not by eye: on a database seeded with SQL (a conversation of 200,000 messages, an identity
// in 5,000 conversations, statistics analysed), every hot statement of the repositories is planned
// as index scans only (no sequential scan of a growing table), both as a custom plan (the first
// executions) and as the generic plan a prepared statement settles on. And the one figure that
// cannot stay flat, an unread count, stops at its cap.
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Statement } from "@parley/db";
import { conversationStatements } from "../src/repositories/conversations.ts";
import { messageStatements, UNREAD_COUNT_CAP } from "../src/repositories/messages.ts";
import { backend, startTestServer, type TestServer } from "./harness.ts";

// Run by the services project only (vitest.config.ts); this says so loudly if ever run elsewhere.
if (backend !== "services") throw new Error("query-plans.test.ts needs PostgreSQL: run it in the services project");

const MESSAGES = 200_000;
const CONVERSATIONS = 5_000;
const GROWING = new Set(["messages", "participants", "conversations", "media", "rate_limits"]);

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
}

/** Every scan of a growing table in the plan, as "Node Type on relation (index)". */
function scans(node: PlanNode, out: string[] = []): string[] {
  if (node["Relation Name"] && GROWING.has(node["Relation Name"]))
    out.push(`${node["Node Type"]} on ${node["Relation Name"]}${node["Index Name"] ? ` (${node["Index Name"]})` : ""}`);
  for (const child of node.Plans ?? []) scans(child, out);
  return out;
}

const literal = (v: unknown): string =>
  v === null
    ? "null"
    : Array.isArray(v)
      ? `'{${v.join(",")}}'`
      : typeof v === "number"
        ? String(v)
        : `'${String(v).replaceAll("'", "''")}'`;

describe("query plans as the data grows (PostgreSQL)", () => {
  let t: TestServer;
  let sql: postgres.Sql;
  let big: string;
  let small: string;
  let messageId: string;
  let mediaMessageIds: string[];
  const lonely = "carol";

  beforeAll(async () => {
    t = await startTestServer();
    sql = postgres(t.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
    const create = async (participants: string[]) =>
      (
        await t.gql<{ createConversation: { id: string } }>(
          "alice",
          `mutation($p: [String!]) { createConversation(input: { participants: $p }) { id } }`,
          { p: participants },
        )
      ).data!.createConversation.id;
    big = await create(["bob"]);
    small = await create(["bob"]);
    // One INSERT … SELECT generate_series each: bob's and dave's messages in the big conversation, 3 media on the
    // newest 50,000, and alice in CONVERSATIONS more conversations.
    await sql`insert into messages (id, conversation_id, index, author, body, attributes, type, created_at, updated_at)
      select gen_random_uuid(), ${big}, i, case when i % 2 = 0 then 'bob' else 'dave' end, 'seeded ' || i, '{}', 'TEXT', now(), now()
      from generate_series(0, ${MESSAGES - 1}) as i`;
    await sql`update conversations set next_message_index = ${MESSAGES} where id = ${big}`;
    await sql`insert into media (id, message_id, position, filename, content_type, size, sha256, object_key)
      select gen_random_uuid(), m.id, p, 'f.bin', 'application/octet-stream', 1, 'x', 'media/' || m.id || '/' || p
      from messages m, generate_series(0, 2) as p where m.conversation_id = ${big} and m.index >= ${MESSAGES - 50_000}`;
    await sql`with c as (
        insert into conversations (id, attributes, created_by, last_activity_at)
        select gen_random_uuid(), '{}', 'dave', now() - make_interval(secs => i) from generate_series(1, ${CONVERSATIONS}) as i
        returning id)
      insert into participants (id, conversation_id, identity) select gen_random_uuid(), c.id, 'alice' from c`;
    await sql`analyze`;
    messageId = (await sql`select id from messages where conversation_id = ${big} and index = 1234`)[0]!.id as string;
    mediaMessageIds = (
      await sql`select id from messages where conversation_id = ${big} and index >= ${MESSAGES - 50}`
    ).map((r) => r.id as string);
  }, 120_000);
  afterAll(async () => {
    await sql?.end({ timeout: 1 });
    await t?.close();
  });

  const cases = (): [string, Statement<unknown>, unknown[]][] => {
    const at = new Date().toISOString();
    const send = [crypto.randomUUID(), big, "alice", "hi", "{}", null, at];
    return [
      ["send (membership, insert, notify)", messageStatements.sendText, send],
      ["send with the rate limit's upsert", messageStatements.sendTextWithBudget, [...send, "messages:alice", 1, 100]],
      ["message by id", messageStatements.byId, [messageId]],
      ["idempotent repeat", messageStatements.idempotent, [big, "alice", "k"]],
      ["media of a page", messageStatements.mediaOf, [mediaMessageIds]],
      ["newest page", messageStatements.page(false, false, false), [big, 51]],
      ["page before a cursor deep in history", messageStatements.page(false, false, true), [big, 51, 1234]],
      ["page after a cursor", messageStatements.page(true, true, false), [big, 51, 1234]],
      ["page between cursors", messageStatements.page(true, true, true), [big, 51, 1000, 2000]],
      ["unread counts", messageStatements.unread, ["alice", [big, small]]],
      ["conversation with membership", conversationStatements.withMembership, [big, "alice"]],
      ["conversations by id", conversationStatements.byIds, [[big, small]]],
      ["participants of conversations", conversationStatements.participantsOf, [[big, small]]],
      ["conversations list", conversationStatements.list, ["alice", 21]],
      ["conversations list after a cursor", conversationStatements.listAfter, ["alice", 21, at, big]],
      ["conversations list of someone in none", conversationStatements.list, [lonely, 21]],
    ];
  };

  for (const mode of ["force_custom_plan", "force_generic_plan"] as const) {
    it(`plans every hot statement as index scans (${mode})`, async () => {
      const found: Record<string, string[]> = {};
      await sql.begin(async (tx) => {
        await tx.unsafe(`set local plan_cache_mode = ${mode}`);
        let n = 0;
        for (const [name, s, params] of cases()) {
          const p = `plan_check_${n++}`;
          await tx.unsafe(`prepare ${p} as ${s.text}`);
          const [row] = await tx.unsafe(`explain (format json) execute ${p}(${params.map(literal).join(", ")})`);
          const plan = (row!["QUERY PLAN"] as { Plan: PlanNode }[])[0]!.Plan;
          found[name] = scans(plan);
          if (process.env.PLAN_DEBUG) console.log(mode, name, JSON.stringify(found[name]));
          await tx.unsafe(`deallocate ${p}`);
        }
      });
      for (const [name, list] of Object.entries(found)) {
        expect(list.length, `${name}: scans a table`).toBeGreaterThan(0);
        expect(
          list.filter(
            (s) =>
              !/^(Index Scan|Index Only Scan|Bitmap Index Scan|Bitmap Heap Scan|ModifyTable|Insert|Update)/.test(s),
          ),
          `${name}: ${list.join(", ")}`,
        ).toEqual([]);
      }
      // A bitmap scan collects every matching row before LIMIT applies: never on messages.
      for (const [name, list] of Object.entries(found))
        expect(
          list.filter((s) => s.startsWith("Bitmap") && s.includes(" on messages")),
          `${name}: ${list.join(", ")}`,
        ).toEqual([]);
      // The page reads walk the (conversation, index) index, never sort the conversation's messages.
      expect(found["page before a cursor deep in history"]).toContain(
        "Index Scan on messages (messages_conversation_index_key)",
      );
    });
  }

  it(`stops counting unread messages at ${UNREAD_COUNT_CAP}, and counts exactly below it`, async () => {
    const Q = `query($c: ID!) { conversation(id: $c) { unreadMessagesCount } }`;
    const count = async (who: string, c: string) =>
      (await t.gql<{ conversation: { unreadMessagesCount: number } }>(who, Q, { c })).data!.conversation
        .unreadMessagesCount;
    expect(await count("alice", big)).toBe(UNREAD_COUNT_CAP);
    expect(await count("bob", big)).toBe(UNREAD_COUNT_CAP);
    await t.gql(
      "alice",
      `mutation($c: ID!, $i: Int!) { setLastReadMessageIndex(conversationId: $c, index: $i) { id } }`,
      { c: big, i: MESSAGES - 1 - 37 },
    );
    expect(await count("alice", big)).toBe(37);
  });
});
