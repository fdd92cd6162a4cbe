// `pnpm --filter @parley/bench profile <send|history|fanout|upload> [seconds]`: runs one load against a
// server started with --cpu-prof and prints where its CPU time went (self time by function and by
// package, inclusive time of the server's own functions). The .cpuprofile stays in bench/.profiles/
// for Chrome DevTools or speedscope.
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { clientOperation } from "./client-operations.ts";
import { QUICK, type BenchContext } from "./context.ts";
import { createConversation, createEnvironment } from "./environment.ts";
import { httpLoad } from "./http-load.ts";
import { runLine } from "./figures.ts";
import { sendMediaMessage } from "./multipart.ts";
import { Progress } from "./progress.ts";
import { fanOut } from "./scenarios/fan-out.ts";

const scenario = process.argv[2] ?? "send";
const seconds = Number(process.argv[3] ?? 8);
const dir = fileURLToPath(new URL("../.profiles/", import.meta.url));
const name = `${scenario}-${new Date().toISOString().replace(/[:.]/g, "-")}`;
// One folder per run, Node's own file names: every thread writes a profile (the module loader's
// worker too), and with one --cpu-prof-name the last thread to exit overwrote the main thread's.
const runDir = `${dir}${name}/`;

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

function where(url: string): string {
  if (!url) return "(native/V8)";
  if (url.startsWith("node:")) return "node core";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(
    url.replace(/.*\/node_modules\/\.pnpm\/[^/]+\/node_modules\//, "/node_modules/"),
  );
  if (pkg) return pkg[1]!;
  const own = /\/(apps\/[^/]+|packages\/[^/]+)\//.exec(url);
  return own ? own[1]! : url;
}

function summarize(file: string): string {
  const p = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // Start-up (module loading, migrations) is not what we profile: skip to the first request.
  const inRequest = (id: number) => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const url = byId.get(at)!.callFrame.url;
      // JSON POSTs reach Apollo without Express (graphql/json-post.ts); multipart ones through it.
      if (url.includes("@apollo/server") || url.includes("@as-integrations/express5")) return true;
    }
    return false;
  };
  const first = Math.max(0, p.samples.findIndex(inRequest));
  p.samples = p.samples.slice(first);
  p.timeDeltas = p.timeDeltas.slice(first);
  const self = new Map<number, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i] ?? 0;
    self.set(id, (self.get(id) ?? 0) + dt);
    total += dt;
  });
  const label = (id: number) => {
    const f = byId.get(id)!.callFrame;
    const short = f.url
      .replace(/.*\/node_modules\/\.pnpm\/[^/]+\/node_modules\//, "")
      .replace(/^file:\/\/.*?\/(apps|packages)\//, "$1/");
    return `${f.functionName || "(anonymous)"} ${short ? `${short}:${f.lineNumber + 1}` : ""}`.trim();
  };
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  const selfByFn = new Map<string, number>();
  const selfByPkg = new Map<string, number>();
  for (const [id, t] of self) {
    add(selfByFn, label(id), t);
    const f = byId.get(id)!.callFrame;
    add(selfByPkg, f.functionName.startsWith("(") ? f.functionName : where(f.url), t);
  }
  // Inclusive time by package: a sample counts for every package on its stack, once.
  const inclusiveByPkg = new Map<string, number>();
  p.samples.forEach((id, i) => {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at)!.callFrame;
      const k = f.functionName.startsWith("(") ? f.functionName : where(f.url);
      if (k === "node core" || k === "(native/V8)" || k === "(root)" || seen.has(k)) continue;
      seen.add(k);
      add(inclusiveByPkg, k, p.timeDeltas[i] ?? 0);
    }
  });
  // Inclusive time of the project's own functions (each counted once per sample).
  const inclusive = new Map<string, number>();
  p.samples.forEach((id, i) => {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at)!.callFrame;
      if (/\/(apps|packages)\//.test(f.url) && !f.url.includes("node_modules")) {
        const l = label(at);
        if (!seen.has(l)) {
          seen.add(l);
          add(inclusive, l, p.timeDeltas[i] ?? 0);
        }
      }
    }
  });
  const busy = total - (selfByPkg.get("(idle)") ?? 0);
  const pct = (t: number) => `${((100 * t) / total).toFixed(1).padStart(5)}%`;
  const top = (m: Map<string, number>, n: number) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, t]) => `  ${pct(t)}  ${k}`)
      .join("\n");
  return [
    `profile ${file}: ${(total / 1e6).toFixed(1)} s sampled from the first request on, ${((100 * busy) / total).toFixed(0)}% busy`,
    "self time by package:",
    top(selfByPkg, 15),
    "inclusive time by package (synchronous stacks only: async continuations start a new stack):",
    top(inclusiveByPkg, 20),
    "self time by function:",
    top(selfByFn, 30),
    "inclusive time of apps/ and packages/ functions:",
    top(inclusive, 25),
  ].join("\n");
}

