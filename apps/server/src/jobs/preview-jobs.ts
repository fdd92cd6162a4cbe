import PgBoss from "pg-boss";
import type { Logger } from "pino";
import type { DbHandle } from "@parley/db";
import { configureSharp } from "@parley/imaging";
import type { PreviewsRepository } from "../media/previews-repository.ts";
import type { PreviewService } from "../services/previews.ts";

const QUEUE = "media-previews";
const DEADLOCK_DETECTED = "40P01";

export interface PreviewJobsOptions {
  /** Jobs this process runs at once; 0: it only queues them. */
  workers: number;
  /** One job's time limit; a job still active after it (its worker died) is retried. */
  timeoutSeconds: number;
  /** How often expired jobs are looked for; small in tests. */
  maintenanceIntervalSeconds?: number;
  pollingIntervalSeconds?: number;
}

export interface PreviewJobs {
  /** Queues previews for these media (after their message committed). */
  enqueue(mediaIds: string[]): Promise<void>;
  /** Stops taking jobs and waits for the ones running. */
  stop(): Promise<void>;
  boss: PgBoss;
}

/**
 * The durable queue of preview jobs: pg-boss in schema `pgboss` of the application's database
 * (PostgreSQL through its own small pool; PGlite through the embedded connection). Jobs survive
 * crashes (an active job whose worker died expires after the time limit and is retried), several
 * instances share them (SKIP LOCKED), retries back off, and failed jobs stay visible in
 * pgboss.job / pgboss.archive. Media whose job was lost before it was queued (a crash between
 * commit and enqueue) are queued again at start.
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
  // A job runs a few libvips pipelines, each bounded by the timeout; past this it counts as dead.
  const expireInSeconds = 2 * options.timeoutSeconds + 5;
  const connection = args.databaseUrl
    ? { connectionString: args.databaseUrl, max: 2 }
    : { db: { executeSql: args.db.executeSql! as PgBoss.Db["executeSql"] } };
  const boss = new PgBoss({
    ...connection,
    schema: "pgboss",
    maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? Math.min(60, expireInSeconds),
    monitorStateIntervalSeconds: 60,
    schedule: false,
  });
  boss.on("error", (error: Error) => logger.warn({ err: error }, "preview job queue error; it carries on"));
  await boss.start();
  await createQueue(boss, {
    name: QUEUE,
    retryLimit: 5,
    retryDelay: 2,
    retryBackoff: true,
    expireInSeconds,
    retentionDays: 1,
  });

  if (options.workers > 0) {
    configureSharp({ concurrency: 1 });
    for (let i = 0; i < options.workers; i++) {
      await boss.work<{ mediaId: string }>(
        QUEUE,
        { batchSize: 1, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 1 },
        async ([job]) => {
          if (!job) return;
          const started = Date.now();
          const outcome = await service.make(job.data.mediaId);
          logger.info({ mediaId: job.data.mediaId, outcome, ms: Date.now() - started }, "preview job done");
        },
      );
    }
  }

  const enqueue = async (mediaIds: string[]) => {
    for (const mediaId of mediaIds) await boss.send(QUEUE, { mediaId }, { singletonKey: mediaId });
  };
  // Lost before queued: queue again (a medium already queued is not queued twice: singletonKey).
  const pending = await repository.pendingIds(new Date(Date.now() - 60_000), 1000);
  if (pending.length > 0) await enqueue(pending);

  return {
    enqueue,
    stop: async () => {
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    },
    boss,
  };
}

/**
 * pg-boss's createQueue, safe when several instances start at once on a fresh database: there its
 * create_queue() (insert the queue, create and attach its partition) deadlocks between processes, and
 * PostgreSQL rolls one back (seen starting two instances: 2 of 3 concurrent starts failed). The survivor
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
