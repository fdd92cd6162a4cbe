import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { cpus, loadavg, release, totalmem, type } from "node:os";
import type postgres from "postgres";
import { minioBinary } from "@parley/testkit";
import { repoRoot } from "./server-process.ts";

export interface Machine {
  date: string;
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  postgres: string;
  minio: string;
  commit: string;
  /** Uncommitted changes in the work tree when the bench ran (others may be editing it). */
  dirty: boolean;
  /** 1-minute load average when the bench started and ended: other work on the machine shows here. */
  loadAverage: { start: number; end: number | null };
}

const run = (cmd: string, args: string[]) => {
  try {
    return execFileSync(cmd, args, { cwd: repoRoot, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "unknown";
  }
};

export async function describeMachine(sql: postgres.Sql): Promise<Machine> {
  const [pg] = await sql`select current_setting('server_version') as v`;
  const minioVersion = run(minioBinary(), ["--version"]).split("\n")[0] ?? "unknown";
  return {
    date: new Date().toISOString(),
    cpuModel: cpus()[0]?.model.trim() ?? "unknown",
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    os: `${type()} ${release()}`,
    node: process.version,
    postgres: `PostgreSQL ${pg!.v as string}`,
    minio: minioVersion,
    commit: run("git", ["rev-parse", "--short", "HEAD"]),
    dirty: run("git", ["status", "--porcelain", "--untracked-files=no"]) !== "",
    loadAverage: { start: Math.round(loadavg()[0]! * 100) / 100, end: null },
  };
}

export const currentLoad = () => Math.round(loadavg()[0]! * 100) / 100;

/** Where the machine's CPU went during a run, per successful request (ms of CPU time). */
export interface CpuBudget {
  /** The server process(es) under test. */
  server: number;
  /** Every PostgreSQL process (backends, WAL writer, checkpointer…). */
  postgres: number;
  /** The bench process itself: autocannon, or postgres.js for the direct-SQL ceiling. */
  loadGenerator: number;
  /** Everything else the kernel counted as busy (MinIO, the kernel, other work on the machine). */
  other: number;
  /** CPU time nobody used: all cores' idle time over the run. */
  idle: number;
}

const CLK_TCK_MS = 10; // /proc counts in clock ticks of 1/100 s

function machineTicks(): { busy: number; idle: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0]!;
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return { busy: user! + nice! + system! + irq! + softirq! + steal!, idle: idle! + iowait! };
}

function postgresTicks(): Map<number, number> {
  const out = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      if (comm !== "postgres") continue;
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out.set(Number(entry), Number(fields[11]) + Number(fields[12]));
    } catch {
      // the process ended between the listing and the read
    }
  }
  return out;
}

/**
 * Starts counting CPU time by who used it (see CpuBudget); `stop(requests)` divides by the run's
 * successful requests. PostgreSQL backends that exit during the run lose what they used, so runs
 * use pooled connections.
 */
export function cpuBudget(serverPids: number[], serverCpuMs: (pid: number) => number) {
  const m0 = machineTicks();
  const pg0 = postgresTicks();
  const self0 = process.cpuUsage();
  const server0 = serverPids.reduce((n, pid) => n + serverCpuMs(pid), 0);
  return {
    stop(requests: number): CpuBudget | undefined {
      if (requests <= 0) return undefined;
      const m1 = machineTicks();
      let pgTicks = 0;
      for (const [pid, ticks] of postgresTicks()) pgTicks += ticks - (pg0.get(pid) ?? 0);
      const self = process.cpuUsage(self0);
      const server = serverPids.reduce((n, pid) => n + serverCpuMs(pid), 0) - server0;
      const postgres = pgTicks * CLK_TCK_MS;
      const loadGenerator = (self.user + self.system) / 1000;
      const busy = (m1.busy - m0.busy) * CLK_TCK_MS;
      const per = (ms: number) => Math.round((ms / requests) * 1000) / 1000;
      return {
        server: per(server),
        postgres: per(postgres),
        loadGenerator: per(loadGenerator),
        other: per(Math.max(0, busy - server - postgres - loadGenerator)),
        idle: per((m1.idle - m0.idle) * CLK_TCK_MS),
      };
    },
  };
}
