import { describe, expect, it } from "vitest";
import { formatDay, threadRows } from "./message-groups.ts";

const at = (iso: string) => new Date(iso);

describe("threadRows", () => {
  it("groups one author's messages within five minutes and starts a new group on a new author, a gap or a new day", () => {
    const rows = threadRows([
      { author: "ann", createdAt: at("2026-12-01T10:00:00") },
      { author: "ann", createdAt: at("2026-12-01T10:04:00") },
      { author: "bob", createdAt: at("2026-12-01T10:05:00") },
      { author: "bob", createdAt: at("2026-12-01T10:11:00") },
      { author: "bob", createdAt: at("2026-12-01T23:59:00") },
      { author: "bob", createdAt: at("2026-12-02T00:01:00") },
    ]);
    expect(rows.map((r) => [r.dayStart, r.continued])).toEqual([
      [true, false],
      [false, true],
      [false, false],
      [false, false],
      [false, false],
      [true, false],
    ]);
  });
});

describe("formatDay", () => {
  const now = at("2026-12-02T09:00:00");
  it("says Today and Yesterday, then a weekday, then the date", () => {
    expect(formatDay(at("2026-12-02T00:10:00"), now)).toBe("Today");
    expect(formatDay(at("2026-12-01T23:50:00"), now)).toBe("Yesterday");
    expect(formatDay(at("2026-11-28T12:00:00"), now)).toMatch(/^[A-Z][a-z]+day$/);
    expect(formatDay(at("2026-10-02T12:00:00"), now)).toMatch(/Oct/);
    expect(formatDay(at("2025-10-02T12:00:00"), now)).toMatch(/2025/);
  });
});
