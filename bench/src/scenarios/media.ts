// Scenario 6: media derivatives (issue 14) with 12 MP phone-style JPEGs (EXIF with GPS and camera
// fields, an XMP packet). (a) sendMediaMessage with metadata stripping on vs off, on two servers
// side by side, sends interleaved, and the server's image stage itself (@parley/imaging) run in
// this process with and without stripping, where machine noise cannot reach it; (b) preview throughput: jobs queued by servers without workers,
// then drained by a server with 1 or 2 workers, timed from pgboss.job; (c) the queue's latency from
// the send to messageUpdated (reason MEDIA) on a graphql-ws subscription, one at a time and in a burst.
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { imageStage } from "@parley/imaging";
import { createClient } from "graphql-ws";
import sharp from "sharp";
import WebSocket from "ws";
import type { BenchContext } from "../context.ts";
import { createConversation } from "../environment.ts";
import { ratio } from "../figures.ts";
import { sendMediaMessage, type UploadFile } from "../multipart.ts";
import { procCpuMs, procMemory, resetPeak, type ServerProcess } from "../server-process.ts";
import { round, roundSummary, Samples, summarize, type Summary } from "../stats.ts";

const MiB = 1024 * 1024;
const WIDTH = 4000;
const HEIGHT = 3000;

export interface MediaSettings {
  /** Sends per server per run in the stripping comparison (after 2 warm-up sends each). */
  stripSends: number;
  /** 12 MP JPEGs queued per run for each throughput figure. */
  previewJobs: number;
  /** Sends one at a time, each after the previous one's preview is ready, per run. */
  latencySends: number;
  /** Sends at once, per run. */
  burst: number;
}

export const MEDIA_FULL: MediaSettings = { stripSends: 12, previewJobs: 10, latencySends: 12, burst: 8 };
export const MEDIA_QUICK: MediaSettings = { stripSends: 3, previewJobs: 3, latencySends: 3, burst: 3 };

/** Passes of the image stage per run and setting (after 5 warm-up passes each). */
const STAGE_PASSES = 40;
/** Chunks as the multipart parser hands them on (busboy: up to 64 KiB). */
const STAGE_CHUNK = 64 * 1024;

export interface MediaResult {
  image: { width: number; height: number; bytes: number; metadataBytes: number; storedBytesStripped: number };
  settings: MediaSettings;
  strip: {
    /** Wall time of one sendMediaMessage (request start → answer), ms. */
    onMs: Summary;
    offMs: Summary;
    /** Run by run: median send time with stripping / without. */
    latencyRatio: Summary;
    /** Server CPU per send (median of the run's sends), ms, and its ratio. */
    onCpuMs: Summary;
    offCpuMs: Summary;
    cpuRatio: Summary;
    /** The image stage alone in this process, CPU ms per 12 MP JPEG: stripping, and reading the header only. */
    stageStripMs: Summary;
    stageReadMs: Summary;
    /** What stripping adds: stageStripMs − stageReadMs, ms per send. */
    stageAddedMs: Summary;
    /** Run by run: (CPU per send without stripping + what stripping adds) / CPU per send without. */
    addedRatio: Summary;
  };
  throughput: {
    workers: number;
    /** Jobs drained / (last completion − first start), from pgboss.job. */
    previewsPerSecond: Summary;
    /** The worker server's CPU over the drain, per preview. */
    cpuMsPerPreview: Summary;
    /** Its peak RSS growth during the drain (VmHWM reset at its start), MiB. */
    peakGrowthMiB: Summary;
    jobs: number;
  }[];
  latency: {
    /** One at a time, queue empty: send start → messageUpdated MEDIA. */
    sequentialP50Ms: Summary;
    sequentialP99Ms: Summary;
    /** `burst` sends at once: each one's send start → its messageUpdated MEDIA. */
    burstP50Ms: Summary;
    burstP99Ms: Summary;
    /** The sendMediaMessage answer itself, one at a time. */
    sendP50Ms: Summary;
  };
}

export const mediaSteps = (runs: number) => runs * 4;

