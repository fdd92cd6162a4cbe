import { badInput } from "../errors.ts";

// Cursors are opaque to clients; base64url keeps them URL-safe.
export const encodeCursor = (parts: (string | number)[]): string =>
  Buffer.from(JSON.stringify(parts)).toString("base64url");

export function decodeCursor(cursor: string, field: string): unknown[] {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(parsed)) return parsed;
  } catch {
    // fall through
  }
  throw badInput(`${field} is not a cursor returned by this API.`, { field });
}
