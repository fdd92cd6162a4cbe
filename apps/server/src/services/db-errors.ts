/** The constraint a unique violation (23505) hit, through drizzle's wrapping; undefined otherwise. */
export function uniqueViolation(error: unknown): string | undefined {
  for (
    let e = error as { code?: string; constraint_name?: string; constraint?: string; cause?: unknown } | undefined;
    e;
    e = e.cause as typeof e
  ) {
    if (e.code === "23505") return e.constraint_name ?? e.constraint ?? "";
  }
  return undefined;
}
