// Scenario 1: sendMessage at 1/10/50 connections beside two ceilings measured in the same run:
// (a) the server's insert statement through postgres.js directly, (b) `{ __typename }` through the same server.
// At 50 connections also through two server processes (the connections dealt out over both), as a
// deployment scales the stateless API: that figure is about the code rather than one process's core.
import { closedLoop } from "../closed-loop.ts";
import { createConversation } from "../environment.ts";
import { loadFigures, ratio, runLine, type LoadFigures } from "../figures.ts";
import { httpLoad, type HttpLoadOptions, type LoadRun } from "../http-load.ts";
import type { BenchContext } from "../context.ts";
import { uuidv7 } from "../context.ts";
import type { Summary } from "../stats.ts";

export const CONNECTIONS = [1, 10, 50];

type LoadTarget = Pick<HttpLoadOptions, "url" | "serverPid">;

export interface TextSendRow {
  connections: number;
  /** Server processes the connections were dealt out over (absent in results before two were measured: 1). */
  processes?: number;
  /** "own": each connection sends to its own conversation; "shared": all send to one conversation. */
  conversations: "own" | "shared";
  server: LoadFigures;
  directSql: LoadFigures;
  trivial: LoadFigures | null;
  ratioToDirectSql: Summary;
  ratioToTrivial: Summary | null;
  /**
   * The same work as a transaction of five round trips (BEGIN, UPDATE … RETURNING, INSERT … RETURNING,
   * SELECT pg_notify, COMMIT): how the server sent text before 9284fe1, and still sends media messages.
   * Measured at the highest concurrency only.
   */
  directTransaction: LoadFigures | null;
}

export interface TextSendResult {
  rows: TextSendRow[];
  /** Messages the server inserted during its measured runs vs. successful responses (sanity check). */
  serverRowsInserted: number;
  serverResponsesOk: number;
}

