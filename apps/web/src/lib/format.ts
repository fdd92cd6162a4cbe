const UNITS = ["bytes", "KB", "MB", "GB"] as const;

/** 1536 → "1.5 KB" (binary multiples, as file managers show them). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return "? bytes";
  if (bytes === 1) return "1 byte";
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits).replace(/\.0$/, "")} ${UNITS[unit]}`;
}

/** Unicode code points, as the API counts body lengths (the SDK's one implementation). */
export { codePointLength } from "@parley/client";

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});

/** Time only for today, date and time otherwise. */
export function formatMessageTime(date: Date, now: Date = new Date()): string {
  return date.toDateString() === now.toDateString() ? timeFormat.format(date) : dateTimeFormat.format(date);
}

export function percent(loaded: number, total: number | null): number {
  if (!total) return loaded > 0 ? 100 : 0;
  return Math.min(100, Math.floor((loaded / total) * 100));
}
