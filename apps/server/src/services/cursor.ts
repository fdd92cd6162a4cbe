import { badInput } from "../errors.ts";
import { isId } from "./ids.ts";

// Cursors are opaque to clients; base64url keeps them URL-safe.
export const encodeCursor = (parts: (string | number)[]): string =>
  Buffer.from(JSON.stringify(parts)).toString("base64url");

const notACursor = (field: string) => badInput(`${field} is not a cursor returned by this API.`, { field });

export function decodeCursor(cursor: string, field: string): unknown[] {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(parsed)) return parsed;
  } catch {
    // fall through
  }
  throw notACursor(field);
}

// Message indexes are PostgreSQL integers: a cursor past int4 would fail in SQL, not match nothing.
const INDEX_MAX = 2 ** 31 - 1;

/** A message cursor: its index, checked to be one the database can hold. */
export function decodeIndexCursor(cursor: string, field: string): number {
  const [index] = decodeCursor(cursor, field);
  if (typeof index !== "number" || !Number.isInteger(index) || index < 0 || index > INDEX_MAX) throw notACursor(field);
  return index;
}

// Exactly what encodeCursor wrote (Date#toISOString of a year 0000-9999): anything else could be a
// date PostgreSQL refuses (year -271821) or reads differently.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A conversation cursor: (latest activity, id), both checked before they reach SQL. */
export function decodeActivityCursor(cursor: string, field: string): { at: Date; id: string } {
  const [at, id] = decodeCursor(cursor, field);
  if (typeof at !== "string" || typeof id !== "string" || !ISO_INSTANT.test(at) || !isId(id)) throw notACursor(field);
  const date = new Date(at);
  if (Number.isNaN(date.getTime()) || date.toISOString() !== at) throw notACursor(field);
  return { at: date, id };
}