/** A 12 MP photo as phones write it: smooth-ish detail, EXIF (GPS, camera, serial) and an XMP packet. */
async function phoneJpeg(): Promise<{ bytes: Buffer; metadataBytes: number }> {
  const small = await sharp({
    create: {
      width: WIDTH / 4,
      height: HEIGHT / 4,
      channels: 3,
      background: { r: 90, g: 120, b: 150 },
      noise: { type: "gaussian", mean: 128, sigma: 60 },
    },
  })
    .png()
    .toBuffer();
  const pixels = sharp(small).resize(WIDTH, HEIGHT, { kernel: "cubic" });
  const plain = await pixels.clone().jpeg({ quality: 88 }).toBuffer();
  const xmp = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="51,30.44N" exif:GPSLongitude="0,7.66W">${" ".repeat(16_000)}</rdf:Description></rdf:RDF></x:xmpmeta>`;
  const bytes = await pixels
    .jpeg({ quality: 88 })
    .withExif({
      IFD0: { Make: "Acme", Model: "Phone 9 Pro", Software: "PhoneOS 18.2" },
      IFD2: { BodySerialNumber: "SN-0042-7731", LensModel: "Acme 24mm f/1.8" },
      IFD3: {
        GPSLatitudeRef: "N",
        GPSLatitude: "51/1 30/1 2637/100",
        GPSLongitudeRef: "W",
        GPSLongitude: "0/1 7/1 3964/100",
      },
    })
    .withXmp(xmp)
    .withMetadata({ orientation: 6 })
    .toBuffer();
  return { bytes, metadataBytes: bytes.length - plain.length };
}

/** CPU ms of one pass of `bytes` through the server's image stage (strip or only read the header). */
async function stagePass(bytes: Buffer, strip: boolean): Promise<number> {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += STAGE_CHUNK) chunks.push(bytes.subarray(i, i + STAGE_CHUNK));
  const stage = imageStage("image/jpeg", { strip })!;
  let out = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      out += chunk.length;
      done();
    },
  });
  const before = process.cpuUsage();
  await pipeline(Readable.from(chunks), stage.stream, sink);
  const used = process.cpuUsage(before);
  if (out === 0 || !stage.info()) throw new Error("the image stage produced nothing");
  return (used.user + used.system) / 1000;
}

/** Median CPU ms per pass with and without stripping, passes interleaved. */
async function stageCost(bytes: Buffer): Promise<{ strip: number; read: number }> {
  for (let i = 0; i < 5; i++) {
    await stagePass(bytes, true);
    await stagePass(bytes, false);
  }
  const strip: number[] = [];
  const read: number[] = [];
  for (let i = 0; i < STAGE_PASSES; i++) {
    strip.push(await stagePass(bytes, true));
    read.push(await stagePass(bytes, false));
  }
  return { strip: summarize(strip).median, read: summarize(read).median };
}

const timed = async <T>(work: () => Promise<T>) => {
  const t0 = performance.now();
  const value = await work();
  return { value, ms: performance.now() - t0 };
};

export async function media(ctx: BenchContext, settings: MediaSettings): Promise<MediaResult> {
  const { env, progress } = ctx;
  const runs = ctx.settings.runs;
  const photo = await phoneJpeg();
  let seed = 1;
  const file = (): UploadFile => ({
    filename: "IMG_0001.jpg",
    contentType: "image/jpeg",
    size: photo.bytes.length,
    seed: seed++,
    bytes: photo.bytes,
  });
  const token = await env.token("alice");
  const pending = async () =>
    Number((await env.sql`select count(*)::int as n from media where preview_state = 'pending'`)[0]!.n);

  // (a) and the queueing for (b): two servers without preview workers, stripping on and off.
  const strip: ServerProcess = await env.startServer({
    extraEnv: { MEDIA_STRIP_METADATA: "true", MEDIA_PREVIEW_WORKERS: "0" },
  });
  const keep: ServerProcess = await env.startServer({
    extraEnv: { MEDIA_STRIP_METADATA: "false", MEDIA_PREVIEW_WORKERS: "0" },
  });
  const stripRuns: {
    on: number[];
    off: number[];
    onCpu: number[];
    offCpu: number[];
    stage: { strip: number; read: number };
  }[] = [];
  const throughputRuns = new Map<number, { rate: number; cpu: number; growth: number; jobs: number }[]>([
    [1, []],
    [2, []],
  ]);
  const latencyRuns: { seq: number[]; burst: number[]; send: number[] }[] = [];
  let storedBytesStripped = 0;
  try {
    const onConversation = await createConversation(strip.graphqlUrl, token, ["bob"]);
    const offConversation = await createConversation(keep.graphqlUrl, token, ["bob"]);
    const send = async (server: ServerProcess, conversationId: string) => {
      const cpu0 = procCpuMs(server.pid);
      const { value, ms } = await timed(() => sendMediaMessage(server.graphqlUrl, token, conversationId, [file()]));
      return { media: value.media[0]!, ms, cpu: procCpuMs(server.pid) - cpu0 };
    };
    for (let i = 0; i < 2; i++) {
      await send(strip, onConversation);
      await send(keep, offConversation);
    }

    for (let run = 0; run < runs; run++) {
      // (a) Interleaved, one request at a time: each server sees the same machine.
      const r = { on: [] as number[], off: [] as number[], onCpu: [] as number[], offCpu: [] as number[] };
      for (let i = 0; i < settings.stripSends; i++) {
        const on = await send(strip, onConversation);
        const off = await send(keep, offConversation);
        if (off.media.size !== photo.bytes.length) throw new Error(`stripping off stored ${off.media.size} bytes`);
        storedBytesStripped = on.media.size;
        r.on.push(on.ms);
        r.off.push(off.ms);
        r.onCpu.push(on.cpu);
        r.offCpu.push(off.cpu);
      }
      const stage = await stageCost(photo.bytes);
      stripRuns.push({ ...r, stage });
      const med = (xs: number[]) => summarize(xs).median;
      progress.step(
        `media strip run ${run + 1}: on ${med(r.on).toFixed(0)} ms (CPU ${med(r.onCpu).toFixed(0)} ms), ` +
          `off ${med(r.off).toFixed(0)} ms (CPU ${med(r.offCpu).toFixed(0)} ms); image stage ${stage.strip.toFixed(2)} ms ` +
          `stripping vs ${stage.read.toFixed(2)} ms reading`,
      );

      // (b) Queue more, then drain everything waiting with 1 and with 2 workers.
      for (const workers of [1, 2]) {
        for (let i = 0; i < settings.previewJobs; i++) await send(strip, onConversation);
        const since = new Date();
        const jobs = await pending();
        const worker = await env.startServer({ extraEnv: { MEDIA_PREVIEW_WORKERS: String(workers) } });
        try {
          const cpu0 = procCpuMs(worker.pid);
          const base = procMemory(worker.pid).rss;
          resetPeak(worker.pid);
          const deadline = Date.now() + 300_000;
          while ((await pending()) > 0) {
            if (Date.now() > deadline) throw new Error(`previews still pending after 300 s:\n${worker.log()}`);
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
          const cpu = procCpuMs(worker.pid) - cpu0;
          const growth = (procMemory(worker.pid).hwm - base) / MiB;
          const [span] = await env.sql`select count(*)::int as n,
              extract(epoch from max(completed_on) - min(started_on))::float8 as seconds
            from pgboss.job where name = 'media-previews' and state = 'completed' and completed_on >= ${since}`;
          const done = Number(span!.n);
          const failed = await env.sql`select count(*)::int as n from media where preview_state = 'failed'`;
          if (Number(failed[0]!.n) > 0) throw new Error(`${String(failed[0]!.n)} previews failed:\n${worker.log()}`);
          const rate = done / Number(span!.seconds);
          throughputRuns.get(workers)!.push({ rate, cpu: cpu / done, growth, jobs });
          progress.step(
            `media previews run ${run + 1}, ${workers} worker${workers > 1 ? "s" : ""}: ${done} in ${Number(span!.seconds).toFixed(1)} s = ` +
              `${rate.toFixed(2)}/s, CPU ${(cpu / done).toFixed(0)} ms each, peak RSS +${growth.toFixed(0)} MiB`,
          );
        } finally {
          await worker.stop();
        }
      }
    }
  } finally {
    await strip.stop();
    await keep.stop();
  }

  // (c) One server with the default single worker; the client sees messageUpdated (reason MEDIA).
  const server = await env.startServer({ extraEnv: { MEDIA_PREVIEW_WORKERS: "1" } });
  try {
    const conversationId = await createConversation(server.graphqlUrl, token, ["bob"]);
    const ready = new Map<string, (at: number) => void>();
    const early = new Map<string, number>();
    const ws = createClient({
      url: server.graphqlUrl.replace(/^http/, "ws"),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${await env.token("bob")}` },
    });
    let subscribed = false;
    const stop = ws.subscribe<{ messageUpdated: { reasons: string[]; message: { id: string } } }>(
      {
        query: `subscription($c: ID!) { messageUpdated(conversationId: $c) { reasons message { id } } }`,
        variables: { c: conversationId },
      },
      {
        next: ({ data }) => {
          const u = data?.messageUpdated;
          if (!u?.reasons.includes("MEDIA")) return;
          const at = performance.now();
          const resolve = ready.get(u.message.id);
          if (resolve) resolve(at);
          else early.set(u.message.id, at);
        },
        error: (error) => progress.info(`messageUpdated subscription failed: ${JSON.stringify(error)}`),
        complete: () => {},
      },
    );
    ws.on("connected", () => (subscribed = true));
    const readyAt = (id: string) =>
      new Promise<number>((resolve, reject) => {
        const at = early.get(id);
        if (at !== undefined) return resolve(at);
        const timer = setTimeout(() => reject(new Error(`no preview for ${id} within 120 s`)), 120_000);
        ready.set(id, (t) => {
          clearTimeout(timer);
          resolve(t);
        });
      });
    /** Sends one photo; resolves with the send's and the preview's times from the request start. */
    const sendAndWait = async () => {
      const t0 = performance.now();
      const sent = await sendMediaMessage(server.graphqlUrl, token, conversationId, [file()]);
      const answered = performance.now();
      const at = await readyAt(sent.id);
      return { send: answered - t0, ready: at - t0 };
    };
    const waitStart = Date.now();
    while (!subscribed) {
      if (Date.now() - waitStart > 10_000) throw new Error("the messageUpdated subscription did not connect");
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 300)); // the subscription is registered after connecting
    await sendAndWait(); // warm-up
    for (let run = 0; run < runs; run++) {
      const seq: number[] = [];
      const sendMs: number[] = [];
      for (let i = 0; i < settings.latencySends; i++) {
        const r = await sendAndWait();
        seq.push(r.ready);
        sendMs.push(r.send);
      }
      const burst = (await Promise.all(Array.from({ length: settings.burst }, () => sendAndWait()))).map(
        (r) => r.ready,
      );
      latencyRuns.push({ seq, burst, send: sendMs });
      const pct = (xs: number[]) => {
        const s = new Samples();
        for (const x of xs) s.add(x);
        return s.percentiles(50, 99).map((x) => x.toFixed(0));
      };
      progress.step(
        `media latency run ${run + 1}: one at a time p50/p99 ${pct(seq).join("/")} ms, burst of ${settings.burst} ${pct(burst).join("/")} ms`,
      );
    }
    stop();
    await ws.dispose();
  } finally {
    await server.stop();
  }

  const med = (xs: number[]) => summarize(xs).median;
  const pctOf = (xs: number[], p: number) => {
    const s = new Samples();
    for (const x of xs) s.add(x);
    return s.percentiles(p)[0]!;
  };
  const onMs = stripRuns.map((r) => med(r.on));
  const offMs = stripRuns.map((r) => med(r.off));
  const onCpu = stripRuns.map((r) => med(r.onCpu));
  const offCpu = stripRuns.map((r) => med(r.offCpu));
  const added = stripRuns.map((r) => r.stage.strip - r.stage.read);
  return {
    image: {
      width: WIDTH,
      height: HEIGHT,
      bytes: photo.bytes.length,
      metadataBytes: photo.metadataBytes,
      storedBytesStripped,
    },
    settings,
    strip: {
      onMs: roundSummary(summarize(onMs)),
      offMs: roundSummary(summarize(offMs)),
      latencyRatio: ratio(onMs, offMs),
      onCpuMs: roundSummary(summarize(onCpu)),
      offCpuMs: roundSummary(summarize(offCpu)),
      cpuRatio: ratio(onCpu, offCpu),
      stageStripMs: roundSummary(summarize(stripRuns.map((r) => r.stage.strip))),
      stageReadMs: roundSummary(summarize(stripRuns.map((r) => r.stage.read))),
      stageAddedMs: roundSummary(summarize(added)),
      addedRatio: ratio(
        offCpu.map((c, i) => c + added[i]!),
        offCpu,
      ),
    },
    throughput: [...throughputRuns].map(([workers, rs]) => ({
      workers,
      previewsPerSecond: roundSummary(summarize(rs.map((r) => r.rate))),
      cpuMsPerPreview: roundSummary(summarize(rs.map((r) => r.cpu))),
      peakGrowthMiB: roundSummary(summarize(rs.map((r) => r.growth))),
      jobs: round(summarize(rs.map((r) => r.jobs)).median),
    })),
    latency: {
      sequentialP50Ms: roundSummary(summarize(latencyRuns.map((r) => pctOf(r.seq, 50)))),
      sequentialP99Ms: roundSummary(summarize(latencyRuns.map((r) => pctOf(r.seq, 99)))),
      burstP50Ms: roundSummary(summarize(latencyRuns.map((r) => pctOf(r.burst, 50)))),
      burstP99Ms: roundSummary(summarize(latencyRuns.map((r) => pctOf(r.burst, 99)))),
      sendP50Ms: roundSummary(summarize(latencyRuns.map((r) => pctOf(r.send, 50)))),
    },
  };
}
