import autocannon from "autocannon";
import { cpuBudget, type CpuBudget } from "./machine.ts";
import { procCpuMs } from "./server-process.ts";
import { Samples } from "./stats.ts";

export interface LoadRun {
  /** Successful responses (2xx and a body without GraphQL errors) per second. */
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  /** Non-2xx, GraphQL errors in the body, socket errors and timeouts. */
  failed: number;
  seconds: number;
  /** The first failed response body, for diagnosis. */
  firstFailure?: string;
  /** Server CPU time (user + system) per successful request, ms, when the server's pid was given. */
  cpuMsPerRequest?: number;
  /** The machine's CPU time over the run by who used it, per successful request. */
  budget?: CpuBudget;
}

export interface HttpLoadOptions {
  /** Several URLs (server processes): the connections are dealt out over them in turn. */
  url: string | string[];
  connections: number;
  durationSeconds: number;
  headers: Record<string, string>;
  /** The JSON body connection `i` sends on every request (each connection may target its own data). */
  bodyFor: (connection: number) => string;
  /** The server's pid (or every process's): their CPU time over the run is divided by the successful requests. */
  serverPid?: number | number[];
}

const hasErrors = (body: string | Buffer | undefined) => String(body ?? "").includes('"errors":');

/**
 * Closed-loop load with autocannon: `connections` keep-alive connections, one request in flight on
 * each, for a fixed time. Latency is taken from autocannon's per-response timing (float ms) and kept
 * exactly, since autocannon's own histogram rounds to whole milliseconds.
 */
export async function httpLoad(o: HttpLoadOptions): Promise<LoadRun> {
  const latencies = new Samples();
  let ok = 0;
  let next = 0;
  let firstFailure: string | undefined;
  const pids = o.serverPid === undefined ? [] : [o.serverPid].flat();
  const cpuNow = () => pids.reduce((sum, pid) => sum + procCpuMs(pid), 0);
  const cpu0 = cpuNow();
  const budget = cpuBudget(pids, procCpuMs);
  const urls = [o.url].flat();
  // One autocannon per URL, run at once; latencies are kept per response, so their percentiles merge exactly.
  const results = await Promise.all(
    urls.map((url, u) => {
      const connections = Math.floor(o.connections / urls.length) + (u < o.connections % urls.length ? 1 : 0);
      return runAutocannon(url, connections);
    }),
  );
  const cpuMs = pids.length > 0 ? cpuNow() - cpu0 : undefined;
  const spent = budget.stop(ok);
  const sum = (f: (r: autocannon.Result) => number) => results.reduce((a, r) => a + f(r), 0);
  const mismatches = sum((r) => r.mismatches);
  const failed = sum((r) => r.non2xx + r.errors + r.timeouts + r.mismatches);
  ok = Math.max(0, ok - mismatches);
  const duration = Math.max(...results.map((r) => r.duration));
  const [p50, p99] = latencies.percentiles(50, 99);
  return {
    rps: ok / duration,
    p50: p50!,
    p99: p99!,
    ok,
    failed,
    seconds: duration,
    firstFailure,
    cpuMsPerRequest: cpuMs !== undefined && ok > 0 ? cpuMs / ok : undefined,
    budget: spent,
  };

  function runAutocannon(url: string, connections: number): Promise<autocannon.Result> {
    let finished!: (result: autocannon.Result) => void;
    let failedToRun!: (error: unknown) => void;
    const done = new Promise<autocannon.Result>((resolve, reject) => {
      finished = resolve;
      failedToRun = reject;
    });
    const instance = autocannon(
      {
        url,
        method: "POST",
        connections,
        pipelining: 1,
        duration: o.durationSeconds,
        timeout: 30,
        headers: { "content-type": "application/json", ...o.headers },
        body: o.bodyFor(0),
        setupClient: (client) => {
          client.setBody(o.bodyFor(next++));
        },
        verifyBody: (body) => {
          if (!hasErrors(body)) return true;
          firstFailure ??= String(body).slice(0, 500);
          return false;
        },
      },
      (error, result) => (error ? failedToRun(error) : finished(result)),
    );
    instance.on("response", (_client, statusCode, _bytes, responseTime) => {
      latencies.add(responseTime);
      if (statusCode >= 200 && statusCode < 300) ok++;
    });
    return done;
  }
}
