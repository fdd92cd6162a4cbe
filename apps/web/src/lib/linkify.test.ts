import { describe, expect, it } from "vitest";
import { linkifyParts } from "./linkify.ts";

describe("linkifyParts", () => {
  it("turns URLs, bare domains and e-mail addresses into links and keeps the text around them", () => {
    expect(linkifyParts("see https://example.com/a?b=1, parley.dev or mail ann@example.org.")).toEqual([
      { kind: "text", text: "see " },
      { kind: "link", text: "https://example.com/a?b=1", href: "https://example.com/a?b=1" },
      { kind: "text", text: ", " },
      { kind: "link", text: "parley.dev", href: "http://parley.dev/" },
      { kind: "text", text: " or mail " },
      { kind: "link", text: "ann@example.org", href: "mailto:ann@example.org" },
      { kind: "text", text: "." },
    ]);
  });

  it("never makes a link of another scheme or of markup", () => {
    const text = 'javascript:alert(1) <a href="https://x.test">x</a>';
    const parts = linkifyParts(text);
    expect(parts.filter((p) => p.kind === "link").every((p) => p.kind === "link" && /^https?:/.test(p.href))).toBe(
      true,
    );
    expect(parts.map((p) => p.text).join("")).toBe(text);
  });

  it("leaves plain text as one part", () => {
    expect(linkifyParts("no links here")).toEqual([{ kind: "text", text: "no links here" }]);
  });
});
