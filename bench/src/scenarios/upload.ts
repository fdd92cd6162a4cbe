// Scenario 3: one media message through the API (HTTP multipart → graphql-upload → pipeline → MinIO)
// vs. putObject of the same bytes straight into the same MinIO, and the server's peak RSS growth.
import { Readable } from "node:stream";
import { Client } from "minio";
import { MinioStore } from "@parley/storage";
import { createConversation } from "../environment.ts";
import { generatedBytes, sendMediaMessage, type UploadFile } from "../multipart.ts";
import { procCpuMs, procMemory, resetPeak, sampleRss } from "../server-process.ts";
import type { BenchContext } from "../context.ts";
import { ratio } from "../figures.ts";
import { round, roundSummary, summarize, type Summary } from "../stats.ts";

const MiB = 1024 * 1024;
/** The server's MinioStore part size (packages/storage/src/minio-store.ts); the direct client uses the same. */
const PART_SIZE = 5 * MiB;
const RSS_SAMPLE_MS = 50;

export interface UploadCaseResult {
  name: string;
  files: number;
  fileBytes: number;
  totalBytes: number;
  /** Through the API: bytes / (request start → response), MB/s (10^6 bytes). */
  apiMBps: Summary;
  /** putObject of the same bytes with the minio client, file after file. */
  directMBps: Summary;
  ratio: Summary;
  /**
   * The server's own MinioStore.put fed from the same generated stream in the bench process: no HTTP,
   * no multipart parsing, no temp file. Where it sits between API and putObject says which half costs.
   */
  storeMBps: Summary;
  /** Server VmRSS just before the upload (fresh process, after one small warm-up message), MiB. */
  baselineRssMiB: Summary;
  /** Peak RSS growth: VmHWM after the upload (peak reset just before it) minus the baseline, MiB. */
  peakGrowthMiB: Summary;
  /** The largest VmRSS sampled every 50 ms during the upload, minus the baseline, MiB. */
  sampledPeakGrowthMiB: Summary;
  /** VmRSS right after the response minus the baseline, MiB. */
  retainedGrowthMiB: Summary;
  /** Server CPU (user + system, /proc/<pid>/stat) from the request's start to its answer, per MiB received. */
  serverCpuMsPerMiB?: Summary;
  rssSamples: number;
  /** Whether VmHWM could be reset (clear_refs); if not, peakGrowthMiB includes the start-up peak. */
  peakResetWorked: boolean;
}

export interface UploadResult {
  cases: UploadCaseResult[];
  partSizeMiB: number;
}

export const uploadSteps = (runs: number) => runs * 6;

interface ApiRun {
  mbps: number;
  baseline: number;
  peakGrowth: number;
  sampledGrowth: number;
  retainedGrowth: number;
  cpuMsPerMiB: number;
  samples: number;
  reset: boolean;
}

