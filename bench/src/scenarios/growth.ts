// Scenario 8 (issue 20): the cost of the hot requests as the data grows. Rows are seeded straight
// with SQL (one INSERT … SELECT generate_series per table): conversations of 10^3, 10^5 and 10^6
// messages, and an identity in 10, 10^3 and 10^4 conversations. At each size: server CPU per request
// (/proc/<pid>/stat) of a history page, a send, unreadMessagesCount and the conversations list.
import { createConversation } from "../environment.ts";
import { runLine } from "../figures.ts";
import { httpLoad } from "../http-load.ts";
import type { BenchContext } from "../context.ts";
import { round, roundSummary, summarize, type Summary } from "../stats.ts";

export const MESSAGE_SIZES = [1_000, 100_000, 1_000_000];
export const MESSAGE_SIZES_QUICK = [1_000, 10_000, 100_000];
export const CONVERSATION_SIZES = [10, 1_000, 10_000];

export interface GrowthRow {
  /** "messages": messages in the conversation; "conversations": conversations of the identity. */
  dimension: "messages" | "conversations";
  size: number;
  request: string;
  cpuMsPerRequest: Summary;
  p50Ms: Summary;
  seedSeconds: number;
}

export interface GrowthResult {
  rows: GrowthRow[];
  /** Largest size over smallest, per request (server CPU per request, medians). */
  ratios: { request: string; dimension: string; smallest: number; largest: number; ratio: number }[];
}

const HISTORY = `query($id: ID!) { conversation(id: $id) { messages(last: 50) { edges { node { id index author body type createdAt } } } } }`;
const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { id index } }`;
const UNREAD = `query($id: ID!) { conversation(id: $id) { unreadMessagesCount } }`;
const LIST = `{ conversations(first: 20) { edges { node { id lastMessageIndex } } } }`;

export const growthSteps = (runs: number, sizes = MESSAGE_SIZES) =>
  (sizes.length * 3 + CONVERSATION_SIZES.length) * runs;

export async function growth(ctx: BenchContext, sizes = MESSAGE_SIZES): Promise<GrowthResult> {
  const { env, api, settings, progress } = ctx;
  const sql = env.sql;
  const alice = { authorization: `Bearer ${await env.token("alice")}` };
  const carol = { authorization: `Bearer ${await env.token("carol")}` };
  const rows: GrowthRow[] = [];
  const measure = async (
    dimension: GrowthRow["dimension"],
    size: number,
    seedSeconds: number,
    request: string,
    headers: Record<string, string>,
    body: () => string,
  ) => {
    const cpu: number[] = [];
    const p50: number[] = [];
    // A short warm-up at this size, then the measured runs.
    await httpLoad({
      url: api.graphqlUrl,
      connections: 10,
      durationSeconds: settings.warmupSeconds / 2,
      headers,
      bodyFor: body,
    });
    for (let run = 1; run <= settings.runs; run++) {
      const r = await httpLoad({
        url: api.graphqlUrl,
        serverPid: api.pid,
        connections: 10,
        durationSeconds: Math.min(settings.loadSeconds, 3),
        headers,
        bodyFor: body,
      });
      if (r.failed > 0) throw new Error(`${request} at ${size}: ${r.failed} failed (${r.firstFailure})`);
      cpu.push(r.cpuMsPerRequest ?? Number.NaN);
      p50.push(r.p50);
      progress.step(`growth: ${request}, ${dimension} ${size.toLocaleString("en-US")}, run ${run}: ${runLine(r)}`);
    }
    rows.push({
      dimension,
      size,
      request,
      cpuMsPerRequest: roundSummary(summarize(cpu)),
      p50Ms: roundSummary(summarize(p50)),
      seedSeconds: round(seedSeconds),
    });
  };

  for (const size of sizes) {
    const id = await createConversation(api.graphqlUrl, alice.authorization.slice(7), ["bob"]);
    const t0 = performance.now();
    progress.info(`growth: seeding ${size.toLocaleString("en-US")} messages into one conversation (generate_series)`);
    await sql`insert into messages (id, conversation_id, index, author, body, attributes, type, created_at, updated_at)
      select gen_random_uuid(), ${id}, i, case when i % 2 = 0 then 'bob' else 'dave' end, 'seeded message ' || i,
        '{}', 'TEXT', now() - make_interval(secs => ${size} - i), now()
      from generate_series(0, ${size - 1}) as i`;
    await sql`update conversations set next_message_index = ${size} where id = ${id}`;
    await sql`analyze messages`;
    const seedSeconds = (performance.now() - t0) / 1000;
    progress.info(`growth: seeded in ${seedSeconds.toFixed(1)} s`);
    const ask = (query: string) => () => JSON.stringify({ query, variables: { id } });
    await measure("messages", size, seedSeconds, "history page (last: 50)", alice, ask(HISTORY));
    await measure("messages", size, seedSeconds, "unreadMessagesCount", alice, ask(UNREAD));
    await measure("messages", size, seedSeconds, "sendMessage", alice, () =>
      JSON.stringify({ query: SEND, variables: { input: { conversationId: id, body: "growth" } } }),
    );
  }

  let seeded = 0;
  for (const size of CONVERSATION_SIZES) {
    const t0 = performance.now();
    progress.info(`growth: carol in ${size.toLocaleString("en-US")} conversations (generate_series)`);
    await sql`with c as (
        insert into conversations (id, attributes, created_by, last_activity_at)
        select gen_random_uuid(), '{}', 'carol', now() - make_interval(secs => i) from generate_series(1, ${size - seeded}) as i
        returning id)
      insert into participants (id, conversation_id, identity) select gen_random_uuid(), c.id, 'carol' from c`;
    seeded = size;
    await sql`analyze conversations`;
    await sql`analyze participants`;
    const seedSeconds = (performance.now() - t0) / 1000;
    await measure("conversations", size, seedSeconds, "conversations list (first: 20)", carol, () =>
      JSON.stringify({ query: LIST }),
    );
  }

  const ratios: GrowthResult["ratios"] = [];
  for (const request of [...new Set(rows.map((r) => r.request))]) {
    const of = rows.filter((r) => r.request === request).sort((a, b) => a.size - b.size);
    const first = of[0]!;
    const last = of.at(-1)!;
    ratios.push({
      request,
      dimension: first.dimension,
      smallest: first.size,
      largest: last.size,
      ratio: round(last.cpuMsPerRequest.median / first.cpuMsPerRequest.median),
    });
  }
  return { rows, ratios };
}
