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

function databaseUnreachable(error: unknown): boolean {
  for (
    let e = error as { code?: string; errno?: string; cause?: unknown } | undefined, depth = 0;
    e && depth < 5;
    e = e.cause as typeof e, depth++
  ) {
    if (DB_UNREACHABLE.has(e.code ?? "") || DB_UNREACHABLE.has(e.errno ?? "") || /^08/.test(e.code ?? "")) return true;
    const errors = (e as { errors?: unknown[] }).errors;
    if (Array.isArray(errors) && errors.some(databaseUnreachable)) return true;
  }
  return false;
}

/** Every error leaves with a contract code; unexpected ones are logged and never leak internals. */
export function formatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
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
    logger.error({ err: original, path: formatted.path }, "unexpected error");
    return as("INTERNAL_SERVER_ERROR", "Internal server error; the server logged the details.");
  };
}
