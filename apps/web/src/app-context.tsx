import { createContext, useContext } from "react";
import type { Message, ParleyClient } from "@parley/client";
import type { MediaUrls } from "./lib/media-urls.ts";
import type { Outbox } from "./lib/outbox.ts";
import type { Session } from "./lib/session.ts";

export interface AppServices {
  session: Session;
  client: ParleyClient;
  mediaUrls: MediaUrls;
  outbox: Outbox<Message>;
  /** Every API error passes here; an expired pasted token signs the person out. */
  onApiError(error: unknown): void;
  /** Messages this tab sent, per conversation (the open thread shows them at once). */
  sent: SentMessages;
  /** The newest message of the open thread whenever it changes (the list's preview follows it). */
  newest: SentMessages;
}

/** A tiny event hub: the outbox tells the thread (and the conversation list) about sent messages; the thread tells the list its newest. */
export class SentMessages {
  readonly #listeners = new Set<(conversationId: string, message: Message) => void>();
  emit(conversationId: string, message: Message): void {
    for (const listener of this.#listeners) listener(conversationId, message);
  }
  subscribe(listener: (conversationId: string, message: Message) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

export const AppContext = createContext<AppServices | null>(null);

export function useApp(): AppServices {
  const value = useContext(AppContext);
  if (!value) throw new Error("useApp() outside <AppContext.Provider>");
  return value;
}
