import { describe, expect, it } from "vitest";
import { isEdited } from "./message-edit.ts";

describe("isEdited", () => {
  it("is true only when the message changed after it was sent", () => {
    const sent = new Date("2030-01-01T00:00:00.000Z");
    expect(isEdited({ createdAt: sent, updatedAt: new Date(sent) })).toBe(false);
    expect(isEdited({ createdAt: sent, updatedAt: new Date(sent.getTime() + 1) })).toBe(true);
  });
});
