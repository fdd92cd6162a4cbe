import { ParleyError, createClient, isParleyError, type ParleyClient } from "@parley/client";

/**
 * Who is signed in in this tab. `dev`: a development token from POST /auth/dev-token (asked for
 * again when it expires); `token`: a token the person pasted (when it expires they sign in again).
 */
export interface Session {
  identity: string;
  token: string;
  kind: "dev" | "token";
}

// Per tab (sessionStorage): two windows can be two identities, as when testing a conversation.
const STORAGE_KEY = "parley.session";
// Remembered across tabs only to prefill the sign-in form.
const LAST_IDENTITY_KEY = "parley.lastIdentity";

export function loadSession(storage: Storage = sessionStorage): Session | null {
  try {
    const raw = storage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const value = JSON.parse(raw) as Partial<Session>;
    if (
      typeof value.identity === "string" &&
      typeof value.token === "string" &&
      (value.kind === "dev" || value.kind === "token")
    ) {
      return { identity: value.identity, token: value.token, kind: value.kind };
    }
  } catch {
    // A damaged entry is the same as none.
  }
  return null;
}

export function saveSession(session: Session | null, storage: Storage = sessionStorage): void {
  if (session) {
    storage.setItem(STORAGE_KEY, JSON.stringify(session));
    try {
      localStorage.setItem(LAST_IDENTITY_KEY, session.identity);
    } catch {
      // Private mode without storage: prefilling is a nicety.
    }
  } else {
    storage.removeItem(STORAGE_KEY);
  }
}

export function lastIdentity(): string {
  try {
    return localStorage.getItem(LAST_IDENTITY_KEY) ?? "";
  } catch {
    return "";
  }
}

/** Asks a development server for a token for `identity`. */
export async function requestDevToken(
  apiBaseUrl: string,
  identity: string,
  fetchImpl: typeof fetch = fetch,
): Promise<string> {
  let response: Response;
  try {
    response = await fetchImpl(`${apiBaseUrl}/auth/dev-token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ identity }),
    });
  } catch (error) {
    throw new ParleyError("NETWORK_ERROR", `Could not reach Parley at ${apiBaseUrl}. Is the API running?`, {
      cause: error,
    });
  }
  if (response.status === 404) {
    throw new ParleyError(
      "NOT_FOUND",
      "This server does not hand out development tokens (AUTH_DEV_TOKENS is off). Paste a token instead: `pnpm --silent token <identity>` prints one.",
      { status: 404 },
    );
  }
  const json = (await response.json().catch(() => null)) as { token?: unknown; errors?: { message?: string }[] } | null;
  if (!response.ok || typeof json?.token !== "string") {
    throw new ParleyError(
      "BAD_USER_INPUT",
      json?.errors?.[0]?.message ?? `The server refused the sign-in (HTTP ${response.status}).`,
      {
        status: response.status,
      },
    );
  }
  return json.token;
}

/** The client for a session: dev sessions get a new token by themselves when the old one expires. */
export function clientFor(apiBaseUrl: string, session: Session): ParleyClient {
  return createClient({
    url: apiBaseUrl,
    token: session.token,
    getToken: session.kind === "dev" ? () => requestDevToken(apiBaseUrl, session.identity) : undefined,
    // Live events come back within seconds of the server (the SDK's default waits up to 30 s).
    reconnect: { maxDelayMs: 5_000 },
  });
}

/** Checks a pasted token by asking who it belongs to. */
export async function identityOfToken(apiBaseUrl: string, token: string): Promise<string> {
  const client = createClient({ url: apiBaseUrl, token });
  return (await client.getViewer()).identity;
}

/**
 * No answer from Parley itself: the network is down, or a proxy in front says the API is away
 * (502/504, or a 503 that is not the API's own GraphQL answer).
 */
export function isUnreachable(error: unknown): boolean {
  if (!(error instanceof ParleyError)) return false;
  if (error.code === "NETWORK_ERROR") return true;
  const status = error.httpStatus ?? error.status ?? 0;
  return status === 502 || status === 504 || (status === 503 && error.code !== "STORAGE_UNAVAILABLE");
}

/** Failures that pass by themselves: worth trying again without asking the person. */
export function isTransient(error: unknown): boolean {
  return isUnreachable(error) || isParleyError(error, "STORAGE_UNAVAILABLE") || isParleyError(error, "RATE_LIMITED");
}

/**
 * Sentences for errors shown to people. `retrying`: the caller tries again by itself, so the
 * sentence says so instead of asking for something. Never the HTTP detail of a proxy's page.
 */
export function describeError(error: unknown, options: { retrying?: boolean } = {}): string {
  if (isUnreachable(error))
    return options.retrying ? "Parley is unreachable; retrying…" : "Parley is unreachable. Check your connection.";
  if (options.retrying && isParleyError(error, "STORAGE_UNAVAILABLE"))
    return "Parley's storage is unavailable; retrying…";
  if (options.retrying && isParleyError(error, "RATE_LIMITED")) return "Parley is busy; retrying…";
  if (error instanceof ParleyError) {
    switch (error.code) {
      case "UNAUTHENTICATED":
        return "Your session has expired. Sign in again.";
      case "FORBIDDEN":
        return "You are not a participant of this conversation.";
      default:
        return error.message;
    }
  }
  if (error instanceof Error) return error.message;
  return "Something went wrong.";
}