export async function upload(ctx: BenchContext): Promise<UploadResult> {
  const { env, settings, progress } = ctx;
  const size = settings.uploadFileBytes;
  const cases = [
    { name: `3 × ${size / MiB} MiB`, files: 3, fileBytes: size },
    { name: `1 × ${(3 * size) / MiB} MiB`, files: 1, fileBytes: 3 * size },
  ];
  const endpoint = new URL(env.minio.endpoint);
  const direct = new Client({
    endPoint: endpoint.hostname,
    port: Number(endpoint.port),
    useSSL: false,
    accessKey: env.minio.accessKey,
    secretKey: env.minio.secretKey,
    region: "us-east-1",
    partSize: PART_SIZE,
  });
  const bucket = env.serverEnv.bucket;
  let seed = 1000;

  const viaApi = async (files: UploadFile[]): Promise<ApiRun> => {
    // A fresh server per upload: its growth is measured from a known, small baseline.
    const server = await env.startServer();
    try {
      const token = await env.token("alice");
      const conversationId = await createConversation(server.graphqlUrl, token, ["bob"]);
      await sendMediaMessage(server.graphqlUrl, token, conversationId, [
        { filename: "warm-up.bin", contentType: "application/octet-stream", size: 64 * 1024, seed: seed++ },
      ]);
      await new Promise((r) => setTimeout(r, 300));
      const before = procMemory(server.pid);
      const reset = resetPeak(server.pid);
      const sampler = sampleRss(server.pid, RSS_SAMPLE_MS);
      const cpu0 = procCpuMs(server.pid);
      const t0 = performance.now();
      const sent = await sendMediaMessage(server.graphqlUrl, token, conversationId, files);
      const seconds = (performance.now() - t0) / 1000;
      const cpuMs = procCpuMs(server.pid) - cpu0;
      const sampled = sampler.stop();
      const after = procMemory(server.pid);
      if (sent.media.length !== files.length || sent.media.some((m, i) => m.size !== files[i]!.size)) {
        throw new Error(
          `upload stored ${JSON.stringify(sent.media.map((m) => m.size))}, expected ${files.map((f) => f.size).join(", ")}`,
        );
      }
      const total = files.reduce((n, f) => n + f.size, 0);
      return {
        mbps: total / 1e6 / seconds,
        baseline: before.rss / MiB,
        peakGrowth: (Math.max(after.hwm, sampled.maxRss) - before.rss) / MiB,
        sampledGrowth: (sampled.maxRss - before.rss) / MiB,
        retainedGrowth: (after.rss - before.rss) / MiB,
        cpuMsPerMiB: cpuMs / (total / MiB),
        samples: sampled.samples,
        reset,
      };
    } finally {
      await server.stop();
    }
  };

  const viaPutObject = async (files: UploadFile[], run: number): Promise<number> => {
    const t0 = performance.now();
    for (const [i, f] of files.entries()) {
      await direct.putObject(
        bucket,
        `bench/direct/${run}/${f.seed}-${i}`,
        Readable.from(generatedBytes(f.size, f.seed)),
        f.size,
        {
          "Content-Type": f.contentType,
          "X-Amz-Server-Side-Encryption": "AES256",
        },
      );
    }
    const seconds = (performance.now() - t0) / 1000;
    return files.reduce((n, f) => n + f.size, 0) / 1e6 / seconds;
  };

  const store = new MinioStore({ ...env.serverEnv.minio, bucket, region: "us-east-1", partSize: PART_SIZE });
  const viaStore = async (files: UploadFile[], run: number): Promise<number> => {
    const t0 = performance.now();
    for (const [i, f] of files.entries()) {
      await store.put(`bench/store/${run}/${f.seed}-${i}`, Readable.from(generatedBytes(f.size, f.seed)), {
        contentType: f.contentType,
      });
    }
    return files.reduce((n, f) => n + f.size, 0) / 1e6 / ((performance.now() - t0) / 1000);
  };

  const results: { api: ApiRun[]; direct: number[]; store: number[] }[] = cases.map(() => ({
    api: [],
    direct: [],
    store: [],
  }));
  for (let run = 1; run <= settings.runs; run++) {
    for (const [k, c] of cases.entries()) {
      const files = Array.from({ length: c.files }, (_, i) => ({
        filename: `video-${i}.bin`,
        contentType: "application/octet-stream",
        size: c.fileBytes,
        seed: seed++,
      }));
      // Alternate which goes first, so neither always meets a warmer (or fuller) MinIO.
      const order = run % 2 === 1 ? ["api", "direct", "store"] : ["store", "direct", "api"];
      for (const which of order) {
        if (which === "api") {
          const r = await viaApi(files);
          results[k]!.api.push(r);
          progress.step(
            `upload ${c.name} via API run ${run}/${settings.runs}: ${r.mbps.toFixed(0)} MB/s, server RSS +${r.peakGrowth.toFixed(1)} MiB peak (baseline ${r.baseline.toFixed(0)} MiB)`,
          );
        } else if (which === "store") {
          const mbps = await viaStore(files, run);
          results[k]!.store.push(mbps);
          progress.step(
            `upload ${c.name} via MinioStore.put in the bench run ${run}/${settings.runs}: ${mbps.toFixed(0)} MB/s`,
          );
        } else {
          const mbps = await viaPutObject(files, run);
          results[k]!.direct.push(mbps);
          progress.step(`upload ${c.name} via putObject run ${run}/${settings.runs}: ${mbps.toFixed(0)} MB/s`);
        }
      }
    }
  }

  return {
    partSizeMiB: PART_SIZE / MiB,
    cases: cases.map((c, k) => {
      const r = results[k]!;
      const s = (xs: number[]) => roundSummary(summarize(xs));
      return {
        name: c.name,
        files: c.files,
        fileBytes: c.fileBytes,
        totalBytes: c.files * c.fileBytes,
        apiMBps: s(r.api.map((x) => x.mbps)),
        directMBps: s(r.direct),
        storeMBps: s(r.store),
        ratio: ratio(
          r.api.map((x) => x.mbps),
          r.direct,
        ),
        baselineRssMiB: s(r.api.map((x) => x.baseline)),
        peakGrowthMiB: s(r.api.map((x) => x.peakGrowth)),
        sampledPeakGrowthMiB: s(r.api.map((x) => x.sampledGrowth)),
        retainedGrowthMiB: s(r.api.map((x) => x.retainedGrowth)),
        serverCpuMsPerMiB: s(r.api.map((x) => x.cpuMsPerMiB)),
        rssSamples: round(r.api.reduce((n, x) => n + x.samples, 0) / Math.max(1, r.api.length)),
        peakResetWorked: r.api.every((x) => x.reset),
      };
    }),
  };
}
