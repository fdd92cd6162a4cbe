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

export const IDEMPOTENCY_KEY_MAX = 256;

/**
 * 1 to 256 code points (as every length), no control characters, and no lone UTF-16 surrogate:
 * PostgreSQL stores one as U+FFFD, so two different keys would name one message.
 */
export function checkIdempotencyKey(key: string): void {
  const n = codePoints(key);
  // eslint-disable-next-line no-control-regex
  if (n === 0 || n > IDEMPOTENCY_KEY_MAX || /[\u0000-\u001f]/.test(key) || /\p{Cs}/u.test(key)) {
    throw badInput(
      `idempotencyKey must be 1 to ${IDEMPOTENCY_KEY_MAX} characters without control characters or lone surrogates.`,
      { field: "idempotencyKey" },
    );
  }
}

export const IDENTITY_MAX = 256;
// C0 and C1 controls, DEL, and the invisible direction marks and overrides (U+202E can make
// "alice\u202Eeve" read as another name).
// eslint-disable-next-line no-control-regex
const IDENTITY_FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/**
 * Why `identity` is not a valid identity, or null when it is. One rule for the JWT `sub` and for
 * participants: 1 to 256 code points, no control characters, no bidi marks or overrides, and no lone
 * surrogate (PostgreSQL stores one as U+FFFD, so two different subs would become one identity).
 */
export function identityProblem(identity: string): string | null {
  const n = codePoints(identity);
  if (n === 0) return "is empty";
  if (n > IDENTITY_MAX) return `is ${n} characters long; the limit is ${IDENTITY_MAX}`;
  if (/\p{Cs}/u.test(identity)) return "contains a lone UTF-16 surrogate";
  if (IDENTITY_FORBIDDEN.test(identity)) return "contains a control character or a bidi override";
  return null;
}

/** Identities are the JWT `sub`: see identityProblem. */
export function checkIdentity(identity: string, field = "identity"): string {
  const problem = identityProblem(identity);
  if (problem) {
    throw badInput(
      `${field} ${problem}: an identity is 1 to ${IDENTITY_MAX} characters without control characters or bidi overrides.`,
      { field },
    );
  }
  return identity;
}
