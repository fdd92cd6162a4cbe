// What PostgreSQL's (and the drivers') errors mean, in one place: the services ask "which unique
// constraint did this hit?", the API edge asks "is the database unreachable?" and "did it refuse
// a value?". Errors arrive wrapped (drizzle's DrizzleQueryError, AggregateError of a pool), so
// every question walks the cause chain.

type Coded = { code?: string; errno?: string; constraint_name?: string; constraint?: string; cause?: unknown };

/** The error and its causes, at most `depth` deep. */
function* chain(error: unknown, depth = 5): Generator<Coded> {
  for (let e = error as Coded | undefined, i = 0; e && i < depth; e = e.cause as Coded | undefined, i++) yield e;
}

/**
 * The database cannot be reached right now: retryable, the statement that failed committed
 * nothing. Code that notices an outage itself throws it; `isDatabaseUnreachable` recognises it and
 * the drivers' own errors alike.
 */
export class DatabaseUnavailableError extends Error {
  override readonly name = "DatabaseUnavailableError";
}

// postgres.js and node error codes that mean "the database cannot be reached right now".
const UNREACHABLE = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "EPIPE",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "57P01", // admin_shutdown
  "57P03", // cannot_connect_now
]);

// Class 08 is "connection exception", except 08P01 (protocol_violation): PGlite answers that to a
// statement it cannot take (e.g. over 65535 bind parameters), with the database perfectly up.
const connectionException = (code: string) => /^08/.test(code) && code !== "08P01";

/** postgres.js, PGlite or node saying the database cannot be reached right now. */
export function isDatabaseUnreachable(error: unknown): boolean {
  for (const e of chain(error)) {
    if (e instanceof DatabaseUnavailableError) return true;
    if (UNREACHABLE.has(e.code ?? "") || UNREACHABLE.has(e.errno ?? "") || connectionException(e.code ?? ""))
      return true;
    const errors = (e as { errors?: unknown[] }).errors;
    if (Array.isArray(errors) && errors.some(isDatabaseUnreachable)) return true;
  }
  return false;
}

/** The constraint a unique violation (23505) hit, "" when the driver does not say; undefined otherwise. */
export function uniqueViolation(error: unknown): string | undefined {
  for (const e of chain(error, 10)) {
    if (e.code === "23505") return e.constraint_name ?? e.constraint ?? "";
  }
  return undefined;
}

/** Whether `error` is a unique violation (of `constraint`, when given). */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const hit = uniqueViolation(error);
  return hit !== undefined && (constraint === undefined || hit === constraint);
}

// PostgreSQL's "this value does not fit" (invalid text representation, numeric or datetime out of
// range, string too long).
const VALUE_REFUSED = new Set(["22P02", "22003", "22007", "22008", "22021", "22001"]);

/** PostgreSQL refused a value (a client value that reached SQL unchecked). */
export function isValueRefused(error: unknown): boolean {
  for (const e of chain(error)) if (VALUE_REFUSED.has(e.code ?? "")) return true;
  return false;
}
