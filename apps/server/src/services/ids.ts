import { randomUUID } from "node:crypto";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; anything else cannot exist, so it is NOT_FOUND without a query. */
export const isId = (id: string): boolean => UUID.test(id);

/**
 * UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits; time-ordered, so new rows
 * land at the end of their indexes. The random part is a v4 UUID's (Node draws those from a pool of
 * entropy) with its version digit made 7; its variant bits are already RFC 9562's.
 */
export function newId(): string {
  const ms = Date.now().toString(16).padStart(12, "0");
  return `${ms.slice(0, 8)}-${ms.slice(8)}-7${randomUUID().slice(15)}`;
}
