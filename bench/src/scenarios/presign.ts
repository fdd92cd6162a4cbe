// Scenario 4: temporary URLs per second in one process: MinioStore.presignGet (what the server calls
// per Media.temporaryUrl) beside the least work a SigV4 presigned GET needs: the bare signer it wraps.
import { Readable } from "node:stream";
import { MinioStore, sigV4Presigner } from "@parley/storage";
import type { BenchContext } from "../context.ts";
import { ratio } from "../figures.ts";
import { roundSummary, summarize, type Summary } from "../stats.ts";

export interface PresignResult {
  /** MinioStore.presignGet, one after another, URLs per second. */
  storeUrlsPerSecond: Summary;
  /** Microseconds per URL (median run). */
  storeMicrosPerUrl: number;
  /** The bare SigV4 signer (packages/storage sigv4-presign.ts, signing key cached per day), URLs per second. */
  handSigV4UrlsPerSecond: Summary;
  handSigV4MicrosPerUrl: number;
  ratio: Summary;
}

export const presignSteps = (runs: number) => runs * 2;

const KEY = "media/bench-presign/0190c0de-0000-7000-8000-000000000000";
const OPTIONS = {
  expiresInSeconds: 300,
  contentType: "image/jpeg",
  contentDisposition: `inline; filename="holiday photo.jpg"; filename*=UTF-8''holiday%20photo.jpg`,
};

/** Calls `op` back to back for `seconds`; returns calls per second. */
async function rate(seconds: number, op: () => unknown): Promise<number> {
  const end = performance.now() + seconds * 1000;
  let n = 0;
  const start = performance.now();
  while (performance.now() < end) {
    for (let i = 0; i < 100; i++) await op();
    n += 100;
  }
  return n / ((performance.now() - start) / 1000);
}

export async function presign(ctx: BenchContext): Promise<PresignResult> {
  const { env, settings, progress } = ctx;
  const o = { ...env.serverEnv.minio, bucket: env.serverEnv.bucket, region: "us-east-1" };
  const store = new MinioStore(o);
  const sign = sigV4Presigner(o);
  const hand = (key: string, opts: typeof OPTIONS & { now: Date }) =>
    sign(key, {
      expiresInSeconds: opts.expiresInSeconds,
      now: opts.now,
      query: { "response-content-type": opts.contentType, "response-content-disposition": opts.contentDisposition },
    });

  // Both URLs must really open the object, or the comparison means nothing.
  await store.put(KEY, Readable.from([Buffer.from("presign check")]), { contentType: "image/jpeg" });
  for (const url of [(await store.presignGet(KEY, OPTIONS)).url, hand(KEY, { ...OPTIONS, now: new Date() })]) {
    const res = await fetch(url);
    const text = await res.text();
    if (res.status !== 200 || text !== "presign check")
      throw new Error(`presigned URL answered ${res.status}: ${text.slice(0, 200)}`);
  }

  await rate(Math.min(0.5, settings.presignSeconds), () => store.presignGet(KEY, OPTIONS));
  await rate(Math.min(0.5, settings.presignSeconds), () => hand(KEY, { ...OPTIONS, now: new Date() }));
  const storeRuns: number[] = [];
  const handRuns: number[] = [];
  for (let run = 1; run <= settings.runs; run++) {
    // `now` per URL, as a single request's loader shares one; signing cost does not depend on it.
    const s = await rate(settings.presignSeconds, () => store.presignGet(KEY, { ...OPTIONS, now: new Date() }));
    storeRuns.push(s);
    progress.step(`presign MinioStore.presignGet run ${run}/${settings.runs}: ${Math.round(s)} URLs/s`);
    const h = await rate(settings.presignSeconds, () => hand(KEY, { ...OPTIONS, now: new Date() }));
    handRuns.push(h);
    progress.step(`presign bare SigV4 signer run ${run}/${settings.runs}: ${Math.round(h)} URLs/s`);
  }
  const storeS = roundSummary(summarize(storeRuns));
  const handS = roundSummary(summarize(handRuns));
  return {
    storeUrlsPerSecond: storeS,
    storeMicrosPerUrl: Math.round((1e6 / storeS.median) * 10) / 10,
    handSigV4UrlsPerSecond: handS,
    handSigV4MicrosPerUrl: Math.round((1e6 / handS.median) * 10) / 10,
    ratio: ratio(storeRuns, handRuns),
  };
}
