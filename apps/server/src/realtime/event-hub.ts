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
 * A viewer-wide subscriber: the events of every conversation `identity` participates in. Until its
 * starting membership is loaded it holds every event (`held`); then it follows participantAdded
 * and participantRemoved of its identity, so conversations joined later are included.
 */
interface ViewerListener extends Listener {
  conversations: Set<string> | undefined;
  held: ConversationEvent[];
}

/**
 * Fans database notifications out to this process's subscribers. Every instance LISTENs on the same
 * channel, so an event committed through any instance reaches subscribers on all of them; the same
 * path runs in one process on PGlite. Every local subscriber of an event gets the same event object
 * (subscriptions.ts builds one payload per event on it).
 */
export class EventHub {
  private readonly byConversation = new Map<string, Set<Listener>>();
  /** Viewer-wide subscribers by the conversations they follow, and those still loading. */
  private readonly viewersByConversation = new Map<string, Set<ViewerListener>>();
  private readonly viewersByIdentity = new Map<string, Set<ViewerListener>>();
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
    for (const set of [...this.viewersByIdentity.values()]) for (const l of [...set]) l.end();
  }

  private dispatch(event: ConversationEvent): void {
    const listeners = this.byConversation.get(event.conversationId);
    for (const l of listeners ?? []) {
      // A removed participant stops receiving events at once.
      if (event.type === "participantRemoved" && event.identity === l.identity) l.end();
      else l.push(event);
    }
    if (event.type === "participantAdded" || event.type === "participantRemoved") {
      for (const v of this.viewersByIdentity.get(event.identity) ?? []) this.applyToViewer(v, event);
    } else {
      for (const v of [...(this.viewersByConversation.get(event.conversationId) ?? [])]) v.push(event);
    }
    for (const v of this.loadingViewers) {
      if (v.held.length >= MAX_QUEUE) v.end(new Error("too many events while the subscription started; resubscribe"));
      else v.held.push(event);
    }
  }

  private readonly loadingViewers = new Set<ViewerListener>();

  /** A membership change or an event, for a viewer-wide subscriber whose membership is known. */
  private applyToViewer(v: ViewerListener, event: ConversationEvent): void {
    if (!v.conversations) return; // still loading: the event is held and replayed in order
    if (event.type === "participantAdded") this.follow(v, event.conversationId);
    else if (event.type === "participantRemoved") this.unfollow(v, event.conversationId);
    else if (v.conversations.has(event.conversationId)) v.push(event);
  }

  private follow(v: ViewerListener, conversationId: string): void {
    v.conversations!.add(conversationId);
    let set = this.viewersByConversation.get(conversationId);
    if (!set) this.viewersByConversation.set(conversationId, (set = new Set()));
    set.add(v);
  }

  private unfollow(v: ViewerListener, conversationId: string): void {
    v.conversations?.delete(conversationId);
    const set = this.viewersByConversation.get(conversationId);
    set?.delete(v);
    if (set?.size === 0) this.viewersByConversation.delete(conversationId);
  }

  /**
   * Events of every conversation `identity` participates in, including conversations joined after
   * this call, until the consumer returns. `membership` loads the starting set; events committed
   * while it loads are held and applied in commit order afterwards, so none is lost and a
   * participation that began or ended meanwhile counts as it ended up.
   */
  subscribeViewer(
    identity: string,
    membership: () => Promise<readonly string[]>,
  ): AsyncIterableIterator<ConversationEvent> {
    let detach = () => {};
    const { listener, iterator } = this.queueFor(identity, () => detach());
    const v: ViewerListener = Object.assign(listener, { conversations: undefined, held: [] });
    let identitySet = this.viewersByIdentity.get(identity);
    if (!identitySet) this.viewersByIdentity.set(identity, (identitySet = new Set()));
    identitySet.add(v);
    this.loadingViewers.add(v);
    let ended = false;
    detach = () => {
      ended = true;
      this.loadingViewers.delete(v);
      for (const id of [...(v.conversations ?? [])]) this.unfollow(v, id);
      identitySet.delete(v);
      if (identitySet.size === 0 && this.viewersByIdentity.get(identity) === identitySet)
        this.viewersByIdentity.delete(identity);
    };
    membership().then(
      (ids) => {
        if (ended) return;
        this.loadingViewers.delete(v);
        v.conversations = new Set();
        for (const id of ids) this.follow(v, id);
        const held = v.held;
        v.held = [];
        for (const event of held) {
          if (event.type === "participantAdded" || event.type === "participantRemoved") {
            if (event.identity === identity) this.applyToViewer(v, event);
          } else this.applyToViewer(v, event);
        }
      },
      (error: unknown) => v.end(error instanceof Error ? error : new Error(String(error))),
    );
    return iterator;
  }

  /** Events of one conversation for `identity`, until the consumer returns or the participant is removed. */
  subscribe(conversationId: string, identity: string): AsyncIterableIterator<ConversationEvent> {
    const set = this.byConversation.get(conversationId) ?? new Set<Listener>();
    this.byConversation.set(conversationId, set);
    const { listener, iterator } = this.queueFor(identity, () => {
      set.delete(listener);
      if (set.size === 0 && this.byConversation.get(conversationId) === set) this.byConversation.delete(conversationId);
    });
    set.add(listener);
    return iterator;
  }

  /** A listener's bounded queue and the iterator its subscription reads; `detach` runs once at the end. */
  private queueFor(
    identity: string,
    detach: () => void,
  ): { listener: Listener; iterator: AsyncIterableIterator<ConversationEvent> } {
    const queue: ConversationEvent[] = [];
    let wake: (() => void) | undefined;
    let done = false;
    let failure: Error | undefined;
    const listener: Listener = {
      identity,
      push: (event) => {
        if (done) return;
        if (queue.length >= MAX_QUEUE) {
          listener.end(new Error("subscriber fell too far behind; resubscribe and resume from the last index seen"));
          return;
        }
        queue.push(event);
        wake?.();
      },
      end: (error) => {
        if (done) return;
        done = true;
        failure = error;
        detach();
        wake?.();
      },
    };
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
    return { listener, iterator };
  }

  /** Subscribers in this process (for tests and metrics). */
  get size(): number {
    let n = 0;
    for (const set of this.byConversation.values()) n += set.size;
    for (const set of this.viewersByIdentity.values()) n += set.size;
    return n;
  }
}
