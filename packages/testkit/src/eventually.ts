/** Polls `check` until it passes or `ms` run out (then its last error is thrown). */
export async function eventually<T>(check: () => Promise<T>, ms = 10_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }
}
