// Scenario 2: conversation history, `messages(last: N)` with 3 media per message and a temporaryUrl
// for each, at page sizes 10 and 50: req/s, p99, and the SQL statements each request costs.
import { MinioStore } from "@parley/storage";
import { clientOperation } from "../client-operations.ts";
import { closedLoop } from "../closed-loop.ts";
import { createConversation, gql } from "../environment.ts";
import { loadFigures, ratio, runLine, type LoadFigures } from "../figures.ts";
import { httpLoad, type LoadRun } from "../http-load.ts";
import { sendMediaMessage } from "../multipart.ts";
import { startPgWireCounter, type WireCounts } from "../pg-wire-counter.ts";
import type { BenchContext } from "../context.ts";
import type { Summary } from "../stats.ts";

export const PAGE_SIZES = [10, 50];
export const HISTORY_CONNECTIONS = 10;
const MESSAGES = 60;
const MEDIA_PER_MESSAGE = 3;
const MEDIA_BYTES = 4096;
/** Requests per page size in the statement count (after two uncounted ones). */
const COUNTED_REQUESTS = 20;

/** The SDK's and web app's own history query (@parley/client Messages, MessageFields, MediaFields). */
const HISTORY = clientOperation("messages.graphql", "query", "Messages");
/** The least the issue asks for: the page, its media and their temporary URLs. */
const HISTORY_MIN = `query($conversationId: ID!, $last: Int) { conversation(id: $conversationId) { messages(last: $last) {
  edges { node { id index body media { id contentType size temporaryUrl } } } pageInfo { hasPreviousPage } } } }`;

export interface StatementCount {
  request: string;
  /** SQL statements per request (Execute or simple Query messages on the wire, BEGIN/COMMIT included). */
  statements: number;
  /** Network round trips to PostgreSQL per request (Sync or simple Query messages). */
  roundTrips: number;
}

export interface HistoryRow {
  pageSize: number;
  mediaPerResponse: number;
  server: LoadFigures;
  /** The same statements straight through postgres.js plus presigning every URL, in the bench process. */
  directSqlAndPresign: LoadFigures;
  ratioToDirect: Summary;
}

export interface HistoryResult {
  connections: number;
  rows: HistoryRow[];
  statements: StatementCount[];
}

export const historySteps = (runs: number) => 4 + runs * PAGE_SIZES.length * 2;

type HistoryData = {
  conversation: { messages: { edges: { node: { media: { temporaryUrl: string; size: number }[] } }[] } };
};

