import type { LoadRun } from "./http-load.ts";
import type { CpuBudget } from "./machine.ts";
import { roundSummary, summarize, type Summary } from "./stats.ts";

/** A load figure over several runs. */
export interface LoadFigures {
  rps: Summary;
  p50Ms: Summary;
  p99Ms: Summary;
  /** Requests that failed, over all runs (should be 0). */
  failed: number;
  /** Successful requests, over all runs. */
  ok: number;
  /** Server CPU (user + system) per request, ms: independent of what else the machine runs. */
  serverCpuMsPerRequest: Summary | null;
  /** The machine's CPU per request by who used it (absent in results before it was measured). */
  cpuBudget?: Record<keyof CpuBudget, Summary> | null;
}

export function loadFigures(runs: LoadRun[]): LoadFigures {
  return {
    rps: roundSummary(summarize(runs.map((r) => r.rps))),
    p50Ms: roundSummary(summarize(runs.map((r) => r.p50))),
    p99Ms: roundSummary(summarize(runs.map((r) => r.p99))),
    failed: runs.reduce((n, r) => n + r.failed, 0),
    ok: runs.reduce((n, r) => n + r.ok, 0),
    serverCpuMsPerRequest: runs.every((r) => r.cpuMsPerRequest !== undefined)
      ? roundSummary(summarize(runs.map((r) => r.cpuMsPerRequest!)))
      : null,
    cpuBudget: runs.every((r) => r.budget)
      ? (Object.fromEntries(
          (["server", "postgres", "loadGenerator", "other", "idle"] as const).map((k) => [
            k,
            roundSummary(summarize(runs.map((r) => r.budget![k]))),
          ]),
        ) as Record<keyof CpuBudget, Summary>)
      : null,
  };
}

/** Ratio of paired runs (run i of `a` over run i of `b`: they ran back to back). */
export function ratio(a: number[], b: number[]): Summary {
  return roundSummary(summarize(a.map((x, i) => x / b[i]!)));
}

export const runLine = (r: LoadRun) =>
  `${Math.round(r.rps)} req/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms${r.cpuMsPerRequest !== undefined ? `, server CPU ${r.cpuMsPerRequest.toFixed(2)} ms/req` : ""}${r.failed ? `, ${r.failed} FAILED (first: ${r.firstFailure ?? "no body"})` : ""}`;
