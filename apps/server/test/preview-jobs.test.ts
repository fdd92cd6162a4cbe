// The preview queue itself (pg-boss), on the backend's database: PostgreSQL, or PGlite through the
// embedded connection. The service is a stand-in: these are about scheduling, not images.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import pino from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, type DbHandle } from "@parley/db";
import { StorageUnavailableError } from "@parley/storage";
import { createTestDatabase, type TestDatabase, eventually } from "@parley/testkit";
import { startPreviewJobs, type PreviewJobs, type PreviewJobsOptions } from "../src/jobs/preview-jobs.ts";
import type { PreviewsRepository } from "../src/repositories/previews.ts";
import type { PreviewService } from "../src/services/previews.ts";
import { backend } from "./harness.ts";

const id = (n: number) => `0193f0a0-0000-7000-8000-${String(n).padStart(12, "0")}`;

let database: TestDatabase | undefined;
let dataDir: string | undefined;
let db: DbHandle;
let jobs: PreviewJobs | undefined;

beforeAll(async () => {
  if (backend === "services") {
    database = await createTestDatabase("parley_jobs");
    db = await openDatabase({ url: database.url });
  } else {
    dataDir = mkdtempSync(join(tmpdir(), "parley-jobs-"));
    db = await openDatabase({ dataDir });
  }
});
afterAll(async () => {
  await jobs?.stop();
  await db?.close();
  await database?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});
beforeEach(async () => {
  await jobs?.stop();
  jobs = undefined;
  await db.db.execute(sql`delete from pgboss.job`).catch(() => {}); // no schema before the first start
});

function start(
  service: Partial<PreviewService>,
  repository: Partial<PreviewsRepository>,
  options: Partial<PreviewJobsOptions>,
) {
  return startPreviewJobs({
    db,
    databaseUrl: database?.url,
    service: service as PreviewService,
    repository: { pendingIds: async () => [], ...repository } as PreviewsRepository,
    options: { workers: 1, timeoutSeconds: 5, pollingIntervalSeconds: 1, ...options },
    logger: pino({ level: "silent" }),
  });
}

const jobRows = async (mediaId: string) =>
  (
    await jobs!.boss
      .getDb()
      .executeSql(`select state, retry_count from pgboss.job where data->>'mediaId' = $1`, [mediaId])
  ).rows;

describe("preview jobs", () => {
  it("runs queued jobs back to back, not one per polling interval", async () => {
    const done: string[] = [];
    jobs = await start({ make: async (mediaId: string) => (done.push(mediaId), "ready") }, {}, {});
    const ids = Array.from({ length: 20 }, (_, n) => id(n + 1));
    const started = Date.now();
    await jobs.enqueue(ids);
    await eventually(async () => expect(done.length).toBe(20), 30_000, 20);
    // One worker, 1 s polling: pg-boss 10 as published waited the interval after every job (20 s).
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(new Set(done)).toEqual(new Set(ids));
    // The last job is marked completed just after its work returns.
    await eventually(async () => expect(await jobs!.depth()).toEqual({ waiting: 0, active: 0 }));
  });

  it("starts a job queued by this instance at once, not at the next poll", async () => {
    const done: number[] = [];
    jobs = await start({ make: async () => (done.push(Date.now()), "ready") }, {}, { pollingIntervalSeconds: 10 });
    await new Promise((r) => setTimeout(r, 500)); // the workers' first (empty) fetch is behind them
    for (let n = 0; n < 3; n++) {
      const queued = Date.now();
      await jobs.enqueue([id(50 + n)]);
      await eventually(async () => expect(done.length).toBe(n + 1), 15_000, 10);
      // Polling alone: up to 10 s.
      expect(done[n]! - queued).toBeLessThan(3_000);
    }
  });

  it("marks the medium failed after the last retry and leaves the job failed in pgboss.job", async () => {
    const mediaId = id(100);
    const attempts: number[] = [];
    const failed: string[] = [];
    jobs = await start(
      {
        make: async () => {
          attempts.push(Date.now());
          throw new Error("a bug, not a refused image");
        },
      },
      { fail: async (m: string) => void failed.push(m) },
      { retryLimit: 1, pollingIntervalSeconds: 0.5 },
    );
    await jobs.enqueue([mediaId]);
    await eventually(async () => expect(failed).toEqual([mediaId]), 20_000);
    expect(attempts.length).toBe(2);
    // The retry waited (the first backoff: 1-2 s, RETRY in preview-jobs.ts), and the failure is
    // visible where pg-boss keeps jobs.
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(1000);
    // (pg-boss records the failure just after the handler threw.)
    await eventually(async () => expect(await jobRows(mediaId)).toEqual([{ state: "failed", retry_count: 1 }]));
  });

  it("queues a job again when storage answers pings but not the job, instead of waiting in it for ever", async () => {
    const mediaId = id(300);
    let attempts = 0;
    jobs = await start(
      {
        make: async () => {
          attempts++;
          throw new StorageUnavailableError("object storage is unreachable while trying to read it");
        },
        storageReachable: async () => true, // the ping works, the object's read does not
      },
      {},
      { storageWaitSeconds: 2, pollingIntervalSeconds: 0.5 },
    );
    await jobs.enqueue([mediaId]);
    // The first job ends within its 2 s of waiting (one attempt a second) and leaves a new one queued.
    await eventually(async () => {
      const rows = (await jobRows(mediaId)) as { state: string }[];
      expect(rows.map((r) => r.state)).toContain("completed");
    }, 15_000);
    const { rows } = await jobs.boss
      .getDb()
      .executeSql(
        `select state, retry_count, (data->>'outageSince') is not null as carried from pgboss.job where data->>'mediaId' = $1 order by created_on`,
        [mediaId],
      );
    expect(rows[0]).toMatchObject({ state: "completed", retry_count: 0 });
    expect(rows.slice(1).length).toBeGreaterThan(0);
    expect(rows.slice(1).every((r) => (r as { carried: boolean }).carried)).toBe(true);
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(attempts).toBeLessThan(20);
  });

  it("counts waiting jobs for metrics and queues pending media again at start, except those already queued", async () => {
    // No workers: jobs only wait.
    jobs = await start({}, {}, { workers: 0 });
    await jobs.enqueue([id(200), id(201)]);
    expect(await jobs.depth()).toEqual({ waiting: 2, active: 0 });
    await jobs.stop();
    // The next start finds 201 (still queued) and 202 (lost before it was queued) pending.
    jobs = await start({}, { pendingIds: async () => [id(201), id(202)] }, { workers: 0 });
    expect(await jobs.depth()).toEqual({ waiting: 3, active: 0 });
    for (const m of [id(200), id(201), id(202)])
      expect(await jobRows(m)).toEqual([{ state: "created", retry_count: 0 }]);
  });
});
