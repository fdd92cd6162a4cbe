import { randomBytes } from "node:crypto";
import type { BenchEnvironment } from "./environment.ts";
import type { Progress } from "./progress.ts";
import type { ServerProcess } from "./server-process.ts";

export interface BenchSettings {
  /** Repetitions of every figure; the report shows their median, min and max. */
  runs: number;
  /** Seconds of each fixed-duration load run. */
  loadSeconds: number;
  /** Seconds of the warm-up before the measured runs of a load scenario. */
  warmupSeconds: number;
  /** Bytes of each file in the 3-file upload (the single-file upload carries 3× this). */
  uploadFileBytes: number;
  /** Seconds of each presigning run. */
  presignSeconds: number;
}

export const FULL: BenchSettings = {
  runs: 3,
  loadSeconds: 5,
  warmupSeconds: 2,
  uploadFileBytes: 50 * 1024 * 1024,
  presignSeconds: 2,
};

/** `--quick`: one short run of everything, to check the bench itself works (figures not comparable). */
export const QUICK: BenchSettings = {
  runs: 1,
  loadSeconds: 1.5,
  warmupSeconds: 0.5,
  uploadFileBytes: 8 * 1024 * 1024,
  presignSeconds: 0.5,
};

export interface BenchContext {
  env: BenchEnvironment;
  /** The API server the load scenarios share (a separate process). */
  api: ServerProcess;
  settings: BenchSettings;
  progress: Progress;
}

/** UUIDv7, as the server makes them (new rows land at the end of their indexes). */
export function uuidv7(): string {
  const b = randomBytes(16);
  const ms = Date.now();
  b.writeUIntBE(ms, 0, 6);
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const fmt = (x: number, digits = 0) =>
  x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
