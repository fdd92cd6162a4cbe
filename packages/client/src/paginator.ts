import { ParleyError } from "./errors.ts";

/** One page of a list, with the way to the pages on either side. */
export interface Paginator<T> {
  /** In the list's order (messages: ascending index; conversations: latest activity first). */
  readonly items: T[];
  readonly hasPrevPage: boolean;
  readonly hasNextPage: boolean;
  /** Cursors of the first and last item, to come back to this position later (`anchor`). */
  readonly startCursor: string | null;
  readonly endCursor: string | null;
  prevPage(): Promise<Paginator<T>>;
  nextPage(): Promise<Paginator<T>>;
}

export class Page<T> implements Paginator<T> {
  readonly #loadPrev: () => Promise<Paginator<T>>;
  readonly #loadNext: () => Promise<Paginator<T>>;

  constructor(
    readonly items: T[],
    readonly hasPrevPage: boolean,
    readonly hasNextPage: boolean,
    readonly startCursor: string | null,
    readonly endCursor: string | null,
    loadPrev: () => Promise<Paginator<T>>,
    loadNext: () => Promise<Paginator<T>>,
  ) {
    this.#loadPrev = loadPrev;
    this.#loadNext = loadNext;
  }

  prevPage(): Promise<Paginator<T>> {
    if (!this.hasPrevPage)
      return Promise.reject(new ParleyError("BAD_USER_INPUT", "There is no previous page; check hasPrevPage first."));
    return this.#loadPrev();
  }

  nextPage(): Promise<Paginator<T>> {
    if (!this.hasNextPage)
      return Promise.reject(new ParleyError("BAD_USER_INPUT", "There is no next page; check hasNextPage first."));
    return this.#loadNext();
  }
}
