import { describe, expect, it } from "vitest";
import { codePointLength, formatBytes, percent } from "./format.ts";

describe("formatBytes", () => {
  it.each([
    [0, "0 bytes"],
    [1, "1 byte"],
    [591, "591 bytes"],
    [1536, "1.5 KB"],
    [400 * 1024, "400 KB"],
    [157286400, "150 MB"],
    [3 * 1024 ** 3, "3 GB"],
  ])("%d → %s", (bytes, text) => expect(formatBytes(bytes)).toBe(text));
});

describe("codePointLength / percent", () => {
  it("counts astral characters once", () => expect(codePointLength("a😀b")).toBe(3));
  it("floors percentages and caps them at 100", () => {
    expect(percent(1, 3)).toBe(33);
    expect(percent(5, 3)).toBe(100);
    expect(percent(0, null)).toBe(0);
  });
});
