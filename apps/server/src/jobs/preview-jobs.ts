import PgBoss from "pg-boss";
import type { Logger } from "pino";
import type { DbHandle } from "@parley/db";
import { configureSharp } from "@parley/imaging";
import { StorageUnavailableError } from "@parley/storage";
import type { PreviewsRepository } from "../repositories/previews.ts";
import type { PreviewService } from "../services/previews.ts";

const QUEUE = "media-previews";
const DEADLOCK_DETECTED = "40P01";

/**
 * Retries of a job that failed (an error that is neither a refused image nor unreachable storage):
 * 5 more attempts, 1-2 s, 2-4 s, 4-8 s, 8-16 s and 16-32 s later (pg-boss's backoff with jitter:
 * retryDelay × 2^(n + 1) / 2 × (1 + random) after the failure of attempt n, counted from 0).
 */
const RETRY = { retryLimit: 5, retryDelay: 1, retryBackoff: true } as const;
/** How long a worker holds a job while storage is unreachable, checking every second, before queueing it again. */
const STORAGE_WAIT_SECONDS = 10;
/** A medium whose storage stays unreachable this long is treated as failing (retries, then failed). */
const STORAGE_OUTAGE_LIMIT_MS = 24 * 3600 * 1000;

interface JobData {
  mediaId: string;
  /** Set when the job was queued again because storage was unreachable: since when. */
  outageSince?: number;
}

export interface PreviewJobsOptions {
  /** Jobs this process runs at once; 0: it only queues them. */
  workers: number;
  /** One libvips pipeline's time limit (MEDIA_PREVIEW_TIMEOUT_SECONDS); the job's limit derives from it. */
  timeoutSeconds: number;
  /** How often expired jobs are looked for; small in tests. */
  maintenanceIntervalSeconds?: number;
  pollingIntervalSeconds?: number;
  /** Retries after a failed attempt (default 5); small in tests. */
  retryLimit?: number;
  /** How long a job waits for unreachable storage before it is queued again (default 10 s). */
  storageWaitSeconds?: number;
}

export interface PreviewQueueDepth {
  /** Queued or waiting for a retry, across every instance. */
  waiting: number;
  /** Being made right now (or held by a worker that died, until the job expires). */
  active: number;
}

export interface PreviewJobs {
  /** Queues previews for these media (after their message committed). */
  enqueue(mediaIds: string[]): Promise<void>;
  /** The queue's depth, for metrics: two counts over pgboss.job. */
  depth(): Promise<PreviewQueueDepth>;
  /** Stops taking jobs and waits for the ones running. */
  stop(): Promise<void>;
  boss: PgBoss;
}

/**
 * A job's time limit: the original's download, the first libvips pipeline (bounded by the
 * timeout), the renditions' encodes (bounded too, and small: from a 1024 px intermediate), the
 * uploads, and the wait while storage is unreachable. A job still active after it (its worker
 * died) is failed by pg-boss's maintenance and retried, by any instance.
 */
export const jobExpireSeconds = (timeoutSeconds: number) => 2 * timeoutSeconds + STORAGE_WAIT_SECONDS + 5;

/**
 * The durable queue of preview jobs: pg-boss in schema `pgboss` of the application's database
 * (PostgreSQL through its own small pool; PGlite through the embedded connection). Jobs survive
 * crashes (an active job whose worker died expires after jobExpireSeconds and is retried), several
 * instances share them (SKIP LOCKED), failures are retried with backoff, and failed jobs stay
 * visible in pgboss.job / pgboss.archive.
 *
 * Unreachable storage is not the job's failure: the worker waits for it (a ping a second, for
 * STORAGE_WAIT_SECONDS) and carries on the moment it answers; past that the job is queued again
 * as a new one, so an outage of any length spends no attempts and previews are made within seconds
 * of the storage's return (an exponential backoff had pushed them a minute or more past it, and
 * after five failed attempts left the media pending for good). A medium whose last attempt fails is
 * marked failed, so it does not stay pending. Media whose job was lost before it was queued (a
 * crash between commit and enqueue) or failed with its database are queued again at start.
 */
