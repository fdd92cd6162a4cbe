import { describe, expect, it } from "vitest";
import { documentTitle, listTime, previewText } from "./conversation-preview.ts";

const at = new Date("2026-12-02T10:42:00");
const msg = (author: string, body: string | null, media: { contentType: string; filename: string | null }[] = []) => ({
  author,
  body,
  createdAt: at,
  media,
});

describe("conversation list previews", () => {
  it("names the author (You for the viewer) and the body on one line, or what was attached", () => {
    expect(previewText(msg("ann", "see you\n at 8"), "ann")).toBe("You: see you at 8");
    expect(previewText(msg("bob", null, [{ contentType: "image/png", filename: "a.png" }]), "ann")).toBe("bob: Photo");
    expect(
      previewText(
        msg("bob", null, [
          { contentType: "image/png", filename: "a.png" },
          { contentType: "image/jpeg", filename: "b.jpg" },
        ]),
        "ann",
      ),
    ).toBe("bob: 2 photos");
    expect(previewText(msg("bob", "", [{ contentType: "application/pdf", filename: "r.pdf" }]), "ann")).toBe(
      "bob: r.pdf",
    );
    expect(previewText(msg("bob", null, [{ contentType: "audio/wav", filename: "t.wav" }]), "ann")).toBe("bob: Audio");
  });

  it("shows the time today and the day otherwise, and the unread count in the tab title", () => {
    expect(listTime(at, new Date("2026-12-02T18:00:00"))).toMatch(/10.42/);
    expect(listTime(at, new Date("2026-12-03T09:00:00"))).toBe("Yesterday");
    expect(documentTitle(0)).toBe("Parley");
    expect(documentTitle(3)).toBe("(3) Parley");
    expect(documentTitle(250)).toBe("(99+) Parley");
  });
});
