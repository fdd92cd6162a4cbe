import type { Logger } from "pino";
import type { DbHandle } from "@parley/db";
import { EVENTS_CHANNEL, parseEvent, type ConversationEvent } from "./events.ts";

interface Listener {
  identity: string;
  push(event: ConversationEvent): void;
  end(error?: Error): void;
}

/** Events a slow subscriber may fall behind by before it is cut off (it resumes by index). */
const MAX_QUEUE = 1000;

/**
 * Fans database notifications out to this process's subscribers. Every instance LISTENs on the same
 * channel, so an event committed through any instance reaches subscribers on all of them; the same
 * path runs in one process on PGlite.
 */
export class EventHub {
  private readonly byConversation = new Map<string, Set<Listener>>();
  private readonly sharedLoads = new Map<string, Promise<unknown>>();
  private stopListening: (() => Promise<void>) | undefined;

  constructor(private readonly logger: Logger) {}

  async start(db: DbHandle): Promise<void> {
    this.stopListening = await db.listen(EVENTS_CHANNEL, (payload) => {
      const event = parseEvent(payload);
      if (event) this.dispatch(event);
      else this.logger.warn({ payload }, "ignored a malformed event notification");
    });
  }

  async stop(): Promise<void> {
    await this.stopListening?.();
    for (const set of this.byConversation.values()) for (const l of set) l.end();
    this.byConversation.clear();
  }

  private dispatch(event: ConversationEvent): void {
    const listeners = this.byConversation.get(event.conversationId);
    if (!listeners) return;
    for (const l of listeners) {
      // A removed participant stops receiving events at once.
      if (event.type === "participantRemoved" && event.identity === l.identity) l.end();
      else l.push(event);
    }
  }

  /** Events of one conversation for `identity`, until the consumer returns or the participant is removed. */
  subscribe(conversationId: string, identity: string): AsyncIterableIterator<ConversationEvent> {
    const queue: ConversationEvent[] = [];
    let wake: (() => void) | undefined;
    let done = false;
    let failure: Error | undefined;
    const set = this.byConversation.get(conversationId) ?? new Set<Listener>();
    this.byConversation.set(conversationId, set);
    const detach = () => {
      set.delete(listener);
      if (set.size === 0 && this.byConversation.get(conversationId) === set) this.byConversation.delete(conversationId);
    };
    const listener: Listener = {
      identity,
      push: (event) => {
        if (queue.length >= MAX_QUEUE) {
          listener.end(new Error("subscriber fell too far behind; resubscribe and resume from the last index seen"));
          return;
        }
        queue.push(event);
        wake?.();
      },
      end: (error) => {
        done = true;
        failure = error;
        detach();
        wake?.();
      },
    };
    set.add(listener);
    const iterator: AsyncIterableIterator<ConversationEvent> = {
      [Symbol.asyncIterator]: () => iterator,
      next: async () => {
        for (;;) {
          const event = queue.shift();
          if (event) return { value: event, done: false };
          if (done) {
            if (failure) throw failure;
            return { value: undefined, done: true };
          }
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
        }
      },
      return: async () => {
        listener.end();
        return { value: undefined, done: true };
      },
    };
    return iterator;
  }

  /**
   * One load for every local subscriber of the same event (100 subscribers, one query): the first
   * caller runs `load`, the others share its promise for a moment.
   */
  shared<T>(key: string, load: () => Promise<T>): Promise<T> {
    let p = this.sharedLoads.get(key) as Promise<T> | undefined;
    if (!p) {
      p = load();
      this.sharedLoads.set(key, p);
      setTimeout(() => this.sharedLoads.delete(key), 1000).unref();
    }
    return p;
  }

  /** Subscribers in this process (for tests and metrics). */
  get size(): number {
    let n = 0;
    for (const set of this.byConversation.values()) n += set.size;
    return n;
  }
}
