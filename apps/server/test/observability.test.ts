// Observability (issue 16): Prometheus metrics on a listener of their own, request ids in access
// logs, response headers and error extensions.
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pino } from "pino";
import { loadConfig } from "../src/config.ts";
import { startParley, type Parley } from "../src/app.ts";
import { backend, codeOf, startTestServer, type TestServer } from "./harness.ts";
import { collect, wsClient } from "./ws.ts";
import { eventually, postMediaMessage, postMultipart } from "@parley/testkit";

const SEND = `mutation SendText($i: SendMessageInput!) { sendMessage(input: $i) { index } }`;
const SEND_MEDIA = `mutation SendPhoto($i: SendMediaMessageInput!) { sendMediaMessage(input: $i) { id } }`;

/** The value of one sample `name{labels}` in Prometheus text, or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const ok = Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`));
    if (ok) return Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return undefined;
}

describe(`metrics (${backend})`, () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ env: { METRICS_PORT: "0", RATE_LIMIT_MESSAGES_PER_MINUTE: "3" } });
  });
  afterAll(() => t?.close());

  it("serves Prometheus text on its own listener only: operations, uploads, subscriptions, refusals, process", async () => {
    const metricsUrl = t.parley.metricsUrl!;
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(new URL(metricsUrl).port).not.toBe(new URL(t.url).port);
    // Never on the public port.
    expect((await fetch(`${t.url}/metrics`)).status).toBe(404);

    const c = (
      await t.gql<{ createConversation: { id: string } }>("alice", `mutation { createConversation(input: {}) { id } }`)
    ).data!.createConversation.id;
    const ws = wsClient(t.url, await t.token("alice"));
    const sub = collect(ws, `subscription($c: ID!) { messageAdded(conversationId: $c) { index } }`, { c });
    try {
      // Until the subscription is live, sends would be missed: wait for one to arrive.
      await t.gql("alice", SEND, { i: { conversationId: c, body: "one" } });
      await sub.waitFor(1).catch(() => {});
      const photo = await postMediaMessage(t.graphqlUrl, await t.token("alice"), SEND_MEDIA, c, [
        { filename: "a.txt", body: Buffer.alloc(1000, 1) },
      ]);
      expect(photo.json.errors).toBeUndefined();
      // The limit is 3 per minute: a fourth send is refused.
      await t.gql("alice", SEND, { i: { conversationId: c, body: "three" } });
      expect(codeOf(await t.gql("alice", SEND, { i: { conversationId: c, body: "four" } }))).toBe("RATE_LIMITED");

      const res = await fetch(metricsUrl);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
      const text = await res.text();
      expect(
        sample(text, "parley_graphql_operation_duration_seconds_count", {
          operation: "SendText",
          type: "mutation",
          outcome: "ok",
        }),
      ).toBe(2);
      expect(
        sample(text, "parley_graphql_operation_duration_seconds_count", {
          operation: "SendText",
          outcome: "RATE_LIMITED",
        }),
      ).toBe(1);
      expect(sample(text, "parley_rate_limit_refusals_total", { budget: "messages" })).toBe(1);
      expect(sample(text, "parley_upload_bytes_total", { path: "multipart", outcome: "ok" })).toBe(1000);
      expect(sample(text, "parley_upload_duration_seconds_count", { path: "multipart", outcome: "ok" })).toBe(1);
      expect(sample(text, "parley_subscriptions_active")).toBe(1);
      expect(
        sample(text, "parley_http_request_duration_seconds_count", { route: "/graphql", status: "200" }),
      ).toBeGreaterThanOrEqual(4);
      expect(sample(text, "parley_preview_queue_depth", { state: "waiting" })).toBeGreaterThanOrEqual(0);
      expect(sample(text, "parley_preview_queue_depth", { state: "active" })).toBeGreaterThanOrEqual(0);
      expect(sample(text, "process_cpu_user_seconds_total")).toBeGreaterThan(0);
      expect(text).toContain("nodejs_eventloop_lag_seconds");
    } finally {
      sub.stop();
      await ws.dispose();
    }
  });

  it("counts the messages whose files are arriving: 1 while an upload is paused mid-file, 0 once answered", async () => {
    const metricsUrl = t.parley.metricsUrl!;
    const inFlight = async () =>
      sample(await (await fetch(metricsUrl)).text(), "parley_uploads_in_flight", { path: "multipart" });
    expect(await inFlight()).toBe(0);
    const c = (
      await t.gql<{ createConversation: { id: string } }>("carol", `mutation { createConversation(input: {}) { id } }`)
    ).data!.createConversation.id;
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const answer = postMultipart(
      t.graphqlUrl,
      await t.token("carol"),
      { query: SEND_MEDIA, variables: { i: { conversationId: c, media: [{ file: null }] } } },
      [
        {
          path: "variables.i.media.0.file",
          filename: "slow.bin",
          body: async function* () {
            yield Buffer.alloc(64 * 1024, 7);
            await released;
            yield Buffer.alloc(64 * 1024, 8);
          },
        },
      ],
    );
    try {
      await eventually(async () => expect(await inFlight()).toBe(1));
    } finally {
      release();
    }
    expect((await answer).json.errors).toBeUndefined();
    expect(await inFlight()).toBe(0);
  });

  it("keeps client-chosen operation names from growing the registry: at most 200 names, the rest 'other'", async () => {
    await Promise.all(Array.from({ length: 230 }, (_, i) => t.gql("bob", `query Q${i} { __typename }`)));
    const text = await (await fetch(t.parley.metricsUrl!)).text();
    const names = new Set(
      [...text.matchAll(/parley_graphql_operation_duration_seconds_count\{[^}]*operation="([^"]+)"/g)].map((m) => m[1]),
    );
    expect(names.size).toBeLessThanOrEqual(202); // 200 names, "anonymous" and "other"
    expect(names.has("other")).toBe(true);
  });
});

describe("request ids", () => {
  let parley: Parley;
  const lines: Record<string, unknown>[] = [];
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
    // A second server on the same configuration whose logs we read.
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const l of chunk.toString().split("\n")) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
        done();
      },
    });
    const env = { ...t.env };
    if (t.backend === "embedded") env.DATA_DIR = `${env.DATA_DIR}-logs`;
    parley = await startParley(loadConfig(env), { logger: pino({ level: "info" }, sink) });
  });
  afterAll(async () => {
    await parley?.close();
    await t?.close();
  });

  it("echoes a given x-request-id, makes one otherwise, and puts it in error extensions and the access log", async () => {
    const given = await fetch(`${parley.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "lb-1234.abc" },
      body: JSON.stringify({ query: "{ conversations { edges { node { id } } } }" }),
    });
    expect(given.headers.get("x-request-id")).toBe("lb-1234.abc");
    const body = (await given.json()) as { errors: { extensions: { code: string; requestId: string } }[] };
    expect(body.errors[0]!.extensions).toMatchObject({ code: "UNAUTHENTICATED", requestId: "lb-1234.abc" });

    // Not a plain token: replaced (a log line must not carry what a client invents).
    const made = await fetch(`${parley.url}/nowhere`, { headers: { "x-request-id": "bad id\u00e9" } });
    const id = made.headers.get("x-request-id")!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const notFound = (await made.json()) as { errors: { extensions: { code: string; requestId: string } }[] };
    expect(notFound.errors[0]!.extensions).toMatchObject({ code: "NOT_FOUND", requestId: id });

    await new Promise((r) => setTimeout(r, 100));
    const access = lines.filter((l) => (l.req as { id?: string } | undefined)?.id !== undefined);
    expect(access.find((l) => (l.req as { id: string }).id === "lb-1234.abc")).toMatchObject({
      req: { method: "POST", url: "/graphql" },
      res: { statusCode: 200 }, // executed: the resolver refused (UNAUTHENTICATED), as GraphQL over HTTP answers
    });
    expect(access.find((l) => (l.req as { id: string }).id === id)).toMatchObject({ res: { statusCode: 404 } });
    // Probes are not logged; no line carries a token.
    await fetch(`${parley.url}/healthz`);
    await new Promise((r) => setTimeout(r, 100));
    expect(lines.some((l) => (l.req as { url?: string } | undefined)?.url === "/healthz")).toBe(false);
    expect(JSON.stringify(lines)).not.toMatch(/Bearer /);
  });
});
