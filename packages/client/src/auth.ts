import { ParleyError } from "./errors.ts";

/** Where the SDK gets bearer tokens: a fixed token, or a callback asked again when one is refused. */
export type TokenProvider = () => string | Promise<string>;

/** How long a getToken() call may take before the SDK gives up on it (and asks again next time). */
export const DEFAULT_TOKEN_TIMEOUT_MS = 10_000;

export class TokenSource {
  // Private fields: a token must never show up when an SDK object is logged or serialised.
  #token: string | undefined;
  #pending: Promise<string> | undefined;
  readonly #getToken: TokenProvider | undefined;
  readonly #timeoutMs: number;

  constructor(fixed: string | undefined, getToken: TokenProvider | undefined, timeoutMs = DEFAULT_TOKEN_TIMEOUT_MS) {
    this.#token = fixed;
    this.#getToken = getToken;
    this.#timeoutMs = timeoutMs;
  }

  /** True when a refused token can be replaced by asking getToken again. */
  get canRefresh(): boolean {
    return this.#getToken !== undefined;
  }

  async current(): Promise<string> {
    if (this.#token !== undefined) return this.#token;
    return this.#fetchToken();
  }

  /**
   * A new token to replace `stale`. Concurrent requests refused with the same token share one
   * getToken call; a request that still holds an older token gets the one already fetched.
   */
  async refresh(stale: string): Promise<string> {
    if (this.#token !== undefined && this.#token !== stale) return this.#token;
    this.#token = undefined;
    return this.#fetchToken();
  }

  #fetchToken(): Promise<string> {
    if (!this.#getToken) throw new Error("unreachable: a TokenSource has a token or getToken");
    const getToken = this.#getToken;
    if (this.#pending) return this.#pending;
    // A getToken that never settles (a hung request to your backend) fails after the timeout, so
    // every caller gets an answer and the next one asks again.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new ParleyError(
              "NETWORK_ERROR",
              `getToken() did not answer within ${(this.#timeoutMs / 1000).toFixed(1)} s.`,
            ),
          ),
        this.#timeoutMs,
      );
    });
    const pending = (async () => {
      try {
        const token = await Promise.race([Promise.resolve().then(getToken), timeout]);
        if (typeof token !== "string" || token.length === 0)
          throw new TypeError("getToken() must resolve to a non-empty string.");
        this.#token = token;
        return token;
      } finally {
        clearTimeout(timer);
      }
    })();
    this.#pending = pending;
    // Registered before any caller's reaction: by the time a caller sees the outcome, it is forgotten.
    pending.then(
      () => this.#forget(pending),
      () => this.#forget(pending),
    );
    return pending;
  }

  #forget(pending: Promise<string>): void {
    if (this.#pending === pending) this.#pending = undefined;
  }
}

/**
 * Seconds until a JWT's `exp`, or null when the token is not a JWT with an expiry. Used only to
 * refresh before an upload that could not be replayed after a refusal; the server decides.
 */
export function secondsUntilExpiry(token: string, nowMs: number): number | null {
  const payload = token.split(".")[1];
  if (!payload) return null;
  try {
    const base64 = payload
      .replace(/-/g, "+")
      .replace(/_/g, "/")
      .padEnd(Math.ceil(payload.length / 4) * 4, "=");
    const binary = atob(base64);
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    const claims = JSON.parse(new TextDecoder().decode(bytes)) as { exp?: unknown };
    return typeof claims.exp === "number" ? claims.exp - nowMs / 1000 : null;
  } catch {
    return null;
  }
}
