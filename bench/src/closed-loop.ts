import type { LoadRun } from "./http-load.ts";
import { cpuBudget } from "./machine.ts";
import { procCpuMs } from "./server-process.ts";
import { Samples } from "./stats.ts";

/**
 * The in-process counterpart of httpLoad: `concurrency` workers each run `op` back to back for a
 * fixed time (a closed loop, like autocannon's connections), timing every call.
 */
export async function closedLoop(o: {
  concurrency: number;
  durationSeconds: number;
  op: (worker: number) => Promise<void>;
}): Promise<LoadRun> {
  const latencies = new Samples();
  let ok = 0;
  let failed = 0;
  let firstError: unknown;
  const budget = cpuBudget([], procCpuMs);
  const start = performance.now();
  const end = start + o.durationSeconds * 1000;
  const worker = async (w: number) => {
    while (performance.now() < end) {
      const t0 = performance.now();
      try {
        await o.op(w);
        latencies.add(performance.now() - t0);
        ok++;
      } catch (error) {
        failed++;
        firstError ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, (_, w) => worker(w)));
  const seconds = (performance.now() - start) / 1000;
  if (ok === 0 && firstError) throw firstError;
  const [p50, p99] = latencies.percentiles(50, 99);
  return { rps: ok / seconds, p50: p50!, p99: p99!, ok, failed, seconds, budget: budget.stop(ok) };
}
