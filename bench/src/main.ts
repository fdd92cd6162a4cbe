// `pnpm bench`: every scenario of issue 9 against real PostgreSQL and MinIO, each beside its ceiling.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { FULL, QUICK, type BenchContext } from "./context.ts";
import { createEnvironment, type BenchEnvironment } from "./environment.ts";
import { currentLoad, describeMachine } from "./machine.ts";
import { Progress } from "./progress.ts";
import { renderMarkdown } from "./report.ts";
import { judgeTargets, type BenchResults } from "./results.ts";
import { fanOut, fanOutSteps } from "./scenarios/fan-out.ts";
import { growth, growthSteps, MESSAGE_SIZES, MESSAGE_SIZES_QUICK } from "./scenarios/growth.ts";
import { history, historySteps } from "./scenarios/history.ts";
import { media, MEDIA_FULL, MEDIA_QUICK, mediaSteps } from "./scenarios/media.ts";
import { presign, presignSteps } from "./scenarios/presign.ts";
import { textSend, textSendSteps } from "./scenarios/text-send.ts";
import { upload, uploadSteps } from "./scenarios/upload.ts";
import { uploadSession, uploadSessionSteps } from "./scenarios/upload-session.ts";
import type { ServerProcess } from "./server-process.ts";

const SCENARIOS = ["send", "history", "fanout", "growth", "upload", "upload-session", "presign", "media"] as const;
type Scenario = (typeof SCENARIOS)[number];

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const onlyArg = args.find((a) => a.startsWith("--only="));
const only = onlyArg ? (onlyArg.slice("--only=".length).split(",") as Scenario[]) : [...SCENARIOS];
for (const s of only) {
  if (!SCENARIOS.includes(s)) {
    console.error(`unknown scenario "${s}"; choose from ${SCENARIOS.join(", ")}`);
    process.exit(64);
  }
}
const settings = quick ? QUICK : FULL;
// Only a full run of everything replaces the committed results; `--merge` puts the scenarios of a
// partial run into them (each of those records the conditions of its own run).
const merge = args.includes("--merge") && !quick;
const partial = quick || only.length < SCENARIOS.length;
const committedDir = fileURLToPath(new URL("../", import.meta.url));
const outDir = partial && !merge ? fileURLToPath(new URL("../.out/", import.meta.url)) : committedDir;

const steps =
  (only.includes("send") ? textSendSteps(settings.runs) : 0) +
  (only.includes("history") ? historySteps(settings.runs) : 0) +
  (only.includes("fanout") ? fanOutSteps(settings.runs) : 0) +
  (only.includes("growth") ? growthSteps(settings.runs, quick ? MESSAGE_SIZES_QUICK : MESSAGE_SIZES) : 0) +
  (only.includes("upload") ? uploadSteps(settings.runs) : 0) +
  (only.includes("upload-session") ? uploadSessionSteps(settings.runs) : 0) +
  (only.includes("presign") ? presignSteps(settings.runs) : 0) +
  (only.includes("media") ? mediaSteps(settings.runs) : 0);
const progress = new Progress(steps);
const minutes = quick
  ? 1
  : Math.max(
      1,
      Math.round(
        (only.includes("send") ? 3 : 0) +
          (only.includes("history") ? 1.3 : 0) +
          (only.includes("fanout") ? 0.5 : 0) +
          (only.includes("growth") ? 2.5 : 0) +
          (only.includes("upload") ? 1.7 : 0) +
          (only.includes("upload-session") ? 0.7 : 0) +
          (only.includes("presign") ? 0.3 : 0) +
          (only.includes("media") ? 5 : 0),
      ),
    );
progress.info(
  `Parley bench: ${only.join(", ")}${quick ? " (quick)" : ""}; this takes about ${minutes} minute${minutes > 1 ? "s" : ""}. ` +
    `Results go to ${outDir}RESULTS.md and results.json.`,
);

