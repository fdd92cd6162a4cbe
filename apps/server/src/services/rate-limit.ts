import { sql, type SQL } from "drizzle-orm";
import { rowsOf, type Database } from "@parley/db";
import { ApiError } from "../errors.ts";

// Rows untouched for this long belong to windows long over; deleted now and then.
const IDLE_ROWS_AFTER = "1 hour";
const CLEANUP_EVERY = 1000;

/**
 * Fixed one-minute windows per identity, counted in PostgreSQL (the rate_limits table), so every
 * instance shares one limit: N instances allow the limit once, not N times. Each decision is one
 * upsert that checks and spends atomically; concurrent requests on any instance cannot both take
 * the last unit. A limit of 0 turns the budget off (no SQL at all).
 */
export class RateLimiter {
  private decisions = 0;

  constructor(
    private readonly db: Database,
    private readonly limit: number,
    /** The budget: `id` keys its rows and labels its metric; `what` is said in the error ("Too many messages"). */
    private readonly budget: { id: string; what: string },
    private readonly onRefuse: (budgetId: string) => void = () => {},
  ) {}

  private get what() {
    return this.budget.what;
  }

  private key(identity: string) {
    return `${this.budget.id}:${identity}`; // the first ":" ends the budget's id
  }

  /** Throws RATE_LIMITED (with retryAfterSeconds) when nothing is left in the identity's window. */
  async check(identity: string): Promise<void> {
    if (this.limit === 0) return;
    const rows = await this.db.execute(sql`
      SELECT used FROM rate_limits
      WHERE key = ${this.key(identity)} AND window_start > now() - interval '1 minute'`);
    const used = Number(rowsOf<{ used: number | string }>(rows)[0]?.used ?? 0);
    if (used >= this.limit) await this.refused(identity);
  }

  /** Checks, then spends `amount`, in one statement. */
  async take(identity: string, amount = 1): Promise<void> {
    if (this.limit === 0) return;
    const rows = await this.db.execute(sql`
      INSERT INTO rate_limits AS r (key, window_start, used) VALUES (${this.key(identity)}, now(), ${amount})
      ON CONFLICT (key) DO UPDATE SET
        window_start = CASE WHEN r.window_start <= now() - interval '1 minute' THEN now() ELSE r.window_start END,
        used = CASE WHEN r.window_start <= now() - interval '1 minute' THEN ${amount} ELSE r.used + ${amount} END
      WHERE r.window_start <= now() - interval '1 minute' OR r.used < ${this.limit}
      RETURNING used`);
    this.tidy();
    if (rowsOf(rows).length === 0) await this.refused(identity);
  }

  /**
   * take()'s upsert as the body of a CTE in a statement of the caller's, spending only `when` the
   * caller's condition holds: it returns one row if the request may go on, none if it is refused
   * (then call refuse()). Null when the limit is off. This is how a text send checks membership,
   * spends its budget and inserts its message in one round trip.
   */
  spendWhen(identity: string, when: SQL, amount = 1): SQL | null {
    if (this.limit === 0) return null;
    return sql`
      insert into rate_limits as r (key, window_start, used) select ${this.key(identity)}, now(), ${amount} where ${when}
      on conflict (key) do update set
        window_start = case when r.window_start <= now() - interval '1 minute' then now() else r.window_start end,
        used = case when r.window_start <= now() - interval '1 minute' then ${amount} else r.used + ${amount} end
      where r.window_start <= now() - interval '1 minute' or r.used < ${this.limit}
      returning used`;
  }

  /**
   * spendWhen() for a statement written as SQL text (repositories' prepared statements): the upsert
   * with the key, amount and limit as the parameters `$k`, `$a`, `$l` named by the caller (their
   * values from `spendParams()`). The same statement as spendWhen()'s, one place for both.
   */
  static spendWhenText(when: string, k: string, a: string, l: string): string {
    return `
      insert into rate_limits as r (key, window_start, used) select ${k}::text, now(), ${a}::bigint where ${when}
      on conflict (key) do update set
        window_start = case when r.window_start <= now() - interval '1 minute' then now() else r.window_start end,
        used = case when r.window_start <= now() - interval '1 minute' then ${a}::bigint else r.used + ${a}::bigint end
      where r.window_start <= now() - interval '1 minute' or r.used < ${l}::bigint
      returning used`;
  }

  /** The values of spendWhenText()'s parameters (key, amount, limit); null when the limit is off. */
  spendParams(identity: string, amount = 1): [string, number, number] | null {
    return this.limit === 0 ? null : [this.key(identity), amount, this.limit];
  }

  /** Throws RATE_LIMITED for `identity` (after spendWhen() returned no row). */
  async refuse(identity: string): Promise<never> {
    return this.refused(identity);
  }

  /** Spends `amount` without checking (bytes are known only after the upload, or its failure). */
  async charge(identity: string, amount: number): Promise<void> {
    if (this.limit === 0 || amount <= 0) return;
    await this.db.execute(sql`
      INSERT INTO rate_limits AS r (key, window_start, used) VALUES (${this.key(identity)}, now(), ${amount})
      ON CONFLICT (key) DO UPDATE SET
        window_start = CASE WHEN r.window_start <= now() - interval '1 minute' THEN now() ELSE r.window_start END,
        used = CASE WHEN r.window_start <= now() - interval '1 minute' THEN ${amount} ELSE r.used + ${amount} END`);
    this.tidy();
  }

  private async refused(identity: string): Promise<never> {
    this.onRefuse(this.budget.id);
    const rows = await this.db.execute(sql`
      SELECT ceil(extract(epoch FROM window_start + interval '1 minute' - now())) AS seconds
      FROM rate_limits WHERE key = ${this.key(identity)}`);
    const retryAfterSeconds = Math.min(
      60,
      Math.max(1, Number(rowsOf<{ seconds: number | string | null }>(rows)[0]?.seconds ?? 1)),
    );
    throw new ApiError(
      "RATE_LIMITED",
      `Too many ${this.what}: at most ${this.limit} per minute. Retry after ${retryAfterSeconds} s.`,
      { retryAfterSeconds },
    );
  }

  /** Now and then (never on the request's path), deletes rows of windows long over. */
  private tidy() {
    if (++this.decisions % CLEANUP_EVERY !== 0) return;
    this.db
      .execute(sql`DELETE FROM rate_limits WHERE window_start < now() - ${IDLE_ROWS_AFTER}::interval`)
      .catch(() => {}); // best effort: the next round tries again
  }
}