export async function startPreviewJobs(args: {
  db: DbHandle;
  databaseUrl: string | undefined;
  service: PreviewService;
  repository: PreviewsRepository;
  options: PreviewJobsOptions;
  logger: Logger;
}): Promise<PreviewJobs> {
  const { service, repository, options, logger } = args;
  const expireInSeconds = jobExpireSeconds(options.timeoutSeconds);
  const connection = args.databaseUrl
    ? { connectionString: args.databaseUrl, max: 2 }
    : { db: { executeSql: args.db.executeSql! as PgBoss.Db["executeSql"] } };
  const boss = new PgBoss({
    ...connection,
    schema: "pgboss",
    // Also how soon a dead worker's job is retried after it expired.
    maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? Math.min(15, expireInSeconds),
    monitorStateIntervalSeconds: 60,
    schedule: false,
  });
  boss.on("error", (error: Error) => logger.warn({ err: error }, "preview job queue error; it carries on"));
  await boss.start();
  const policy = { ...RETRY, retryLimit: options.retryLimit ?? RETRY.retryLimit, expireInSeconds, retentionDays: 1 };
  await createQueue(boss, { name: QUEUE, ...policy });
  // createQueue leaves an existing queue as it was: bring its policy up to date.
  await boss.updateQueue(QUEUE, { name: QUEUE, ...policy });

  const send = (data: JobData) => boss.send(QUEUE, data);
  const stopping = new AbortController();

  /** True once storage answers; false at `until` (ms) or when the process stops. */
  async function storageBack(until: number): Promise<boolean> {
    while (Date.now() < until && !stopping.signal.aborted) {
      await new Promise((r) => setTimeout(r, 1000));
      if (await service.storageReachable()) return true;
    }
    return false;
  }

  async function run(job: PgBoss.JobWithMetadata<JobData>) {
    const { mediaId } = job.data;
    const started = Date.now();
    // The whole wait for storage within this job, however often it comes and goes meanwhile.
    let waitUntil: number | undefined;
    for (;;) {
      try {
        const outcome = await service.make(mediaId);
        logger.info({ mediaId, outcome, ms: Date.now() - started }, "preview job done");
        return { outcome };
      } catch (error) {
        const outageSince = job.data.outageSince ?? started;
        if (error instanceof StorageUnavailableError && Date.now() - outageSince < STORAGE_OUTAGE_LIMIT_MS) {
          waitUntil ??= Date.now() + (options.storageWaitSeconds ?? STORAGE_WAIT_SECONDS) * 1000;
          if (await storageBack(waitUntil)) continue;
          // Still down (or stopping): queued again, due at once, behind the jobs already waiting.
          await send({ mediaId, outageSince });
          logger.info({ mediaId }, "storage unreachable; preview job queued again");
          return { outcome: "storage-unavailable", queuedAgain: true };
        }
        if (job.retryCount >= job.retryLimit) {
          await repository
            .fail(mediaId)
            .catch((e: unknown) => logger.warn({ err: e, mediaId }, "could not mark failed"));
          logger.warn({ err: error, mediaId }, "preview job failed for good; the medium keeps no preview");
        }
        throw error;
      }
    }
  }

  const workerIds: string[] = [];
  if (options.workers > 0) {
    configureSharp({ concurrency: 1 });
    for (let i = 0; i < options.workers; i++) {
      const id = await boss.work<JobData>(
        QUEUE,
        { batchSize: 1, includeMetadata: true, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 1 },
        async ([job]) => (job ? run(job) : undefined),
      );
      workerIds.push(id);
    }
  }

  const enqueue = async (mediaIds: string[]) => {
    for (const mediaId of mediaIds) await send({ mediaId });
    // This instance's idle workers look now instead of at their next poll (up to 1 s later).
    for (const id of workerIds) boss.notifyWorker(id);
  };
  // Lost before queued, or its last attempt failed with the database: queued again (not the ones
  // that still have a job waiting or running).
  const pending = await repository.pendingIds(new Date(Date.now() - 60_000), 1000);
  if (pending.length > 0) {
    const { rows } = await boss
      .getDb()
      .executeSql(
        `select data->>'mediaId' as id from pgboss.job where name = $1 and state < 'completed' and data->>'mediaId' = any($2)`,
        [QUEUE, pending],
      );
    const queued = new Set((rows as { id: string }[]).map((r) => r.id));
    await enqueue(pending.filter((id) => !queued.has(id)));
  }

  return {
    enqueue,
    depth: async () => {
      const waiting = (await boss.getQueueSize(QUEUE)) ?? 0;
      const notDone = (await boss.getQueueSize(QUEUE, { before: "completed" })) ?? 0;
      return { waiting, active: notDone - waiting };
    },
    stop: async () => {
      stopping.abort();
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    },
    boss,
  };
}

/**
 * pg-boss's createQueue, safe when several instances start at once on a fresh database: there its
 * create_queue() (insert the queue, create and attach its partition) deadlocks between processes, and
 * PostgreSQL rolls one back. The survivor
 * has created the queue, so a retry finds it and does nothing.
 */
async function createQueue(boss: PgBoss, options: PgBoss.Queue): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await boss.createQueue(options.name, options);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== DEADLOCK_DETECTED || attempt === 5) throw error;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
}
