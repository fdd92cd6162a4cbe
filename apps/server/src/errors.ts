import { GraphQLError } from "graphql";
import type { ErrorCode } from "./generated/resolvers-types.ts";

/** The contract's error codes: `enum ErrorCode` of the SDL (docs/design.md, "Errors"). */
export type { ErrorCode };

/** Every code with its HTTP status (a code missing here fails to compile). */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_USER_INPUT: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  STORAGE_UNAVAILABLE: 503,
  RATE_LIMITED: 429,
  INTERNAL_SERVER_ERROR: 500,
};

/**
 * A failure with a contract code and a message a person can act on, answered as a GraphQL error.
 * (Not the SDK's public `ParleyError`, which is what a client sees of it.)
 */
export class ApiError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extra: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...extra } });
  }
  get code(): ErrorCode {
    return this.extensions.code as ErrorCode;
  }
}

export const badInput = (message: string, extra?: Record<string, unknown>) =>
  new ApiError("BAD_USER_INPUT", message, extra);
export const notFound = (what: string, id: string) => new ApiError("NOT_FOUND", `${what} ${id} does not exist.`);
export const forbidden = (message: string) => new ApiError("FORBIDDEN", message);
export const tooLarge = (message: string) => new ApiError("PAYLOAD_TOO_LARGE", message);

/** The JSON body for errors raised before GraphQL runs. */
export function errorBody(code: ErrorCode, message: string) {
  return { errors: [{ message, extensions: { code } }] };
}
