/**
 * Orders sends after the starting points of `messageAdded` handlers, across every client of this
 * SDK in the JavaScript realm: a handler registered without `{ after }` starts at the newest index,
 * which takes a read; a send made after `on()` returned waits for that read, so its message is
 * above the starting point and is delivered. (Without this, the send can overtake the read on
 * the server and its message would count as already there.)
 */
const pending = new Map<string, Set<Promise<void>>>();
/** The key of starting points that cover every conversation (client-level messageAdded). */
const ALL = "*";

/** Longest a send waits for a starting point (a read stuck on a dead network must not stall sends). */
const MAX_WAIT_MS = 5_000;

/** Registers the read that fixes a starting point in `conversationId`; sends wait until it settles. */
export function holdSends(conversationId: string, read: Promise<unknown>): void {
  const settled = read.then(
    () => undefined,
    () => undefined,
  );
  let set = pending.get(conversationId);
  if (!set) pending.set(conversationId, (set = new Set()));
  set.add(settled);
  void settled.then(() => {
    set.delete(settled);
    if (set.size === 0 && pending.get(conversationId) === set) pending.delete(conversationId);
  });
}

/** Like holdSends, for a starting point of every conversation: every send waits for it. */
export function holdAllSends(read: Promise<unknown>): void {
  holdSends(ALL, read);
}

/** Resolves once no starting point in `conversationId` is being read (at once when none is). */
export async function sendsMayGo(conversationId: string): Promise<void> {
  const set = [...(pending.get(conversationId) ?? []), ...(pending.get(ALL) ?? [])];
  if (set.length === 0) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    Promise.all(set),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, MAX_WAIT_MS);
    }),
  ]);
  clearTimeout(timer);
}
