/** The contract's error codes, plus NETWORK_ERROR when no answer came back from the server. */
export type ParleyErrorCode =
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "BAD_USER_INPUT"
  | "PAYLOAD_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "STORAGE_UNAVAILABLE"
  | "RATE_LIMITED"
  | "INTERNAL_SERVER_ERROR"
  | "NETWORK_ERROR";

const KNOWN_CODES = new Set<string>([
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "BAD_USER_INPUT",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "STORAGE_UNAVAILABLE",
  "RATE_LIMITED",
  "INTERNAL_SERVER_ERROR",
  "NETWORK_ERROR",
]);

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
  /** HTTP status of the answer; null when no request was sent or no answer arrived. */
  readonly status: number | null;
  /** All GraphQL errors of the answer (the first one gave code and message). */
  readonly errors: readonly GraphQLErrorEntry[];

  constructor(
    code: ParleyErrorCode,
    message: string,
    options: { status?: number | null; errors?: readonly GraphQLErrorEntry[]; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status ?? null;
    this.errors = options.errors ?? [];
  }
}

export const isParleyError = (error: unknown, code?: ParleyErrorCode): error is ParleyError =>
  error instanceof ParleyError && (code === undefined || error.code === code);

/** The code an HTTP status stands for when the body says nothing more precise. */
export function codeForStatus(status: number): ParleyErrorCode {
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
export function errorFromGraphQL(errors: readonly GraphQLErrorEntry[], status: number | null): ParleyError {
  const first = errors[0];
  const raw = first?.extensions?.code;
  const code =
    typeof raw === "string" && KNOWN_CODES.has(raw)
      ? (raw as ParleyErrorCode)
      : codeForStatus(status !== null && status >= 400 ? status : 500);
  return new ParleyError(code, first?.message ?? "Parley answered with an error.", { status, errors });
}

/**
 * Turns an HTTP answer (status + body text) into the operation's data, or throws the ParleyError
 * it describes. Shared by the fetch and XMLHttpRequest transports.
 */
export function parseGraphQLAnswer<T>(status: number, text: string): T {
  let json: { data?: T | null; errors?: GraphQLErrorEntry[] } | undefined;
  try {
    json = JSON.parse(text) as typeof json;
  } catch {
    json = undefined;
  }
  if (!json || typeof json !== "object") {
    throw new ParleyError(
      codeForStatus(status >= 400 ? status : 500),
      `Parley answered HTTP ${status} with a body that is not GraphQL JSON: ${text.slice(0, 200)}`,
      {
        status,
      },
    );
  }
  if (json.errors?.length) throw errorFromGraphQL(json.errors, status);
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
