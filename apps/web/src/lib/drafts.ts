/** What a person has written in a conversation and not sent yet. */
export interface Draft {
  body: string;
  files: File[];
}

const PREFIX = "parley.drafts.";
const EMPTY: Draft = { body: "", files: [] };

/**
 * Drafts per identity and conversation. Texts are kept in the tab's storage (a reload or a
 * sign-out because the token expired does not lose them); files, which storage cannot hold, live
 * as long as the page. Signing out on purpose forgets them (clear).
 */
export class Drafts {
  readonly #files = new Map<string, File[]>();

  constructor(private readonly storage: () => Storage | null) {}

  get(identity: string, conversationId: string): Draft {
    const body = this.#read(identity)[conversationId] ?? "";
    const files = this.#files.get(`${identity}\n${conversationId}`) ?? [];
    return body || files.length ? { body, files } : EMPTY;
  }

  set(identity: string, conversationId: string, draft: Draft): void {
    const bodies = this.#read(identity);
    if (draft.body) bodies[conversationId] = draft.body;
    else delete bodies[conversationId];
    this.#write(identity, bodies);
    const key = `${identity}\n${conversationId}`;
    if (draft.files.length) this.#files.set(key, [...draft.files]);
    else this.#files.delete(key);
  }

  /** Puts a message that could not be sent back into its conversation's draft (after what is there). */
  keepUnsent(identity: string, conversationId: string, unsent: Draft): void {
    const current = this.get(identity, conversationId);
    this.set(identity, conversationId, {
      body: [current.body, unsent.body].filter(Boolean).join("\n"),
      files: [...current.files, ...unsent.files],
    });
  }

  /** Forgets every draft of `identity` (signing out on purpose). */
  clear(identity: string): void {
    try {
      this.storage()?.removeItem(PREFIX + identity);
    } catch {
      // no storage: nothing kept
    }
    for (const key of [...this.#files.keys()]) if (key.startsWith(`${identity}\n`)) this.#files.delete(key);
  }

  #read(identity: string): Record<string, string> {
    try {
      const raw = this.storage()?.getItem(PREFIX + identity);
      const value = raw ? (JSON.parse(raw) as unknown) : null;
      return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, string>) : {};
    } catch {
      return {}; // a damaged entry is the same as none
    }
  }

  #write(identity: string, bodies: Record<string, string>): void {
    try {
      const storage = this.storage();
      if (!storage) return;
      if (Object.keys(bodies).length) storage.setItem(PREFIX + identity, JSON.stringify(bodies));
      else storage.removeItem(PREFIX + identity);
    } catch {
      // storage full or refused: the draft still lives in the page
    }
  }
}

const tabStorage = () => {
  try {
    return sessionStorage;
  } catch {
    return null;
  }
};

/** The tab's drafts (one identity at a time, like the session). */
export const drafts = new Drafts(tabStorage);
