import { describe, expect, it } from "vitest";
import { checkDraft, lengthCounter } from "./limits.ts";

const limits = {
  mediaAttachmentsCountLimit: 3,
  mediaAttachmentSizeLimitInBytes: 1000,
  mediaAttachmentsTotalSizeLimitInBytes: 2500,
  bodyMaxLength: 1000,
};
const file = (name: string, size: number) => ({ name, size });

describe("checkDraft", () => {
  it("accepts a draft within every limit", () => {
    expect(checkDraft(limits, "hi", [file("a.png", 1000), file("b.png", 1000)])).toEqual([]);
  });

  it("refuses a file over the per-file limit and says which one", () => {
    expect(checkDraft(limits, "", [file("a.png", 10), file("big.mov", 1001)])).toEqual([
      { file: 1, message: "big.mov is 1001 bytes; this conversation allows 1000 bytes per file." },
    ]);
  });

  it("refuses more files than allowed", () => {
    const problems = checkDraft(limits, "", [file("a", 1), file("b", 1), file("c", 1), file("d", 1)]);
    expect(problems).toEqual([{ message: "4 files are attached; this conversation allows 3 per message. Remove 1." }]);
  });

  it("refuses files that add up to more than the total", () => {
    const problems = checkDraft(limits, "", [file("a", 900), file("b", 900), file("c", 900)]);
    expect(problems.map((p) => p.message)).toEqual([
      "The files add up to 2.6 KB; this conversation allows 2.4 KB per message.",
    ]);
  });

  it("counts body length in code points, as the API does", () => {
    const emoji = "😀".repeat(1000); // 2000 UTF-16 units, 1000 code points
    expect(checkDraft(limits, emoji, [])).toEqual([]);
    expect(checkDraft(limits, `${emoji}!`, [])[0]?.message).toBe(
      "The message is 1,001 characters long; this conversation allows 1,000. Shorten it by 1.",
    );
  });
});

describe("lengthCounter", () => {
  it("stays hidden until the draft is near the limit", () => {
    expect(lengthCounter(limits, "x".repeat(899)).visible).toBe(false);
    expect(lengthCounter(limits, "x".repeat(900))).toEqual({ length: 900, max: 1000, visible: true, over: false });
  });

  it("flags a draft over the limit", () => {
    expect(lengthCounter(limits, "x".repeat(1001))).toEqual({ length: 1001, max: 1000, visible: true, over: true });
  });

  it("counts code points near the limit", () => {
    expect(lengthCounter(limits, "😀".repeat(950))).toMatchObject({ length: 950, visible: true, over: false });
  });

  it("uses 10% of large limits as the threshold", () => {
    const big = { bodyMaxLength: 32768 };
    expect(lengthCounter(big, "x".repeat(29_000)).visible).toBe(false);
    expect(lengthCounter(big, "x".repeat(29_500)).visible).toBe(true);
  });
});