if (scenario === "summarize") {
  // `profile summarize <file.cpuprofile>`: only the summary of a profile taken earlier.
  console.log(summarize(process.argv[3]!));
  process.exit(0);
}

const progress = new Progress(1);
const env = await createEnvironment();
try {
  const server = await env.startServer({
    nodeFlags: ["--cpu-prof", `--cpu-prof-dir=${(mkdirSync(runDir, { recursive: true }), runDir)}`],
  });
  const token = await env.token("alice");
  const headers = { authorization: `Bearer ${token}` };
  const conversations: string[] = [];
  for (let i = 0; i < 50; i++) conversations.push(await createConversation(server.graphqlUrl, token, ["bob"]));
  if (scenario === "send") {
    const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { id index author body type createdAt } }`;
    const r = await httpLoad({
      url: server.graphqlUrl,
      connections: 50,
      durationSeconds: seconds,
      headers,
      bodyFor: (i) =>
        JSON.stringify({
          query: SEND,
          variables: { input: { conversationId: conversations[i % 50], body: "profiled" } },
        }),
    });
    progress.info(`sendMessage c=50: ${runLine(r)}`);
  } else if (scenario === "history") {
    const id = conversations[0]!;
    for (let m = 0; m < 50; m++) {
      await sendMediaMessage(
        server.graphqlUrl,
        token,
        id,
        [0, 1, 2].map((i) => ({
          filename: `p-${m}-${i}.jpg`,
          contentType: "image/jpeg",
          size: 4096,
          seed: m * 10 + i,
        })),
      );
    }
    const HISTORY = clientOperation("messages.graphql", "query", "Messages");
    const r = await httpLoad({
      url: server.graphqlUrl,
      connections: 10,
      durationSeconds: seconds,
      headers,
      bodyFor: () => JSON.stringify({ query: HISTORY, variables: { conversationId: id, last: 50 } }),
    });
    progress.info(`history last:50 c=10: ${runLine(r)}`);
  } else if (scenario === "fanout") {
    const ctx: BenchContext = { env, api: server, settings: { ...QUICK, runs: 3 }, progress };
    await fanOut(ctx);
  } else if (scenario === "upload") {
    const t0 = performance.now();
    const size = 50 * 1024 * 1024;
    await sendMediaMessage(
      server.graphqlUrl,
      token,
      conversations[0]!,
      [0, 1, 2].map((i) => ({ filename: `v${i}.bin`, contentType: "application/octet-stream", size, seed: i })),
    );
    progress.info(`upload 3 × 50 MiB: ${((3 * size) / 1e6 / ((performance.now() - t0) / 1000)).toFixed(0)} MB/s`);
  } else {
    throw new Error(`unknown scenario ${scenario}: send | history | fanout | upload`);
  }
  await server.stop();
  // The main thread's profile is the one that handled requests.
  const file = readdirSync(runDir)
    .filter((f) => f.endsWith(".cpuprofile"))
    .find((f) => readFileSync(`${runDir}${f}`, "utf8").includes("@apollo/server"));
  if (!file) throw new Error(`no profile of the server's main thread was written to ${runDir}`);
  console.log(summarize(`${runDir}${file}`));
} finally {
  await env.dispose();
}
