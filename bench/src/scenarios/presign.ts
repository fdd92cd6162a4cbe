// Scenario 4: temporary URLs per second in one process: MinioStore.presignGet (what the server calls
// per Media.temporaryUrl) beside the least work a SigV4 presigned GET needs (node:crypto by hand).
import { createHash, createHmac } from "node:crypto";
import { Readable } from "node:stream";
import { MinioStore } from "@parley/storage";
import type { BenchContext } from "../context.ts";
import { ratio } from "../figures.ts";
import { roundSummary, summarize, type Summary } from "../stats.ts";

export interface PresignResult {
  /** MinioStore.presignGet, one after another, URLs per second. */
  storeUrlsPerSecond: Summary;
  /** Microseconds per URL (median run). */
  storeMicrosPerUrl: number;
  /** Hand-written SigV4 presign (signing key cached per day), URLs per second. */
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

const rfc3986 = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** SigV4 query-string signing (AWS "Authenticating Requests: Using Query Parameters"), host header only. */
function handPresigner(o: { endpoint: string; accessKey: string; secretKey: string; bucket: string; region: string }) {
  const host = new URL(o.endpoint).host;
  let keyDay = "";
  let signingKey = Buffer.alloc(0);
  const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();
  return (
    key: string,
    opts: { expiresInSeconds: number; contentType: string; contentDisposition: string; now: Date },
  ) => {
    const amzDate = opts.now
      .toISOString()
      .replace(/[-:]/g, "")
      .replace(/\.\d{3}/, "");
    const day = amzDate.slice(0, 8);
    if (day !== keyDay) {
      // Depends only on the day, region and secret: computed once a day, not once per URL.
      signingKey = hmac(hmac(hmac(hmac(`AWS4${o.secretKey}`, day), o.region), "s3"), "aws4_request");
      keyDay = day;
    }
    const scope = `${day}/${o.region}/s3/aws4_request`;
    const path = `/${o.bucket}/${key.split("/").map(rfc3986).join("/")}`;
    const params: [string, string][] = [
      ["X-Amz-Algorithm", "AWS4-HMAC-SHA256"],
      ["X-Amz-Credential", `${o.accessKey}/${scope}`],
      ["X-Amz-Date", amzDate],
      ["X-Amz-Expires", String(opts.expiresInSeconds)],
      ["X-Amz-SignedHeaders", "host"],
      ["response-content-disposition", opts.contentDisposition],
      ["response-content-type", opts.contentType],
    ];
    const query = params
      .map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`)
      .sort()
      .join("&");
    const canonical = `GET\n${path}\n${query}\nhost:${host}\n\nhost\nUNSIGNED-PAYLOAD`;
    const toSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${createHash("sha256").update(canonical).digest("hex")}`;
    const signature = createHmac("sha256", signingKey).update(toSign).digest("hex");
    return `${o.endpoint}${path}?${query}&X-Amz-Signature=${signature}`;
  };
}

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
  const hand = handPresigner(o);

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
    progress.step(`presign SigV4 by hand run ${run}/${settings.runs}: ${Math.round(h)} URLs/s`);
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
