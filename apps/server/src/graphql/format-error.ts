import type { GraphQLFormattedError } from "graphql";
import { unwrapResolverError } from "@apollo/server/errors";
import type { Logger } from "pino";
import { isDatabaseUnreachable, isValueRefused } from "@parley/db";
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
    if (isDatabaseUnreachable(original)) {
      logger.warn({ err: original, path: formatted.path }, "database unreachable");
      return as(
        "STORAGE_UNAVAILABLE",
        "The database is unavailable right now; nothing was changed. Try again shortly.",
      );
    }
    if (isValueRefused(original)) {
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