let env: BenchEnvironment | undefined;
let api: ServerProcess | undefined;
let stopping = false;
const cleanUp = async () => {
  await api?.stop().catch(() => {});
  await env?.dispose().catch(() => {});
};
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    progress.info(`${signal}: stopping the server and MinIO, dropping the database`);
    void cleanUp().finally(() => process.exit(130));
  });
}

try {
  progress.info("starting MinIO, a fresh PostgreSQL database and the server (a separate process)");
  env = await createEnvironment();
  api = await env.startServer();
  const machine = await describeMachine(env.sql);
  const ctx: BenchContext = { env, api, settings, progress };

  const textSendResult = only.includes("send") ? await textSend(ctx) : null;
  const historyResult = only.includes("history") ? await history(ctx) : null;
  const fanOutResult = only.includes("fanout") ? await fanOut(ctx) : null;
  // Last of the load scenarios: it leaves a million rows behind.
  const growthResult = only.includes("growth") ? await growth(ctx, quick ? MESSAGE_SIZES_QUICK : MESSAGE_SIZES) : null;
  // The load scenarios' server is done; uploads start servers of their own (fresh, for RSS).
  await api.stop();
  const uploadResult = only.includes("upload") ? await upload(ctx) : null;
  const uploadSessionResult = only.includes("upload-session") ? await uploadSession(ctx) : null;
  const presignResult = only.includes("presign") ? await presign(ctx) : null;
  const mediaResult = only.includes("media") ? await media(ctx, quick ? MEDIA_QUICK : MEDIA_FULL) : null;

  machine.loadAverage.end = currentLoad();
  const run = {
    machine,
    settings: { ...settings, quick, scenarios: only },
    durationSeconds: Math.round(progress.elapsedSeconds()),
  };
  const ran: Omit<BenchResults, "targets"> = {
    schemaVersion: 1,
    ...run,
    textSend: textSendResult,
    history: historyResult,
    upload: uploadResult,
    uploadSession: uploadSessionResult,
    presign: presignResult,
    fanOut: fanOutResult,
    growth: growthResult,
    media: mediaResult ? { ...mediaResult, run } : null,
  };
  const partialResults = merge ? mergeInto(ran, only) : ran;
  const results: BenchResults = { ...partialResults, targets: judgeTargets(partialResults) };
  mkdirSync(outDir, { recursive: true });
  writeFileSync(`${outDir}results.json`, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(`${outDir}RESULTS.md`, renderMarkdown(results, `${outDir}RESULTS.md`));
  progress.info(`done in ${Math.round(progress.elapsedSeconds())} s. Targets:`);
  for (const t of results.targets) {
    process.stderr.write(
      `  ${t.met === null ? "not run" : t.met ? "met   " : "MISSED"}  ${t.description}: ${t.measured} (goal ${t.target})\n`,
    );
  }
  process.stderr.write(`Wrote ${outDir}RESULTS.md and ${outDir}results.json\n`);
} catch (error) {
  process.stderr.write(`\nbench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  if (api) process.stderr.write(`server log (tail):\n${api.log()}\n`);
  process.exitCode = 1;
} finally {
  await cleanUp();
}

/** The committed results with the scenarios of this run in place of theirs (`--merge`). */
function mergeInto(ran: Omit<BenchResults, "targets">, scenarios: readonly Scenario[]): Omit<BenchResults, "targets"> {
  const committed = JSON.parse(readFileSync(`${committedDir}results.json`, "utf8")) as BenchResults;
  const key = {
    send: "textSend",
    history: "history",
    fanout: "fanOut",
    growth: "growth",
    upload: "upload",
    "upload-session": "uploadSession",
    presign: "presign",
    media: "media",
  } as const satisfies Record<Scenario, keyof BenchResults>;
  const merged: Omit<BenchResults, "targets"> = {
    ...committed,
    uploadSession: committed.uploadSession ?? null,
    media: committed.media ?? null,
    growth: committed.growth ?? null,
  };
  for (const s of scenarios) Object.assign(merged, { [key[s]]: ran[key[s]] });
  return merged;
}
