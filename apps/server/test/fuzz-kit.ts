// Shared by the property-based fuzz suites (fuzz.test.ts, fuzz-limits.test.ts): the fixed seed, run
// counts, the contract's answer to hostile input, and fast-check's runner with readable failures.
//
// Reproduce a failure with the seed it prints: PARLEY_FUZZ_SEED=<seed> npx vitest run test/<file>.
// Longer local runs: PARLEY_FUZZ_RUNS=<factor> multiplies every property's run count (default 1,
// sized so each file stays under a minute on a shared 2-core machine).
import fc from "fast-check";
import { expect } from "vitest";
import { HTTP_STATUS } from "../src/errors.ts";
import type { RawResponse } from "./raw-http.ts";

export const SEED = Number(process.env.PARLEY_FUZZ_SEED ?? 20_260_808);
const FACTOR = Number(process.env.PARLEY_FUZZ_RUNS ?? 1);
if (!(FACTOR > 0)) throw new Error(`PARLEY_FUZZ_RUNS must be a positive number, not ${process.env.PARLEY_FUZZ_RUNS}`);

/** Run counts for CI, times PARLEY_FUZZ_RUNS. */
export function scaledRuns<T extends Record<string, number>>(runs: T): T {
  return Object.fromEntries(Object.entries(runs).map(([k, n]) => [k, Math.max(1, Math.round(n * FACTOR))])) as T;
}

/** Contract codes a malformed request may get (INTERNAL_SERVER_ERROR is deliberately absent). */
export const ACCEPTABLE = new Set(Object.keys(HTTP_STATUS).filter((code) => code !== "INTERNAL_SERVER_ERROR"));

export function describeAnswer(res: RawResponse | null) {
  return res ? `${res.status} ${res.body.subarray(0, 400).toString()}` : "no answer";
}

/**
 * The contract's answer to a malformed request: JSON; a 4xx carries the GraphQL error shape; every
 * error has an acceptable contract code; a mutation never succeeds.
 */
export function expectContractAnswer(res: RawResponse | null, options: { mutation: boolean; label: string }) {
  const where = `${options.label} -> ${describeAnswer(res)}`;
  expect(res, `no answer: ${where}`).not.toBeNull();
  const { status, json: body, headers } = res!;
  expect(headers["content-type"] ?? "", `not JSON: ${where}`).toMatch(/^application\/(graphql-response\+)?json/);
  expect(body, `unparseable JSON: ${where}`).toBeTypeOf("object");
  expect(status === 200 || (status >= 400 && status < 500), `status: ${where}`).toBe(true);
  const errors = (body as { errors?: { message?: unknown; extensions?: { code?: unknown } }[] }).errors;
  if (status >= 400 || options.mutation) expect(errors?.length ?? 0, `expected errors: ${where}`).toBeGreaterThan(0);
  for (const e of errors ?? []) {
    expect(typeof e.message === "string" && e.message.length > 0, `error without message: ${where}`).toBe(true);
    expect(ACCEPTABLE.has(String(e.extensions?.code)), `code ${String(e.extensions?.code)}: ${where}`).toBe(true);
  }
}

export const codeOfAnswer = (res: RawResponse | null) =>
  (res?.json as { errors?: { extensions?: { code?: string } }[] } | undefined)?.errors?.[0]?.extensions?.code;

/**
 * Runs a property with the fixed seed; a failure names the seed to replay it with.
 * PARLEY_FUZZ_COLLECT=1 keeps going after failures and lists every distinct one (for triage).
 */
export async function check<T>(
  name: string,
  arb: fc.Arbitrary<T>,
  runs: number,
  predicate: (value: T) => Promise<void>,
  /** Cases that always run first (fast-check's examples), e.g. each field exactly at its limit. */
  examples: T[] = [],
) {
  const seed = SEED + [...name].reduce((a, c) => a + c.charCodeAt(0), 0);
  const collected = new Map<string, string>();
  const run = process.env.PARLEY_FUZZ_COLLECT
    ? async (value: T) => {
        try {
          await predicate(value);
        } catch (error) {
          const message = error instanceof Error ? error.message : (JSON.stringify(error) ?? String(error));
          collected.set(message.replace(/\d+/g, "#").slice(0, 160), message.slice(0, 600));
        }
      }
    : predicate;
  try {
    await fc.assert(fc.asyncProperty(arb, run), {
      seed,
      numRuns: runs,
      endOnFailure: true,
      examples: examples.map((e) => [e] as [T]),
    });
  } catch (error) {
    console.error(`fuzz "${name}" failed with seed ${seed} (PARLEY_FUZZ_SEED=${SEED})`);
    throw error;
  }
  if (collected.size > 0)
    throw new Error(`fuzz "${name}" (seed ${seed}) failed:\n${[...collected.values()].join("\n")}`);
}

/** Gives a generated case a short printable form for fast-check's counterexample report. */
export function labelled<T extends object>(value: T, label: string): T & { label: string } {
  return Object.assign(value, { label, [fc.toStringMethod]: () => label });
}

// ---------------------------------------------------------------------------------------------
// Multipart bodies, built byte by byte.

export const CRLF = "\r\n";

export interface Part {
  name: string;
  value: Buffer | string;
  filename?: string;
  type?: string;
  /** Replaces the whole part head (for malformed heads). */
  rawHead?: string;
}

export function multipart(boundary: string, parts: Part[], closing = true): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    let head =
      p.rawHead ??
      `Content-Disposition: form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ""}`;
    if (p.type && p.rawHead === undefined) head += `${CRLF}Content-Type: ${p.type}`;
    chunks.push(Buffer.from(`--${boundary}${CRLF}${head}${CRLF}${CRLF}`), Buffer.from(p.value), Buffer.from(CRLF));
  }
  if (closing) chunks.push(Buffer.from(`--${boundary}--${CRLF}`));
  return Buffer.concat(chunks);
}

// ---------------------------------------------------------------------------------------------
// Values at the contract's limits.

export const BODY_MAX = 32_768;
export const ATTRIBUTES_MAX = 16_384;

export const jsonBytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v), "utf8");

/** A JSON object of exactly `bytes` UTF-8 bytes of JSON, its one value filled with `fill`. */
export function attributesOf(key: string, fill: string, bytes: number): Record<string, string> {
  const room = bytes - jsonBytes({ [key]: "" });
  const each = jsonBytes(fill) - 2;
  let value = fill.repeat(Math.max(0, Math.floor(room / each)));
  value += "a".repeat(room - (jsonBytes(value) - 2));
  const out = { [key]: value };
  if (jsonBytes(out) !== bytes) throw new Error(`attributesOf: built ${jsonBytes(out)} bytes, wanted ${bytes}`);
  return out;
}

/** A GraphQL answer as the fuzz suites read it. */
export interface Gql {
  status: number;
  json: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] };
}
