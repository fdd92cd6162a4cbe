/** A key or prefix was refused before touching the store (path traversal, odd characters). */
export class InvalidObjectKeyError extends Error {
  override readonly name = "InvalidObjectKeyError";
  readonly code = "INVALID_OBJECT_KEY";
}

// Segments may not start with "." so ".", ".." and hidden files (the store's own temp area) are impossible.
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,254}$/;
const MAX_KEY_LENGTH = 1024;

/** Throws unless `key` is a relative, slash-separated path of plain segments, e.g. `media/<conv>/<id>`. */
export function assertValidObjectKey(key: string): void {
  if (typeof key !== "string" || key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw new InvalidObjectKeyError(`object key must be 1..${MAX_KEY_LENGTH} characters`);
  }
  for (const segment of key.split("/")) {
    if (!SEGMENT.test(segment)) {
      throw new InvalidObjectKeyError(
        `object key ${JSON.stringify(key)} is not allowed: use "/"-separated segments of letters, digits, ".", "_" and "-" not starting with "."`,
      );
    }
  }
}

/**
 * Prefixes follow S3 semantics (a plain string prefix, may end in "/" or mid-segment), so the
 * last segment may be empty or partial; everything before it must be a valid key path.
 */
export function assertValidObjectPrefix(prefix: string): void {
  if (prefix === "") return;
  const cut = prefix.lastIndexOf("/");
  if (cut >= 0) assertValidObjectKey(prefix.slice(0, cut));
  const tail = prefix.slice(cut + 1);
  if (tail !== "" && !SEGMENT.test(tail)) {
    throw new InvalidObjectKeyError(`object prefix ${JSON.stringify(prefix)} is not allowed`);
  }
}
