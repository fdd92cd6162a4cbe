import { ParleyError } from "../errors.ts";

const WINDOW_MS = 60_000;

interface Window {
  start: number;
  used: number;
}

/**
 * Fixed one-minute windows per identity, in this process's memory: cheap (no SQL on the send path)
 * but per instance, so N instances allow N times the limit. A global limit belongs in front of the
 * API (gateway) or in a shared store; see docs/security.md.
 */
export class RateLimiter {
  private readonly windows = new Map<string, Window>();
  private sweeps = 0;

  constructor(
    private readonly limit: number,
    private readonly what: string,
    private readonly now: () => number = Date.now,
  ) {}

  private window(identity: string): Window {
    const now = this.now();
    if (++this.sweeps % 1000 === 0) {
      for (const [k, w] of this.windows) if (now - w.start >= WINDOW_MS) this.windows.delete(k);
    }
    let w = this.windows.get(identity);
    if (!w || now - w.start >= WINDOW_MS) {
      w = { start: now, used: 0 };
      this.windows.set(identity, w);
    }
    return w;
  }

  /** Throws RATE_LIMITED (with retryAfterSeconds) when nothing is left in the identity's window. */
  check(identity: string): void {
    if (this.limit === 0) return;
    const w = this.window(identity);
    if (w.used >= this.limit) {
      const retryAfterSeconds = Math.max(1, Math.ceil((w.start + WINDOW_MS - this.now()) / 1000));
      throw new ParleyError(
        "RATE_LIMITED",
        `Too many ${this.what}: at most ${this.limit} per minute. Retry after ${retryAfterSeconds} s.`,
        { retryAfterSeconds },
      );
    }
  }

  /** Checks, then spends `amount`. */
  take(identity: string, amount = 1): void {
    this.check(identity);
    this.charge(identity, amount);
  }

  /** Spends `amount` without checking (bytes are known only after the upload). */
  charge(identity: string, amount: number): void {
    if (this.limit === 0) return;
    this.window(identity).used += amount;
  }
}
