// Scenario 5: fan-out. 100 participants subscribe to messageAdded over graphql-ws; one sender sends
// text messages one at a time; delivery latency = (subscriber receives it) − (sender starts the request).
// Ceiling in the same run: the same transaction + pg_notify through postgres.js, one LISTEN, one row
// read per event, and a plain `ws` broadcast to 100 plain sockets, all in the bench process.
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { createClient, type Client } from "graphql-ws";
import WebSocket, { WebSocketServer } from "ws";
import { createConversation, gql } from "../environment.ts";
import { startPgWireCounter } from "../pg-wire-counter.ts";
import type { BenchContext } from "../context.ts";
import { uuidv7 } from "../context.ts";
import { roundSummary, Samples, summarize, type Summary } from "../stats.ts";

export const SUBSCRIBERS = 100;
const EVENTS_CHANNEL = "parley_events";
const DELIVERY_TIMEOUT_MS = 15_000;
const COUNTED_MESSAGES = 5;

export interface FanOutResult {
  subscribers: number;
  messagesPerRun: number;
  /** Every (message, subscriber) delivery, ms from the start of the send. */
  server: { p50Ms: Summary; p99Ms: Summary; lastSubscriberP50Ms: Summary; sendResponseP50Ms: Summary; missed: number };
  ceiling: { p50Ms: Summary; p99Ms: Summary; lastSubscriberP50Ms: Summary; missed: number };
  /** ceiling p99 / server p99: 1 means the server delivers as fast as the bare transport. */
  ratioP99: Summary;
  /** SQL statements (wire-counted) per message sent to the 100 subscribers, and of those the send's own. */
  statementsPerMessage: number;
  statementsOfTheSend: number;
}

export const fanOutSteps = (runs: number) => 2 + runs * 2;

