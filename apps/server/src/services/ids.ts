import { randomFillSync } from "node:crypto";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; anything else cannot exist, so it is NOT_FOUND without a query. */
export const isId = (id: string): boolean => UUID.test(id);

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
// Random bytes come from a 4 KiB pool refilled by one call into OpenSSL: 409 ids per call, not one.
const pool = Buffer.alloc(4096);
let taken = pool.length;

/** UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits; time-ordered, so new rows land at the end of their indexes. */
export function newId(): string {
  if (taken + 10 > pool.length) {
    randomFillSync(pool);
    taken = 0;
  }
  const r = taken;
  taken += 10;
  const ms = Date.now();
  const high = Math.floor(ms / 0x10000); // the top 32 of the 48 bits
  const low = ms % 0x10000;
  const h = (byte: number) => HEX[byte]!;
  return (
    h(high >>> 24) +
    h((high >>> 16) & 0xff) +
    h((high >>> 8) & 0xff) +
    h(high & 0xff) +
    "-" +
    h(low >>> 8) +
    h(low & 0xff) +
    "-" +
    h((pool[r]! & 0x0f) | 0x70) + // version 7
    h(pool[r + 1]!) +
    "-" +
    h((pool[r + 2]! & 0x3f) | 0x80) + // variant 10
    h(pool[r + 3]!) +
    "-" +
    h(pool[r + 4]!) +
    h(pool[r + 5]!) +
    h(pool[r + 6]!) +
    h(pool[r + 7]!) +
    h(pool[r + 8]!) +
    h(pool[r + 9]!)
  );
}
