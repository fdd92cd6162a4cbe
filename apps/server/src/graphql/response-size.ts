import type { ApolloServerPlugin } from "@apollo/server";
import type { GraphQLFormattedError } from "graphql";

/**
 * The most bytes of JSON one GraphQL answer may have (HTTP body or WebSocket message). What it stops
 * is multiplication: aliases, nested lists and long alias names repeated in every object (a 900 KB
 * alias over 5000 participants would have been 4.5 GB). Sized so that serializing the largest answer
 * keeps the event loop free (fuzz-fanout.test.ts checks /healthz meanwhile; the figures are in the
 * commit that set it). The SDK's default page (30 messages) fits at any message size; a page of 100
 * messages of the longest bodies (14 MB), or 1000 participants of 16 KiB attributes, does not.
 * Counted before anything is serialized, and only up to the limit.
 */
export const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

// JSON.stringify escapes quote, backslash and controls (2 or 6 bytes) and lone surrogates (6 bytes;
// Buffer.byteLength counts 3 for one): strings with any of them are measured by stringifying them.
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
const escapedBytes = (s: string) => Buffer.byteLength(JSON.stringify(s), "utf8");

function stringBytes(s: string): number {
  if (s.length > 128) return NEEDS_ESCAPE.test(s) ? escapedBytes(s) : Buffer.byteLength(s, "utf8") + 2;
  // Short strings (ids, dates, names) are most of an answer: a plain loop beats the calls above.
  let bytes = 2;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      if (c < 0x20 || c === 0x22 || c === 0x5c) return escapedBytes(s);
      bytes += 1;
    } else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdfff) return escapedBytes(s);
    else bytes += 3;
  }
  return bytes;
}

// Response keys repeat in every object of a list: their sizes are kept (short ones only).
const keyBytes = new Map<string, number>();
function keySize(key: string): number {
  let n = keyBytes.get(key);
  if (n === undefined) {
    n = stringBytes(key) + 1; // and the colon
    if (key.length <= 64 && keyBytes.size < 10_000) keyBytes.set(key, n);
  }
  return n;
}

/**
 * The UTF-8 length of JSON.stringify(value), counted without building it. Stops as soon as the
 * count passes `limit` and returns what it has then (so anything over `limit` means "too large").
 */
export function jsonBytesWithin(value: unknown, limit: number): number {
  return count(value, limit, stringBytes, (n) => (Number.isFinite(n) ? String(n).length : 4));
}

// The most bytes JSON takes for one UTF-16 unit (\u00XX, a lone surrogate's \udXXX), and for a number.
const MAX_BYTES_PER_UNIT = 6;
const MAX_NUMBER_BYTES = 25; // -0.0000012345678901234567

/**
 * Whether JSON.stringify(value) is at most `limit` bytes of UTF-8. Counted first with every
 * string at its longest possible JSON (no look at its characters), which settles nearly every
 * answer; exactly (jsonBytesWithin) only when that bound is over the limit.
 */
export function jsonFitsWithin(value: unknown, limit: number): boolean {
  const bound = count(
    value,
    limit,
    (s) => MAX_BYTES_PER_UNIT * s.length + 2,
    () => MAX_NUMBER_BYTES,
  );
  return bound <= limit || jsonBytesWithin(value, limit) <= limit;
}

function count(value: unknown, limit: number, strings: (s: string) => number, numbers: (n: number) => number): number {
  let total = 0;
  function visit(v: unknown): void {
    switch (typeof v) {
      case "string":
        total += strings(v);
        return;
      case "number":
        total += numbers(v);
        return;
      case "boolean":
        total += v ? 4 : 5;
        return;
      case "bigint":
        throw new TypeError("Do not know how to serialize a BigInt");
      case "object":
        break;
      default:
        total += 4; // undefined, functions and symbols in arrays become null (objects skip them, below)
        return;
    }
    if (v === null) {
      total += 4;
      return;
    }
    const withJson = v as { toJSON?: () => unknown };
    if (typeof withJson.toJSON === "function") return visit(withJson.toJSON());
    if (Array.isArray(v)) {
      total += 2;
      for (let i = 0; i < v.length && total <= limit; i++) {
        if (i > 0) total += 1;
        visit(v[i]);
      }
      return;
    }
    total += 2;
    let first = true;
    // Own enumerable string keys in JSON.stringify's order (graphql-js builds results with
    // Object.create(null): nothing inherited either way).
    const keys = Object.keys(v);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const item = (v as Record<string, unknown>)[key];
      if (item === undefined || typeof item === "function" || typeof item === "symbol") continue;
      total += (first ? 0 : 1) + keySize(key);
      first = false;
      visit(item);
      if (total > limit) return;
    }
  }
  visit(value);
  return total;
}

/** The answer sent instead of one over the limit: nothing of the data, one error saying what to do. */
export function tooLargeError(max: number): GraphQLFormattedError {
  return {
    message: `The answer to this operation would be over ${max} bytes, the limit; none of it is sent. Ask for fewer items (first/last), fewer aliases, shorter alias names, or leave out lists such as participants (a mutation's changes are made: read them back with a smaller selection).`,
    extensions: { code: "BAD_USER_INPUT", limitBytes: max },
  };
}

/** Replaces an HTTP answer over `max` bytes of JSON with tooLargeError, before it is serialized. */
export function responseSizeLimit<T extends object>(max = MAX_RESPONSE_BYTES): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== "single") return;
          if (jsonFitsWithin(response.body.singleResult, max)) return;
          // data: null (not absent) keeps the executed operation's 200.
          response.body.singleResult = { data: null, errors: [tooLargeError(max)] };
        },
      };
    },
  };
}
