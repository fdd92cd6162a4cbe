import { find } from "linkifyjs";

export type TextPart = { kind: "text"; text: string } | { kind: "link"; text: string; href: string };

/** Only these schemes become links; anything else stays text (a `javascript:` link never renders). */
const SAFE_SCHEMES = new Set(["http:", "https:", "mailto:"]);

/**
 * Splits a message body into text and links (URLs, bare domains, e-mail addresses) with linkifyjs.
 * The result is rendered as React text and <a> elements: never as HTML.
 */
export function linkifyParts(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let at = 0;
  for (const match of find(text)) {
    if (match.type !== "url" && match.type !== "email") continue;
    let href: URL;
    try {
      href = new URL(match.href);
    } catch {
      continue;
    }
    if (!SAFE_SCHEMES.has(href.protocol)) continue;
    if (match.start > at) parts.push({ kind: "text", text: text.slice(at, match.start) });
    parts.push({ kind: "link", text: text.slice(match.start, match.end), href: href.href });
    at = match.end;
  }
  if (at < text.length) parts.push({ kind: "text", text: text.slice(at) });
  return parts;
}
