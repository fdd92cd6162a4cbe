import { ErrorCode } from "./generated/enums.ts";

/** The contract's error codes (the schema's `enum ErrorCode`), plus NETWORK_ERROR when no answer came back. */
export type ParleyErrorCode = ErrorCode | "NETWORK_ERROR";

/** The HTTP status each code stands for (what a REST API would have answered). */
const STATUS: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_USER_INPUT: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  STORAGE_UNAVAILABLE: 503,
  INTERNAL_SERVER_ERROR: 500,
};

const KNOWN_CODES = new Set<string>([...Object.values(ErrorCode), "NETWORK_ERROR"]);

/** One GraphQL error as the server sent it. */
export interface GraphQLErrorEntry {
  message: string;
  path?: readonly (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

/**
 * Every failure the SDK reports, whether the server refused a request (status is the HTTP
 * status) or the SDK refused it before sending anything (status is null). Aborts are not
 * ParleyErrors: they reject with the signal's AbortError, like fetch does.
 */
export class ParleyError extends Error {
  override readonly name = "ParleyError";
  readonly code: ParleyErrorCode;
  /**
   * The HTTP status this failure stands for: the answer's own status when it was an HTTP error
   * (4xx/5xx), else the code's (GraphQL answers executed operations with 200 even when they
   * fail: NOT_FOUND is 404 here, RATE_LIMITED 429). Null when no request was sent or no answer
   * arrived (NETWORK_ERROR), or over the WebSocket.
   */
  readonly status: number | null;
  /** The status line of the HTTP answer as received (200 for an executed operation); null without one. */
  readonly httpStatus: number | null;
  /** RATE_LIMITED: seconds to wait before trying again (the server's Retry-After); null otherwise. */
  readonly retryAfterSeconds: number | null;
  /** All GraphQL errors of the answer (the first one gave code and message). */
  readonly errors: readonly GraphQLErrorEntry[];

  constructor(
    code: ParleyErrorCode,
    message: string,
    options: {
      status?: number | null;
      httpStatus?: number | null;
      retryAfterSeconds?: number | null;
      errors?: readonly GraphQLErrorEntry[];
      cause?: unknown;
    } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status ?? null;
    this.httpStatus = options.httpStatus === undefined ? this.status : options.httpStatus;
    this.retryAfterSeconds = options.retryAfterSeconds ?? null;
    this.errors = options.errors ?? [];
  }
}

export const isParleyError = (error: unknown, code?: ParleyErrorCode): error is ParleyError =>
  error instanceof ParleyError && (code === undefined || error.code === code);

/** The code an HTTP status stands for when the body says nothing more precise. */
export function codeForStatus(status: number): ErrorCode {
  if (status === 401) return "UNAUTHENTICATED";
  if (status === 403) return "FORBIDDEN";
  if (status === 404) return "NOT_FOUND";
  if (status === 413) return "PAYLOAD_TOO_LARGE";
  if (status === 415) return "UNSUPPORTED_MEDIA_TYPE";
  if (status === 429) return "RATE_LIMITED";
  if (status === 503) return "STORAGE_UNAVAILABLE";
  if (status >= 400 && status < 500) return "BAD_USER_INPUT";
  return "INTERNAL_SERVER_ERROR";
}

/**
 * The ParleyError for GraphQL errors (over HTTP, or over the WebSocket where status is null):
 * code and message from the first, all of them in `errors`.
 */
export function errorFromGraphQL(
  errors: readonly GraphQLErrorEntry[],
  httpStatus: number | null,
  retryAfterHeader: string | null = null,
): ParleyError {
  const first = errors[0];
  const raw = first?.extensions?.code;
  const failed = httpStatus !== null && httpStatus >= 400;
  const code =
    typeof raw === "string" && KNOWN_CODES.has(raw)
      ? (raw as ParleyErrorCode)
      : codeForStatus(failed ? httpStatus : 500);
  const status = failed ? httpStatus : httpStatus === null || code === "NETWORK_ERROR" ? null : STATUS[code];
  return new ParleyError(code, first?.message ?? "Parley answered with an error.", {
    status,
    httpStatus,
    retryAfterSeconds: code === "RATE_LIMITED" ? retryAfter(first, retryAfterHeader) : null,
    errors,
  });
}

function retryAfter(error: GraphQLErrorEntry | undefined, header: string | null): number | null {
  const typed = error?.extensions?.retryAfterSeconds;
  if (typeof typed === "number" && Number.isFinite(typed) && typed >= 0) return typed;
  const seconds = header === null ? NaN : Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}

/**
 * Turns an HTTP answer (status + body text) into the operation's data, or throws the ParleyError
 * it describes. Shared by the fetch and XMLHttpRequest transports.
 */
export function parseGraphQLAnswer<T>(status: number, text: string, retryAfterHeader: string | null = null): T {
  let json: { data?: T | null; errors?: GraphQLErrorEntry[] } | undefined;
  try {
    json = JSON.parse(text) as typeof json;
  } catch {
    json = undefined;
  }
  if (!json || typeof json !== "object") {
    // E.g. a proxy's own 429/502 page: the status still says what happened.
    const code = codeForStatus(status >= 400 ? status : 500);
    throw new ParleyError(
      code,
      `Parley answered HTTP ${status} with a body that is not GraphQL JSON: ${text.slice(0, 200)}`,
      { status, retryAfterSeconds: code === "RATE_LIMITED" ? retryAfter(undefined, retryAfterHeader) : null },
    );
  }
  if (json.errors?.length) throw errorFromGraphQL(json.errors, status, retryAfterHeader);
  if (status >= 400 || json.data == null) {
    throw new ParleyError(
      codeForStatus(status >= 400 ? status : 500),
      `Parley answered HTTP ${status} without data or errors.`,
      { status },
    );
  }
  return json.data;
}

/** The rejection for an aborted operation: the signal's reason when it is an Error, else an AbortError. */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  return new DOMException("The operation was aborted.", "AbortError");
}

export const isAbortError = (error: unknown): boolean =>
  error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError");
