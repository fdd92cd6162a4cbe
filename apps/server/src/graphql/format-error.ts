import type { GraphQLFormattedError } from "graphql";
import { unwrapResolverError } from "@apollo/server/errors";
import type { Logger } from "pino";
import { StorageUnavailableError } from "@parley/storage";
import { HTTP_STATUS, type ErrorCode } from "../errors.ts";

// Apollo's own codes for requests GraphQL could not run, mapped onto the contract's codes.
const AS_BAD_INPUT = new Set([
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_REQUEST",
  "BAD_USER_INPUT",
  "OPERATION_RESOLUTION_FAILURE",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
]);
const CONTRACT = new Set(Object.keys(HTTP_STATUS) as ErrorCode[]);

// postgres.js and node error codes that mean "the database cannot be reached right now".
const DB_UNREACHABLE = new Set([
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

function databaseUnreachable(error: unknown): boolean {
  for (
    let e = error as { code?: string; errno?: string; cause?: unknown } | undefined, depth = 0;
    e && depth < 5;
    e = e.cause as typeof e, depth++
  ) {
    if (DB_UNREACHABLE.has(e.code ?? "") || DB_UNREACHABLE.has(e.errno ?? "") || connectionException(e.code ?? ""))
      return true;
    const errors = (e as { errors?: unknown[] }).errors;
    if (Array.isArray(errors) && errors.some(databaseUnreachable)) return true;
  }
  return false;
}

// PostgreSQL's "this value does not fit" (invalid text representation, numeric or datetime out of
// range). Services check client values before SQL; this backstop keeps one they missed a client error.
const VALUE_REFUSED = new Set(["22P02", "22003", "22007", "22008", "22021", "22001"]);

function valueRefusedByDatabase(error: unknown): boolean {
  for (let e = error as { code?: string; cause?: unknown } | undefined, depth = 0; e && depth < 5; depth++) {
    if (VALUE_REFUSED.has(e.code ?? "")) return true;
    e = e.cause as typeof e;
  }
  return false;
}

/**
 * "Did you mean …?" names types, fields and enum values of the schema. graphql-armor masks only the
 * field form (`Did you mean "x"?`), not enum values (`Did you mean the enum value "MEDIA"?`) nor the
 * variable-coercion errors Apollo raises before validation; with introspection off none may leak.
 */
export const withoutSchemaSuggestions = (message: string): string =>
  message.replace(/\s*Did you mean [^?]*\?/g, "").replace(/\s*\[Suggestion hidden\]/g, "");

/** Every error leaves with a contract code; unexpected ones are logged and never leak internals. */
export function formatError(logger: Logger, options: { schemaSuggestions?: boolean } = {}) {
  const suggestions = options.schemaSuggestions ?? true;
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    if (!suggestions) formatted = { ...formatted, message: withoutSchemaSuggestions(formatted.message) };
    const code = String(formatted.extensions?.code ?? "INTERNAL_SERVER_ERROR");
    if (AS_BAD_INPUT.has(code)) {
      return { ...formatted, extensions: { ...formatted.extensions, code: "BAD_USER_INPUT" } };
    }
    if (CONTRACT.has(code as ErrorCode) && code !== "INTERNAL_SERVER_ERROR") {
      // Apollo prefixes errors thrown while building the context; the reason alone reads better.
      return { ...formatted, message: formatted.message.replace(/^Context creation failed: /, "") };
    }
    const original = unwrapResolverError(error);
    // Replaces the message: internals never reach the client, the code says what to do.
    const as = (code: ErrorCode, message: string): GraphQLFormattedError => ({
      message,
      path: formatted.path,
      locations: formatted.locations,
      extensions: { code },
    });
    if (original instanceof StorageUnavailableError) {
      return as("STORAGE_UNAVAILABLE", "Media storage is unavailable right now; try again shortly.");
    }
    if (databaseUnreachable(original)) {
      logger.warn({ err: original, path: formatted.path }, "database unreachable");
      return as(
        "STORAGE_UNAVAILABLE",
        "The database is unavailable right now; nothing was changed. Try again shortly.",
      );
    }
    if (valueRefusedByDatabase(original)) {
      logger.warn({ err: original, path: formatted.path }, "a client value reached the database unchecked");
      return as(
        "BAD_USER_INPUT",
        "A value in the request is malformed or out of range; check ids, cursors and numbers.",
      );
    }
    logger.error({ err: original, path: formatted.path }, "unexpected error");
    return as("INTERNAL_SERVER_ERROR", "Internal server error; the server logged the details.");
  };
}
