import { execFileSync } from "node:child_process";
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
