/** Messages by the same author this close together share one name and time header. */
export const GROUP_WITHIN_MS = 5 * 60_000;

export interface Groupable {
  readonly author: string;
  readonly createdAt: Date;
}

export interface ThreadRow<M> {
  message: M;
  /** The first message of a new day: a date divider goes above it. */
  dayStart: boolean;
  /** Continues the previous message's group (same author, same day, within GROUP_WITHIN_MS). */
  continued: boolean;
}

const dayKey = (d: Date) => `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;

/** Marks where the date dividers go and which messages continue their author's group. */
export function threadRows<M extends Groupable>(messages: readonly M[]): ThreadRow<M>[] {
  return messages.map((message, i) => {
    const prev = messages[i - 1];
    const dayStart = !prev || dayKey(prev.createdAt) !== dayKey(message.createdAt);
    const continued =
      !!prev &&
      !dayStart &&
      prev.author === message.author &&
      message.createdAt.getTime() - prev.createdAt.getTime() < GROUP_WITHIN_MS;
    return { message, dayStart, continued };
  });
}

const weekday = new Intl.DateTimeFormat(undefined, { weekday: "long" });
const sameYear = new Intl.DateTimeFormat(undefined, { weekday: "short", month: "short", day: "numeric" });
const otherYear = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric" });

/** "Today", "Yesterday", a weekday within the last week, else the date. */
export function formatDay(date: Date, now: Date = new Date()): string {
  const start = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const days = Math.round((start(now) - start(date)) / 86_400_000);
  if (days === 0) return "Today";
  if (days === 1) return "Yesterday";
  if (days > 1 && days < 7) return weekday.format(date);
  return date.getFullYear() === now.getFullYear() ? sameYear.format(date) : otherYear.format(date);
}
