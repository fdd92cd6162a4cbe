import { describe, expect, it } from "vitest";
import { isId, newId } from "../src/services/ids.ts";

describe("newId", () => {
  it("is a UUIDv7 (RFC 9562): the Unix milliseconds of its making, version 7, variant 10, and random bits", () => {
    const before = Date.now();
    const ids = Array.from({ length: 5_000 }, newId); // more than one refill of the random pool
    const after = Date.now();
    for (const id of ids) {
      expect(isId(id)).toBe(true);
      const hex = id.replaceAll("-", "");
      const ms = parseInt(hex.slice(0, 12), 16);
      expect(ms).toBeGreaterThanOrEqual(before);
      expect(ms).toBeLessThanOrEqual(after);
      expect(hex[12]).toBe("7");
      expect(["8", "9", "a", "b"]).toContain(hex[16]);
    }
    expect(new Set(ids).size).toBe(ids.length);
    // Time-ordered: sorted as text they keep the order of their milliseconds.
    const stamps = ids.map((id) => id.slice(0, 13));
    expect([...stamps].sort()).toEqual(stamps);
  });

  it("spreads its 74 random bits: every hex digit outside the fixed ones takes all 16 values", () => {
    const ids = Array.from({ length: 2_000 }, () => newId().replaceAll("-", ""));
    for (const position of [13, 14, 15, 17, 18, 19, 20, 25, 31]) {
      expect(new Set(ids.map((hex) => hex[position])).size, `hex digit ${position}`).toBe(16);
    }
  });

  it("writes a millisecond count past 2^32 and up to 2^48 - 1 exactly", () => {
    const realNow = Date.now;
    try {
      for (const ms of [0, 2 ** 32 + 5, 0x0123456789ab, 2 ** 48 - 1]) {
        Date.now = () => ms;
        expect(parseInt(newId().replaceAll("-", "").slice(0, 12), 16)).toBe(ms);
      }
    } finally {
      Date.now = realNow;
    }
  });
});
