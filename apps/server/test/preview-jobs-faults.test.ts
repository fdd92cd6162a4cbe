// The preview queue under faults (services only: they stop PostgreSQL or MinIO, or start several
// instances on one PostgreSQL database).
// - PostgreSQL goes away between a job's work and its completion: the process carries on (an
//   'error' event, logged), never an unhandled rejection, which would end a server.
// - Several instances start at once on a fresh database (a cluster's first start).
// - MinIO is down for a while: jobs wait instead of spending their attempts, and the previews are
//   made within seconds of its return.
import { sql } from "drizzle-orm";
import pino from "pino";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DbHandle } from "@parley/db";
import {
  createTestDatabase,
  startMinio,
  type MinioServer,
  type TestDatabase,
  tcpProxy,
  type TcpProxy,
  eventually,
  postMediaMessage,
} from "@parley/testkit";
import { startPreviewJobs, type PreviewJobs } from "../src/jobs/preview-jobs.ts";
import type { PreviewsRepository } from "../src/repositories/previews.ts";
import type { PreviewService } from "../src/services/previews.ts";
import { startTestServer, type TestServer } from "./harness.ts";

describe("preview jobs and a PostgreSQL outage", () => {
  let database: TestDatabase;
  let db: DbHandle;
  let proxy: TcpProxy;
  let jobs: PreviewJobs | undefined;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    database = await createTestDatabase("parley_jobs");
    db = await openDatabase({ url: database.url });
    const url = new URL(database.url);
    proxy = await tcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    process.on("unhandledRejection", onUnhandled);
  });
  afterAll(async () => {
    process.off("unhandledRejection", onUnhandled);
    await proxy?.up();
    await jobs?.stop();
    await db?.close();
    await proxy?.close();
    await database?.drop();
  });

  it("reports a completion that cannot be written as an error and keeps the process alive", async () => {
    const viaProxy = new URL(database.url);
    viaProxy.port = String(proxy.port);
    const errors: string[] = [];
    const logger = pino({ level: "warn" }, { write: (line: string) => void errors.push(line) });
    let ran = 0;
    // The job's work succeeds, then the database goes away before pg-boss records its completion.
    const service = {
      make: async () => {
        ran++;
        await proxy.down("refused");
        return "ready";
      },
    } as unknown as PreviewService;
    const repository = { pendingIds: async () => [] } as unknown as PreviewsRepository;
    jobs = await startPreviewJobs({
      db,
      databaseUrl: viaProxy.toString(),
      service,
      repository,
      options: { workers: 1, timeoutSeconds: 5, pollingIntervalSeconds: 0.5 },
      logger,
    });
    await jobs.enqueue(["0193f0a0-0000-7000-8000-000000000001"]);
    await eventually(async () => expect(ran).toBe(1), 10_000);
    await eventually(async () => expect(errors.join("")).toMatch(/preview job queue error/), 10_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(unhandled).toEqual([]);
  });
});

describe("preview jobs when several instances start at once on a fresh database", () => {
  it("all of them start, and the queue exists once (pg-boss's createQueue deadlocked between them)", async () => {
    const repository = { pendingIds: async () => [] } as unknown as PreviewsRepository;
    const service = { make: async () => "ready" } as unknown as PreviewService;
    const logger = pino({ level: "silent" });
    // Three rounds of three: without the retry, 10 of 18 starts failed with "deadlock detected".
    for (let round = 0; round < 3; round++) {
      const database = await createTestDatabase("parley_jobs");
      const db = await openDatabase({ url: database.url });
      const started = await Promise.allSettled(
        Array.from({ length: 3 }, () =>
          startPreviewJobs({
            db,
            databaseUrl: database.url,
            service,
            repository,
            options: { workers: 0, timeoutSeconds: 5 },
            logger,
          }),
        ),
      );
      try {
        expect(started.map((s) => (s.status === "rejected" ? String(s.reason) : "started"))).toEqual([
          "started",
          "started",
          "started",
        ]);
        const queues = await db.db.execute(sql`select name from pgboss.queue`);
        expect(queues).toEqual([{ name: "media-previews" }]);
      } finally {
        for (const s of started) if (s.status === "fulfilled") await s.value.stop();
        await db.close();
        await database.drop();
      }
    }
  }, 120_000);
});

describe("preview jobs and a MinIO outage", () => {
  let minio: MinioServer;
  let t: TestServer;
  beforeAll(async () => {
    minio = await startMinio();
    t = await startTestServer({ minio, env: { MEDIA_PREVIEW_WORKERS: "1", RATE_LIMIT_MESSAGES_PER_MINUTE: "0" } });
  });
  afterAll(async () => {
    await minio?.start().catch(() => {});
    await t?.close();
    await minio?.dispose();
  });

  it("spends no attempts while MinIO is down and makes every preview once it is back", async () => {
    const created = await t.gql<{ createConversation: { id: string } }>(
      "alice",
      `mutation { createConversation(input: {}) { id } }`,
    );
    const conversationId = created.data!.createConversation.id;
    const token = await t.token("alice");
    const SEND = `mutation($i: SendMediaMessageInput!) { sendMediaMessage(input: $i) { media { id } } }`;
    for (let i = 0; i < 8; i++) {
      const image = await sharp({
        create: { width: 600, height: 450, channels: 3, background: { r: 20 * i, g: 120, b: 200 } },
      })
        .jpeg()
        .toBuffer();
      const res = await postMediaMessage(t.graphqlUrl, token, SEND, conversationId, [
        { filename: `${i}.jpg`, body: image },
      ]);
      expect(res.json.errors).toBeUndefined();
    }
    await minio.stop({ hard: true });
    // Long enough for the old exponential backoff to push retries 16-32 s out.
    await new Promise((r) => setTimeout(r, 20_000));
    const during = await t.parley.previewQueueDepth();
    expect(during.waiting + during.active).toBeGreaterThan(0);
    const [stillPending] = await t.sql`select count(*)::int as n from media where preview_state = 'pending'`;
    expect(stillPending!.n).toBeGreaterThan(0);
    // Nothing failed or was put off: the outage spent no attempt (with pg-boss's backoff it had spent
    // 3 or 4 per job by now and pushed the next one 16-64 s out).
    const spent = async () =>
      (
        await t.sql`select count(*) filter (where state in ('retry', 'failed'))::int as put_off,
          coalesce(max(retry_count), 0)::int as attempts from pgboss.job where name = 'media-previews'`
      )[0];
    expect(await spent()).toEqual({ put_off: 0, attempts: 0 });

    await minio.start();
    const back = Date.now();
    await eventually(async () => {
      const [row] = await t.sql`select count(*)::int as n from media where preview_state <> 'ready'`;
      expect(row!.n).toBe(0);
    }, 60_000);
    console.info(`previews after the MinIO outage: all ready ${Date.now() - back} ms after its return`);
    expect(await spent()).toEqual({ put_off: 0, attempts: 0 });
    // The job is marked completed just after its previews commit.
    await eventually(async () => expect(await t.parley.previewQueueDepth()).toEqual({ waiting: 0, active: 0 }));
  }, 120_000);
});