const ADDED = `subscription($id: ID!) { messageAdded(conversationId: $id) { id index author body type createdAt } }`;
const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { id index } }`;

interface RunStats {
  all: Samples;
  last: Samples;
  missed: number;
}

/** Sends `count` messages one after another, each once every subscriber has it (or the timeout passed). */
async function drive(
  count: number,
  send: (tag: string) => Promise<void>,
  deliveries: Map<string, { start: number; received: number[]; done: () => void }>,
  prefix: string,
): Promise<RunStats> {
  const stats: RunStats = { all: new Samples(), last: new Samples(), missed: 0 };
  for (let i = 0; i < count; i++) {
    const tag = `${prefix}-${i}`;
    let done!: () => void;
    const arrived = new Promise<void>((r) => (done = r));
    const entry = { start: performance.now(), received: [] as number[], done };
    deliveries.set(tag, entry);
    await send(tag);
    const timer = setTimeout(done, DELIVERY_TIMEOUT_MS);
    await arrived;
    clearTimeout(timer);
    deliveries.delete(tag);
    for (const t of entry.received) stats.all.add(t - entry.start);
    if (entry.received.length > 0) stats.last.add(Math.max(...entry.received) - entry.start);
    stats.missed += SUBSCRIBERS - entry.received.length;
    await new Promise((r) => setTimeout(r, 20));
  }
  return stats;
}

/**
 * Opens one graphql-ws connection per identity, each subscribed to messageAdded on the conversation,
 * and returns once every subscription delivers (they have no "started" acknowledgement, so probe
 * messages are sent until each subscriber has seen one).
 */
async function subscribeAll(
  ctx: BenchContext,
  graphqlUrl: string,
  identities: string[],
  conversationId: string,
  receive: (body: string) => void,
): Promise<{ clients: Client[] }> {
  const { env, progress } = ctx;
  const clients: Client[] = [];
  const subscribed = new Set<number>();
  for (const [i, identity] of identities.entries()) {
    const token = await env.token(identity);
    const client = createClient({
      url: graphqlUrl.replace(/^http/, "ws"),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      lazy: false,
      retryAttempts: 0,
    });
    clients.push(client);
    client.subscribe<{ messageAdded: { body: string } }>(
      { query: ADDED, variables: { id: conversationId } },
      {
        next: (value) => {
          const body = value.data?.messageAdded.body;
          if (body?.startsWith("probe")) subscribed.add(i);
          else if (body) receive(body);
        },
        error: (error) => progress.info(`subscriber ${identity} failed: ${JSON.stringify(error)}`),
        complete: () => {},
      },
    );
  }
  const senderToken = await env.token("alice");
  const ready = performance.now() + 30_000;
  while (subscribed.size < identities.length) {
    if (performance.now() > ready) {
      await Promise.all(clients.map((c) => c.dispose()));
      throw new Error(`only ${subscribed.size} of ${identities.length} subscriptions started within 30 s`);
    }
    await gql(graphqlUrl, senderToken, SEND, { input: { conversationId, body: `probe-${subscribed.size}` } });
    await new Promise((r) => setTimeout(r, 200));
  }
  return { clients };
}

/**
 * SQL statements the server runs per message delivered to all subscribers: a second server behind
 * the counting proxy, the same subscribers, messages sent one at a time.
 */
async function statementsPerDelivery(
  ctx: BenchContext,
  identities: string[],
  conversationId: string,
): Promise<{ perMessage: number; ofWhichSend: number }> {
  const { env } = ctx;
  const target = new URL(env.database.url);
  const counter = await startPgWireCounter({ host: target.hostname, port: Number(target.port || 5432) });
  const viaProxy = new URL(env.database.url);
  viaProxy.hostname = "127.0.0.1";
  viaProxy.port = String(counter.port);
  const server = await env.startServer({ databaseUrl: viaProxy.toString() });
  const token = await env.token("alice");
  let clients: Client[] = [];
  try {
    let waiting: { left: number; done: () => void } | undefined;
    ({ clients } = await subscribeAll(ctx, server.graphqlUrl, identities, conversationId, () => {
      if (waiting && --waiting.left === 0) waiting.done();
    }));
    const send = async (body: string) => {
      const all = new Promise<void>((done) => (waiting = { left: identities.length, done }));
      await gql(server.graphqlUrl, token, SEND, { input: { conversationId, body } });
      await all;
    };
    await send("counted-warm-up");
    // A text conversation with no subscribers: what the send itself costs.
    const quiet = await createConversation(server.graphqlUrl, token);
    await gql(server.graphqlUrl, token, SEND, { input: { conversationId: quiet, body: "warm-up" } });
    counter.reset();
    for (let i = 0; i < COUNTED_MESSAGES; i++) {
      await gql(server.graphqlUrl, token, SEND, { input: { conversationId: quiet, body: "counted" } });
    }
    const ofWhichSend = counter.counts().statements / COUNTED_MESSAGES;
    counter.reset();
    for (let i = 0; i < COUNTED_MESSAGES; i++) await send(`counted-${i}`);
    return { perMessage: counter.counts().statements / COUNTED_MESSAGES, ofWhichSend };
  } finally {
    await Promise.all(clients.map((c) => c.dispose()));
    await server.stop();
    await counter.close();
  }
}

export async function fanOut(ctx: BenchContext): Promise<FanOutResult> {
  const { env, api, settings, progress } = ctx;
  const messagesPerRun = settings.runs > 1 ? 20 : 5;
  const senderToken = await env.token("alice");
  const identities = Array.from({ length: SUBSCRIBERS }, (_, i) => `subscriber-${String(i).padStart(3, "0")}`);
  const conversationId = await createConversation(api.graphqlUrl, senderToken, identities);

  // Tags are the message bodies; every subscriber reports the instant its copy arrived.
  const deliveries = new Map<string, { start: number; received: number[]; done: () => void }>();
  const receive = (tag: string) => {
    const d = deliveries.get(tag);
    if (!d) return;
    d.received.push(performance.now());
    if (d.received.length === SUBSCRIBERS) d.done();
  };

  const { clients } = await subscribeAll(ctx, api.graphqlUrl, identities, conversationId, receive);
  const sendViaApi = async (body: string) => {
    await gql(api.graphqlUrl, senderToken, SEND, { input: { conversationId, body } });
  };
  progress.step(`fan-out: ${SUBSCRIBERS} graphql-ws subscribers on one conversation are receiving`);

  // The ceiling's transport: one LISTEN, one row read per event, a broadcast to plain sockets.
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await once(wss, "listening");
  const port = (wss.address() as AddressInfo).port;
  const sockets: WebSocket[] = [];
  for (let i = 0; i < SUBSCRIBERS; i++) {
    const ws = new WebSocket(`ws://127.0.0.1:${port}`);
    ws.on("message", (data: Buffer) => receive((JSON.parse(data.toString()) as { body: string }).body));
    sockets.push(ws);
    await once(ws, "open");
  }
  const sql = env.sql;
  const listener = await sql.listen(`${EVENTS_CHANNEL}_bench`, (payload) => {
    void (async () => {
      const { messageId } = JSON.parse(payload) as { messageId: string };
      const [row] = await sql`select * from messages where id = ${messageId}`;
      const json = JSON.stringify(row);
      for (const client of wss.clients) client.send(json);
    })();
  });
  const sendDirect = async (body: string) => {
    const now = new Date();
    await sql.begin(async (tx) => {
      const [slot] =
        await tx`update conversations set next_message_index = next_message_index + 1, last_activity_at = ${now}
        where id = ${conversationId} returning next_message_index - 1 as index`;
      const id = uuidv7();
      await tx`insert into messages (id, conversation_id, index, author, body, attributes, type, idempotency_key, created_at, updated_at)
        values (${id}, ${conversationId}, ${slot!.index as number}, ${"alice"}, ${body}, ${sql.json({})}, ${"TEXT"}, ${null}, ${now}, ${now}) returning *`;
      const event = JSON.stringify({
        type: "messageAdded",
        conversationId,
        messageId: id,
        index: slot!.index as number,
      });
      await tx`select pg_notify(${`${EVENTS_CHANNEL}_bench`}, ${event})`;
    });
  };

  const server: RunStats[] = [];
  const ceiling: RunStats[] = [];
  const sendResponse: number[] = [];
  try {
    for (let run = 1; run <= settings.runs; run++) {
      const responses = new Samples();
      const s = await drive(
        messagesPerRun,
        async (tag) => {
          const t0 = performance.now();
          await sendViaApi(tag);
          responses.add(performance.now() - t0);
        },
        deliveries,
        `api-${run}`,
      );
      server.push(s);
      sendResponse.push(responses.percentiles(50)[0]!);
      const [p50, p99] = s.all.percentiles(50, 99);
      progress.step(
        `fan-out via server run ${run}/${settings.runs}: ${s.all.count} deliveries, p50 ${p50!.toFixed(1)} ms, p99 ${p99!.toFixed(1)} ms${s.missed ? `, ${s.missed} MISSED` : ""}`,
      );
      const c = await drive(messagesPerRun, sendDirect, deliveries, `direct-${run}`);
      ceiling.push(c);
      const [c50, c99] = c.all.percentiles(50, 99);
      progress.step(
        `fan-out ceiling run ${run}/${settings.runs}: p50 ${c50!.toFixed(1)} ms, p99 ${c99!.toFixed(1)} ms${c.missed ? `, ${c.missed} MISSED` : ""}`,
      );
    }
  } finally {
    await listener.unlisten();
    for (const ws of sockets) ws.close();
    await new Promise((r) => wss.close(() => r(undefined)));
    await Promise.all(clients.map((c) => c.dispose()));
  }

  const counted = await statementsPerDelivery(ctx, identities, conversationId);
  progress.step(
    `fan-out: ${counted.perMessage} SQL statements per message to ${SUBSCRIBERS} subscribers (the send itself: ${counted.ofWhichSend})`,
  );

  const figures = (runs: RunStats[]) => ({
    p50Ms: roundSummary(summarize(runs.map((r) => r.all.percentiles(50)[0]!))),
    p99Ms: roundSummary(summarize(runs.map((r) => r.all.percentiles(99)[0]!))),
    lastSubscriberP50Ms: roundSummary(summarize(runs.map((r) => r.last.percentiles(50)[0]!))),
    missed: runs.reduce((n, r) => n + r.missed, 0),
  });
  return {
    subscribers: SUBSCRIBERS,
    messagesPerRun,
    server: { ...figures(server), sendResponseP50Ms: roundSummary(summarize(sendResponse)) },
    ceiling: figures(ceiling),
    statementsPerMessage: counted.perMessage,
    statementsOfTheSend: counted.ofWhichSend,
    ratioP99: roundSummary(
      summarize(server.map((s, i) => ceiling[i]!.all.percentiles(99)[0]! / s.all.percentiles(99)[0]!)),
    ),
  };
}