export async function history(ctx: BenchContext): Promise<HistoryResult> {
  const { env, api, settings, progress } = ctx;
  const token = await env.token("alice");
  const conversationId = await createConversation(api.graphqlUrl, token, ["bob"]);
  for (let m = 0; m < MESSAGES; m++) {
    await sendMediaMessage(
      api.graphqlUrl,
      token,
      conversationId,
      Array.from({ length: MEDIA_PER_MESSAGE }, (_, i) => ({
        filename: `photo-${m}-${i}.jpg`,
        contentType: "image/jpeg",
        size: MEDIA_BYTES,
        seed: m * 10 + i,
      })),
      `message ${m} with ${MEDIA_PER_MESSAGE} photos`,
    );
  }
  progress.step(`history: ${MESSAGES} messages × ${MEDIA_PER_MESSAGE} media sent through the API`);

  // What the server answers is what we think it answers: full page, every URL fetchable.
  for (const n of PAGE_SIZES) {
    const data = await gql<HistoryData>(api.graphqlUrl, token, HISTORY, { conversationId, last: n });
    const edges = data.conversation.messages.edges;
    const media = edges.flatMap((e) => e.node.media);
    if (edges.length !== n || media.length !== n * MEDIA_PER_MESSAGE || media.some((x) => !x.temporaryUrl)) {
      throw new Error(`history page ${n}: expected ${n} messages with ${MEDIA_PER_MESSAGE} media each`);
    }
    const res = await fetch(media[0]!.temporaryUrl);
    const bytes = (await res.arrayBuffer()).byteLength;
    if (res.status !== 200 || bytes !== MEDIA_BYTES)
      throw new Error(`temporaryUrl answered ${res.status} with ${bytes} bytes`);
  }

  const statements = await countStatements(ctx, conversationId, token);
  progress.step(
    `SQL statements per request (counted on the wire): ${statements.map((s) => `${s.request}: ${s.statements}`).join(", ")}`,
  );

  const headers = { authorization: `Bearer ${token}` };
  const server = (n: number, seconds: number) =>
    httpLoad({
      url: api.graphqlUrl,
      serverPid: api.pid,
      connections: HISTORY_CONNECTIONS,
      durationSeconds: seconds,
      headers,
      bodyFor: () => JSON.stringify({ query: HISTORY, variables: { conversationId, last: n } }),
    });

  // The ceiling: the server's three statements through postgres.js, a presigned URL per media with
  // the same store class, and the JSON of the answer; no HTTP, no GraphQL execution.
  const store = new MinioStore({ ...env.serverEnv.minio, bucket: env.serverEnv.bucket, region: "us-east-1" });
  const sql = env.sql;
  const direct = (n: number, seconds: number) =>
    closedLoop({
      concurrency: HISTORY_CONNECTIONS,
      durationSeconds: seconds,
      op: async () => {
        const [conversation] =
          await sql`select c.*, exists (select 1 from participants p where p.conversation_id = ${conversationId}
          and p.identity = ${"alice"}) as member from conversations c where c.id = ${conversationId}`;
        if (!conversation?.member) throw new Error("not a participant");
        const rows = await sql`select m.*, false as behind from messages m where m.conversation_id = ${conversationId}
          order by m.index desc limit ${n + 1}`;
        const page = rows.slice(0, n).reverse();
        const media =
          await sql`select * from media where message_id in ${sql(page.map((r) => r.id as string))} order by message_id, position`;
        const now = new Date();
        const urls = await Promise.all(
          media.map((m) =>
            store.presignGet(m.object_key as string, {
              expiresInSeconds: 300,
              contentType: m.content_type as string,
              contentDisposition: `inline; filename="${m.filename as string}"; filename*=UTF-8''${encodeURIComponent(m.filename as string)}`,
              now,
            }),
          ),
        );
        const byMessage = new Map<string, unknown[]>();
        media.forEach((m, i) => {
          const list = byMessage.get(m.message_id as string) ?? [];
          list.push({ ...m, temporaryUrl: urls[i]!.url, temporaryUrlExpiresAt: urls[i]!.expiresAt.toISOString() });
          byMessage.set(m.message_id as string, list);
        });
        JSON.stringify({
          data: {
            conversation: {
              id: conversationId,
              messages: { edges: page.map((node) => ({ node: { ...node, media: byMessage.get(node.id as string) } })) },
            },
          },
        });
      },
    });

  progress.step(`warm-up history page 50: ${runLine(await server(50, settings.warmupSeconds))}`);
  progress.step(`warm-up direct SQL + presign page 50: ${runLine(await direct(50, settings.warmupSeconds))}`);

  const runs = new Map<number, { server: LoadRun[]; direct: LoadRun[] }>(
    PAGE_SIZES.map((n) => [n, { server: [], direct: [] }]),
  );
  for (let run = 1; run <= settings.runs; run++) {
    for (const n of PAGE_SIZES) {
      const r = runs.get(n)!;
      const sr = await server(n, settings.loadSeconds);
      r.server.push(sr);
      progress.step(`history last:${n} c=${HISTORY_CONNECTIONS} run ${run}/${settings.runs}: ${runLine(sr)}`);
      const dr = await direct(n, settings.loadSeconds);
      r.direct.push(dr);
      progress.step(
        `direct SQL + presign last:${n} c=${HISTORY_CONNECTIONS} run ${run}/${settings.runs}: ${runLine(dr)}`,
      );
    }
  }
  return {
    connections: HISTORY_CONNECTIONS,
    statements,
    rows: PAGE_SIZES.map((n) => {
      const r = runs.get(n)!;
      return {
        pageSize: n,
        mediaPerResponse: n * MEDIA_PER_MESSAGE,
        server: loadFigures(r.server),
        directSqlAndPresign: loadFigures(r.direct),
        ratioToDirect: ratio(
          r.server.map((x) => x.rps),
          r.direct.map((x) => x.rps),
        ),
      };
    }),
  };
}

/**
 * Starts a second server whose DATABASE_URL points at a counting proxy in front of PostgreSQL and
 * sends requests one at a time: (statements on the wire) / (requests) is exact, with no sampling.
 */
async function countStatements(ctx: BenchContext, conversationId: string, token: string): Promise<StatementCount[]> {
  const { env } = ctx;
  const target = new URL(env.database.url);
  const counter = await startPgWireCounter({ host: target.hostname, port: Number(target.port || 5432) });
  const viaProxy = new URL(env.database.url);
  viaProxy.hostname = "127.0.0.1";
  viaProxy.port = String(counter.port);
  const server = await env.startServer({ databaseUrl: viaProxy.toString() });
  try {
    const measure = async (request: string, send: () => Promise<unknown>): Promise<StatementCount> => {
      // Two uncounted requests first: connections opened, statements prepared.
      await send();
      await send();
      counter.reset();
      for (let i = 0; i < COUNTED_REQUESTS; i++) await send();
      const c: WireCounts = counter.counts();
      return { request, statements: c.statements / COUNTED_REQUESTS, roundTrips: c.roundTrips / COUNTED_REQUESTS };
    };
    const out: StatementCount[] = [];
    for (const n of PAGE_SIZES) {
      out.push(
        await measure(`Messages(last: ${n})`, () =>
          gql(server.graphqlUrl, token, HISTORY, { conversationId, last: n }),
        ),
      );
    }
    for (const n of PAGE_SIZES) {
      out.push(
        await measure(`messages(last: ${n}), minimal selection`, () =>
          gql(server.graphqlUrl, token, HISTORY_MIN, { conversationId, last: n }),
        ),
      );
    }
    // Text messages go to a conversation of their own, so the history page keeps its media.
    const textConversation = await createConversation(server.graphqlUrl, token);
    out.push(
      await measure("sendMessage", () =>
        gql(server.graphqlUrl, token, `mutation($input: SendMessageInput!) { sendMessage(input: $input) { id } }`, {
          input: { conversationId: textConversation, body: "counted" },
        }),
      ),
    );
    out.push(await measure("{ __typename }", () => gql(server.graphqlUrl, token, "{ __typename }")));
    return out;
  } finally {
    await server.stop();
    await counter.close();
  }
}
