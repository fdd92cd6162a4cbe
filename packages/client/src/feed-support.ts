// What the conversation feeds and the client-level feed share: reading messages above an index
// (retried while the API is unreachable), handler calls, and the Unsubscribe shape.
import { ParleyError } from "./errors.ts";
import { MessagesDocument } from "./generated/documents.ts";
import {
  type MessagesQueryVariables,
  type MessageFieldsFragment,
  type MessageUpdateReason,
  type RemovedMessageFieldsFragment,
} from "./generated/graphql.ts";
import { Message, toRemovedMessage, type RemovedMessage } from "./message.ts";
import type { Transport } from "./transport.ts";

/** A `messageUpdated` event: the message as it is now, and what changed. */
export interface MessageUpdate {
  message: Message;
  reasons: MessageUpdateReason[];
}

export type MessageEventKind = "messageAdded" | "messageUpdated" | "messageRemoved";

/** What a message event's handlers get, by kind. */
export interface MessageEventValues {
  messageAdded: Message;
  messageUpdated: MessageUpdate;
  messageRemoved: RemovedMessage;
}

/**
 * A message event's payload (the one root field of a messageAdded/Updated/Removed subscription,
 * of a conversation or of the viewer's) as the SDK's objects.
 */
export function eventValue<K extends MessageEventKind>(
  kind: K,
  data: Record<string, unknown>,
  transport: Transport,
): MessageEventValues[K] {
  const payload = Object.values(data)[0];
  if (kind === "messageAdded") return new Message(payload as MessageFieldsFragment, transport) as MessageEventValues[K];
  if (kind === "messageUpdated") {
    const update = payload as { message: MessageFieldsFragment; reasons: readonly MessageUpdateReason[] };
    const value: MessageUpdate = { message: new Message(update.message, transport), reasons: [...update.reasons] };
    return value as MessageEventValues[K];
  }
  return toRemovedMessage(payload as RemovedMessageFieldsFragment) as MessageEventValues[K];
}

/** A catch-up read stuck on a dead connection is abandoned and retried after this long. */
export const READ_TIMEOUT_MS = 30_000;
/** Catch-up reads retry anything else (unreachable, rate limited, storage down) with backoff. */
const READ_TERMINAL = new Set(["FORBIDDEN", "NOT_FOUND", "BAD_USER_INPUT", "UNAUTHENTICATED"]);

/** Thrown by reads of a feed that was closed meanwhile: nothing to report. */
export class Closed extends Error {}

export interface Reader {
  transport: Transport;
  /** Milliseconds to wait before retry number `attempt` (0-based). */
  backoff(attempt: number): number;
  isClosed(): boolean;
}

/** A messages page; retried with backoff while the API is unreachable, since order depends on it. */
export async function readMessages(reader: Reader, variables: MessagesQueryVariables) {
  for (let attempt = 0; ; attempt++) {
    try {
      const data = await reader.transport.request(MessagesDocument, variables, AbortSignal.timeout(READ_TIMEOUT_MS));
      if (!data.conversation)
        throw new ParleyError("NOT_FOUND", `Conversation ${variables.conversationId} does not exist.`);
      return { conversation: data.conversation };
    } catch (error) {
      if (reader.isClosed()) throw new Closed();
      if (error instanceof ParleyError && READ_TERMINAL.has(error.code)) throw error;
      await sleep(reader.backoff(attempt));
      if (reader.isClosed()) throw new Closed();
    }
  }
}

/**
 * Every message of a conversation above index `low` (and, with `keep`, as long as `keep` holds
 * going back), ascending: newest page first, backwards until it reaches that index (cursors are
 * opaque, so a read cannot start at an index). One request covers 20, then 100 per page.
 */
export async function readAbove(
  reader: Reader,
  conversationId: string,
  low: number,
  keep: (message: Message) => boolean = () => true,
): Promise<Message[]> {
  const missed: Message[] = [];
  let before: string | null = null;
  let size = 20;
  for (;;) {
    const { conversation } = await readMessages(reader, { conversationId, last: size, before });
    const { edges, pageInfo } = conversation.messages;
    const all = edges.map((e) => new Message(e.node, reader.transport, e.cursor));
    const fresh = all.filter((m) => m.index > low && keep(m));
    missed.unshift(...fresh);
    if (fresh.length < edges.length || edges.length === 0 || !pageInfo.hasPreviousPage) break;
    before = pageInfo.startCursor;
    size = 100;
  }
  return missed;
}

/**
 * What `on()` returns: call it to remove the handler. `ready` resolves once the handler's starting
 * point is fixed (at once with `{ after }`; after one read without): every message committed from
 * then on is delivered. Sends through this SDK wait for it by themselves; await it before telling
 * another process to send. It never rejects (failures go to the `error` handlers).
 */
export interface Unsubscribe {
  (): void;
  readonly ready: Promise<void>;
}

/**
 * The remove functions on() returned, by handler, for off(event, handler) (Twilio's off): the
 * newest registration of that handler for that event goes. Each runs once and is then forgotten.
 */
export class Registrations<E extends string> {
  readonly #byHandler = new Map<unknown, { event: E; off: () => void }[]>();

  add(event: E, handler: unknown, remove: () => void, ready: Promise<void>): Unsubscribe {
    let done = false;
    const entry = { event, off: () => {} };
    entry.off = () => {
      if (done) return;
      done = true;
      const list = this.#byHandler.get(handler)?.filter((e) => e !== entry) ?? [];
      if (list.length) this.#byHandler.set(handler, list);
      else this.#byHandler.delete(handler);
      remove();
    };
    this.#byHandler.set(handler, [...(this.#byHandler.get(handler) ?? []), entry]);
    return unsubscribe(entry.off, ready);
  }

  off(event: E, handler: unknown): void {
    this.#byHandler
      .get(handler)
      ?.filter((e) => e.event === event)
      .at(-1)
      ?.off();
  }

  clear(): void {
    this.#byHandler.clear();
  }
}

export function unsubscribe(off: () => void, ready: Promise<void> = Promise.resolve()): Unsubscribe {
  return Object.assign(off, { ready });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A handler's exception is the application's bug: rethrown on its own, it cannot stop the other handlers. */
export function call<T>(fn: (value: T) => void, value: T): void {
  try {
    fn(value);
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}
