import { badInput } from "../errors.ts";

/** Lengths count Unicode code points, not UTF-16 units. */
export const codePoints = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/** PostgreSQL text and jsonb cannot hold U+0000; refuse it up front instead of failing in SQL. */
export function checkNoNul(value: string, field: string): void {
  if (value.includes("\u0000")) throw badInput(`${field} must not contain the NUL character (U+0000).`, { field });
}

export function checkBody(body: string, max: number, field = "body"): void {
  checkNoNul(body, field);
  const n = codePoints(body);
  if (n > max) throw badInput(`${field} is ${n} characters long; the limit is ${max}.`, { field });
}

export function checkAttributes(attributes: Record<string, unknown> | null | undefined, maxBytes: number) {
  if (attributes == null) return {};
  const json = JSON.stringify(attributes);
  if (json.includes("\\u0000"))
    throw badInput("attributes must not contain the NUL character (U+0000).", { field: "attributes" });
  const bytes = Buffer.byteLength(json, "utf8");
  if (bytes > maxBytes) {
    throw badInput(`attributes is ${bytes} bytes of JSON; the limit is ${maxBytes} bytes.`, { field: "attributes" });
  }
  return attributes;
}

export function checkText(value: string | null | undefined, field: string, max: number): string | null {
  if (value == null) return null;
  checkNoNul(value, field);
  const n = codePoints(value);
  if (n > max) throw badInput(`${field} is ${n} characters long; the limit is ${max}.`, { field });
  return value;
}

/** Identities are the JWT `sub`: non-empty, bounded, no control characters. */
export function checkIdentity(identity: string, field = "identity"): string {
  // eslint-disable-next-line no-control-regex
  if (identity.length === 0 || identity.length > 256 || /[\u0000-\u001f\u007f]/.test(identity)) {
    throw badInput(`${field} must be 1 to 256 characters without control characters.`, { field });
  }
  return identity;
}
