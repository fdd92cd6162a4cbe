/**
 * The viewer's read horizon for one open conversation: `see(index)` when the message with that
 * index is on screen; the newest index seen is sent (setLastReadMessageIndex), one request at a
 * time, never going backwards, and a failure is tried again on the next `see`.
 */
export class ReadHorizon {
  #wanted = -1;
  #marked = -1;
  #sending: Promise<void> | null = null;

  constructor(
    private readonly setLastReadMessageIndex: (index: number) => Promise<unknown>,
    private readonly events: { onMarked?(index: number): void; onError?(error: unknown): void } = {},
  ) {}

  /** The newest index sent successfully (-1: none yet). */
  get marked(): number {
    return this.#marked;
  }

  see(index: number): Promise<void> {
    if (index > this.#wanted) this.#wanted = index;
    if (!this.#sending && this.#marked < this.#wanted) this.#sending = this.#flush();
    return this.#sending ?? Promise.resolve();
  }

  async #flush(): Promise<void> {
    await null; // #sending is assigned before this ends, even when the request fails at once
    try {
      while (this.#marked < this.#wanted) {
        const target = this.#wanted;
        try {
          await this.setLastReadMessageIndex(target);
        } catch (error) {
          this.#wanted = this.#marked; // the next see() asks again
          this.events.onError?.(error);
          return;
        }
        this.#marked = target;
        this.events.onMarked?.(target);
      }
    } finally {
      this.#sending = null;
    }
  }
}