const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { id index author body type createdAt } }`;
const BODY = "Hello from the Parley bench: a short text message.";
// The server publishes on "parley_events"; the ceilings use a channel nobody listens on here, so the
// running server does not react to their messages (NOTIFY costs the same with or without listeners).
const CHANNEL = "parley_events_bench";

/** Steps this scenario reports to the progress line. */
export const textSendSteps = (runs: number) => 4 + runs * (CONNECTIONS.length * 3 + 7);

export async function textSend(ctx: BenchContext): Promise<TextSendResult> {
  const { env, api, settings, progress } = ctx;
  const token = await env.token("alice");
  const headers = { authorization: `Bearer ${token}` };
  const maxConn = Math.max(...CONNECTIONS);
  const own: string[] = [];
  for (let i = 0; i < maxConn; i++) own.push(await createConversation(api.graphqlUrl, token, ["bob"]));
  const hot = await createConversation(api.graphqlUrl, token, ["bob"]);

  const sendBody = (conversationId: string) =>
    JSON.stringify({ query: SEND, variables: { input: { conversationId, body: BODY } } });
  const trivialBody = JSON.stringify({ query: "{ __typename }" });

  // The second process: the same code and settings on the same database and bucket.
  const second = await env.startServer();
  const both: LoadTarget = { url: [api.graphqlUrl, second.graphqlUrl], serverPid: [api.pid, second.pid] };
  const one: LoadTarget = { url: api.graphqlUrl, serverPid: api.pid };
  const server = (connections: number, seconds: number, pick: (i: number) => string, target = one) =>
    httpLoad({
      ...target,
      connections,
      durationSeconds: seconds,
      headers,
      bodyFor: (i) => sendBody(pick(i)),
    });
  const trivial = (connections: number, seconds: number, target = one) =>
    httpLoad({
      ...target,
      connections,
      durationSeconds: seconds,
      headers,
      bodyFor: () => trivialBody,
    });

  // The server's text insert (services/messages.ts insertText), statement for statement, on a pool of
  // the server's size (DATABASE_POOL_MAX): one CTE in autocommit takes the next index under the row
  // lock, inserts the row and publishes the event.
  const sql = env.sql;
  const direct = (concurrency: number, seconds: number, pick: (i: number) => string) =>
    closedLoop({
      concurrency,
      durationSeconds: seconds,
      op: async (w) => {
        const conversationId = pick(w);
        const at = new Date().toISOString();
        const id = uuidv7();
        const [row] = await sql`with slot as (
            update conversations set next_message_index = next_message_index + 1, last_activity_at = ${at}::timestamptz
            where id = ${conversationId} returning next_message_index - 1 as index
          ), inserted as (
            insert into messages (id, conversation_id, index, author, body, attributes, type, idempotency_key, created_at, updated_at)
            select ${id}, ${conversationId}, slot.index, ${"alice"}, ${BODY}, ${JSON.stringify({})}::jsonb, 'TEXT', ${null},
              ${at}::timestamptz, ${at}::timestamptz
            from slot
            returning index
          )
          select inserted.index, pg_notify(${CHANNEL}, json_build_object('type', 'messageAdded',
            'conversationId', ${conversationId}::text, 'messageId', ${id}::text, 'index', inserted.index)::text)
          from inserted`;
        if (!row) throw new Error("conversation missing");
      },
    });

  // The same work as a transaction: BEGIN, UPDATE … RETURNING, INSERT … RETURNING *, pg_notify, COMMIT.
  const transaction = (concurrency: number, seconds: number, pick: (i: number) => string) =>
    closedLoop({
      concurrency,
      durationSeconds: seconds,
      op: async (w) => {
        const conversationId = pick(w);
        const now = new Date();
        await sql.begin(async (tx) => {
          const [slot] =
            await tx`update conversations set next_message_index = next_message_index + 1, last_activity_at = ${now}
            where id = ${conversationId} returning next_message_index - 1 as index`;
          if (!slot) throw new Error("conversation missing");
          const id = uuidv7();
          await tx`insert into messages (id, conversation_id, index, author, body, attributes, type, idempotency_key, created_at, updated_at)
            values (${id}, ${conversationId}, ${slot.index as number}, ${"alice"}, ${BODY}, ${sql.json({})}, ${"TEXT"}, ${null}, ${now}, ${now})
            returning *`;
          await tx`select pg_notify(${CHANNEL}, ${JSON.stringify({ type: "messageAdded", conversationId, messageId: id, index: slot.index as number })})`;
        });
      },
    });

  const ownPick = (i: number) => own[i % own.length]!;
  const hotPick = () => hot;

  progress.info(
    `text sends: warming up (${settings.warmupSeconds} s each for the server, the direct SQL and the trivial query)`,
  );
  progress.step(`warm-up sendMessage c=10: ${runLine(await server(10, settings.warmupSeconds, ownPick))}`);
  progress.step(`warm-up direct SQL c=10: ${runLine(await direct(10, settings.warmupSeconds, ownPick))}`);
  progress.step(`warm-up { __typename } c=10: ${runLine(await trivial(10, settings.warmupSeconds))}`);

  const countMessages = async () =>
    Number((await sql`select count(*)::int as n from messages where author = 'alice'`)[0]!.n);
  let serverRowsInserted = 0;
  let serverResponsesOk = 0;

  type Runs = { server: LoadRun[]; direct: LoadRun[]; trivial: LoadRun[]; transaction: LoadRun[] };
  const byKey = new Map<string, Runs>();
  const runsFor = (key: string) => {
    let r = byKey.get(key);
    if (!r) byKey.set(key, (r = { server: [], direct: [], trivial: [], transaction: [] }));
    return r;
  };
  const s = settings.loadSeconds;
  try {
    progress.step(
      `warm-up sendMessage c=10, two processes: ${runLine(await server(10, settings.warmupSeconds, ownPick, both))}`,
    );
    for (let run = 1; run <= settings.runs; run++) {
      // Interleaved, so drift on a shared machine hits the server and its ceilings alike.
      for (const c of CONNECTIONS) {
        const r = runsFor(`own:${c}`);
        const before = await countMessages();
        const sr = await server(c, s, ownPick);
        serverRowsInserted += (await countMessages()) - before;
        serverResponsesOk += sr.ok;
        r.server.push(sr);
        progress.step(`sendMessage c=${c} run ${run}/${settings.runs}: ${runLine(sr)}`);
        const dr = await direct(c, s, ownPick);
        r.direct.push(dr);
        progress.step(`direct SQL (the server's statement) c=${c} run ${run}/${settings.runs}: ${runLine(dr)}`);
        const tr = await trivial(c, s);
        r.trivial.push(tr);
        progress.step(`{ __typename } c=${c} run ${run}/${settings.runs}: ${runLine(tr)}`);
        if (c === maxConn) {
          const xr = await transaction(c, s, ownPick);
          r.transaction.push(xr);
          progress.step(`direct SQL as a 5-round-trip transaction c=${c} run ${run}/${settings.runs}: ${runLine(xr)}`);
        }
      }
      {
        const r = runsFor(`own:${maxConn}:2`);
        const sr = await server(maxConn, s, ownPick, both);
        r.server.push(sr);
        progress.step(`sendMessage c=${maxConn}, two processes, run ${run}/${settings.runs}: ${runLine(sr)}`);
        const dr = await direct(maxConn, s, ownPick);
        r.direct.push(dr);
        progress.step(`direct SQL c=${maxConn} (beside two processes) run ${run}/${settings.runs}: ${runLine(dr)}`);
        const tr = await trivial(maxConn, s, both);
        r.trivial.push(tr);
        progress.step(`{ __typename } c=${maxConn}, two processes, run ${run}/${settings.runs}: ${runLine(tr)}`);
      }
      const r = runsFor(`shared:${maxConn}`);
      const sr = await server(maxConn, s, hotPick);
      r.server.push(sr);
      progress.step(`sendMessage c=${maxConn}, one shared conversation, run ${run}/${settings.runs}: ${runLine(sr)}`);
      const dr = await direct(maxConn, s, hotPick);
      r.direct.push(dr);
      progress.step(`direct SQL c=${maxConn}, one shared conversation, run ${run}/${settings.runs}: ${runLine(dr)}`);
      const xr = await transaction(maxConn, s, hotPick);
      r.transaction.push(xr);
      progress.step(
        `direct SQL as a transaction c=${maxConn}, one shared conversation, run ${run}/${settings.runs}: ${runLine(xr)}`,
      );
    }
  } finally {
    await second.stop();
  }

  const rows: TextSendRow[] = [];
  for (const [key, r] of byKey) {
    const [conversations, c, processes = "1"] = key.split(":") as ["own" | "shared", string, string?];
    const serverRps = r.server.map((x) => x.rps);
    rows.push({
      connections: Number(c),
      processes: Number(processes),
      conversations,
      server: loadFigures(r.server),
      directSql: loadFigures(r.direct),
      trivial: r.trivial.length ? loadFigures(r.trivial) : null,
      ratioToDirectSql: ratio(
        serverRps,
        r.direct.map((x) => x.rps),
      ),
      ratioToTrivial: r.trivial.length
        ? ratio(
            serverRps,
            r.trivial.map((x) => x.rps),
          )
        : null,
      directTransaction: r.transaction.length ? loadFigures(r.transaction) : null,
    });
  }
  return { rows, serverRowsInserted, serverResponsesOk };
}
