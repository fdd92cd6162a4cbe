import type { Conversation, Message, Paginator } from "@parley/client";
import { useCallback, useEffect, useRef, useState } from "react";
import { useApp } from "../app-context.tsx";
import { config } from "../config.ts";
import { documentTitle, listTime, previewText } from "../lib/conversation-preview.ts";
import { describeError, isTransient } from "../lib/session.ts";
import { conversationTitle } from "./conversation-title.ts";
import { NewConversationDialog } from "./NewConversationDialog.tsx";

// 20 conversations of up to 1000 participants each stay under the API's per-operation object limit.
const PAGE_SIZE = 20;

export const unreadLabel = (n: number) => (n === 1 ? "1 unread message" : `${n} unread messages`);

interface ListState {
  items: Conversation[];
  status: "loading" | "ready" | "error";
  error: string | null;
  next: Paginator<Conversation> | null;
}

export function ConversationList(props: {
  selectedId: string | null;
  onSelect(id: string): void;
  onCreated(id: string): void;
  version: number;
}) {
  const { client, session, sent, newest, onApiError } = useApp();
  const [state, setState] = useState<ListState>({ items: [], status: "loading", error: null, next: null });
  const previews = useLastMessages(state.items, props.selectedId);
  const [creating, setCreating] = useState(false);
  const loadedMore = useRef(0);
  const newButton = useRef<HTMLButtonElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const restoreFocus = useRef(false);

  // The tab's title counts what is unread, so another tab or window shows it too.
  const totalUnread = state.items.reduce((n, c) => n + c.unreadMessagesCount, 0);
  useEffect(() => {
    document.title = documentTitle(totalUnread);
  }, [totalUnread]);
  useEffect(() => () => void (document.title = documentTitle(0)), []);

  // Messages seen here (sent, or the open thread's newest) update the previews without a request.
  useEffect(() => {
    const offSent = sent.subscribe(previews.offer);
    const offNewest = newest.subscribe(previews.offer);
    return () => {
      offSent();
      offNewest();
    };
  }, [sent, newest, previews.offer]);

  // The dialog is modal (the rest of the page inert) until it is gone: focus the button after.
  useEffect(() => {
    if (creating || !restoreFocus.current) return;
    restoreFocus.current = false;
    newButton.current?.focus();
  }, [creating]);

  // Just signed in (the sign-in form is gone, focus with it): start at the conversations. Until
  // the person moves focus, a later list (the first one may come back empty) moves it to its first.
  const autoFocused = useRef<Element | null>(null);
  useEffect(() => {
    if (state.status !== "ready") return;
    const active = document.activeElement;
    if (active && active !== document.body && active !== autoFocused.current) return;
    const target =
      list.current?.querySelector<HTMLElement>('a[aria-current="page"]') ??
      list.current?.querySelector<HTMLElement>("a") ??
      newButton.current;
    if (!target || target === active) return;
    if (autoFocused.current === null || active === autoFocused.current) {
      target.focus();
      autoFocused.current = target;
    }
  }, [state.status, state.items]);

  // Re-reads the first page(s): the order (latest activity first) changes as messages arrive.
  const refresh = useCallback(async (): Promise<boolean> => {
    try {
      let page = await client.getConversations({ pageSize: PAGE_SIZE });
      const items = [...page.items];
      for (let i = 0; i < loadedMore.current && page.hasNextPage; i++) {
        page = await page.nextPage();
        items.push(...page.items);
      }
      setState({ items, status: "ready", error: null, next: page.hasNextPage ? page : null });
      return true;
    } catch (error) {
      onApiError(error);
      const retrying = isTransient(error);
      setState((s) => ({
        ...s,
        status: s.status === "loading" ? "error" : s.status,
        error: describeError(error, { retrying }),
      }));
      return !retrying;
    }
  }, [client, onApiError]);

  // Re-read every 8 s; while Parley is unreachable every 2 s, so the list is back soon after it.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let live = true;
    const tick = async () => {
      const fine = document.hidden ? true : await refresh();
      if (live) timer = setTimeout(() => void tick(), fine ? config.conversationPollMs : config.retryMs);
    };
    void tick();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [refresh, props.version]);

  async function loadMore() {
    if (!state.next) return;
    try {
      const page = await state.next.nextPage();
      loadedMore.current++;
      setState((s) => ({
        ...s,
        items: [...s.items, ...page.items.filter((c) => !s.items.some((x) => x.id === c.id))],
        next: page.hasNextPage ? page : null,
      }));
    } catch (error) {
      onApiError(error);
      setState((s) => ({ ...s, error: describeError(error) }));
    }
  }

  return (
    <nav className="sidebar" aria-labelledby="conversations-heading">
      <div className="sidebar-head">
        <h2 id="conversations-heading">Conversations</h2>
        <button ref={newButton} type="button" className="primary" onClick={() => setCreating(true)}>
          New conversation
        </button>
      </div>
      {state.status === "loading" && <p className="muted pad">Loading conversations…</p>}
      {state.error && (
        <p className="error pad" role="alert">
          {state.error}
        </p>
      )}
      {state.status === "ready" && state.items.length === 0 && (
        <p className="muted pad">No conversations yet. Start one, or ask someone to add you.</p>
      )}
      <ul className="conversation-list" ref={list}>
        {state.items.map((c) => {
          const title = conversationTitle(c, session.identity);
          const selected = c.id === props.selectedId;
          const unread = c.unreadMessagesCount;
          const last = previews.get(c.id);
          return (
            <li key={c.id}>
              <a
                href={`#/conversations/${encodeURIComponent(c.id)}`}
                aria-current={selected ? "page" : undefined}
                className={
                  [selected ? "selected" : "", unread > 0 ? "has-unread" : ""].filter(Boolean).join(" ") || undefined
                }
                onClick={(e) => {
                  e.preventDefault();
                  props.onSelect(c.id);
                }}
              >
                <span className="title-row">
                  <span className="title">{title}</span>
                  {last && (
                    <time className="when" dateTime={last.createdAt.toISOString()}>
                      {listTime(last.createdAt)}
                    </time>
                  )}
                </span>
                <span className="preview-row">
                  <span className="subtitle">
                    {last
                      ? previewText(last, session.identity)
                      : `${c.participants.length} ${c.participants.length === 1 ? "participant" : "participants"} · ${c.participants
                          .map((p) => p.identity)
                          .slice(0, 4)
                          .join(", ")}`}
                  </span>
                  {unread > 0 && (
                    <span className="unread" aria-label={unreadLabel(unread)} title={unreadLabel(unread)}>
                      {unread > 99 ? "99+" : unread}
                    </span>
                  )}
                </span>
              </a>
            </li>
          );
        })}
      </ul>
      {state.next && (
        <button type="button" className="ghost pad" onClick={() => void loadMore()}>
          Show more conversations
        </button>
      )}
      {creating && (
        <NewConversationDialog
          onClose={() => {
            restoreFocus.current = true;
            setCreating(false);
          }}
          onCreated={(id) => {
            setCreating(false);
            props.onCreated(id);
          }}
        />
      )}
    </nav>
  );
}

/** At most this many last-message reads at once (one per conversation whose preview is stale). */
const PREVIEW_CONCURRENCY = 4;

/**
 * The last message of each listed conversation, for its preview line and time. The API has no
 * "last message" field, so each is read with a one-message page, and again only when the
 * conversation's place in the list or its unread count changed. The open conversation is never
 * read: its thread tells the newest message (see `newest`), live.
 */
function useLastMessages(items: readonly Conversation[], openId: string | null) {
  const { client, onApiError } = useApp();
  const [messages, setMessages] = useState<ReadonlyMap<string, Message>>(new Map());
  const readFor = useRef(new Map<string, string>());

  const offer = useCallback((conversationId: string, message: Message) => {
    setMessages((current) => {
      const shown = current.get(conversationId);
      if (shown && (shown.index > message.index || (shown.id === message.id && shown.updatedAt >= message.updatedAt)))
        return current;
      return new Map(current).set(conversationId, message);
    });
  }, []);

  useEffect(() => {
    const stale = items
      .map((c, position) => ({ id: c.id, key: `${position}:${c.unreadMessagesCount}` }))
      .filter(({ id, key }) => id !== openId && readFor.current.get(id) !== key);
    if (stale.length === 0) return;
    for (const { id, key } of stale) readFor.current.set(id, key);
    let live = true;
    const queue = [...stale];
    const worker = async () => {
      for (let next = queue.shift(); next && live; next = queue.shift()) {
        try {
          const page = await client.conversation(next.id).getMessages({ pageSize: 1 });
          const last = page.items.at(-1);
          if (last) offer(next.id, last); // offer() keeps the newer of two answers
        } catch (error) {
          readFor.current.delete(next.id); // read again on the next refresh
          onApiError(error);
        }
      }
    };
    for (let i = 0; i < PREVIEW_CONCURRENCY; i++) void worker();
    return () => {
      live = false;
      for (const { id } of queue) readFor.current.delete(id);
    };
  }, [items, openId, client, offer, onApiError]);

  return { get: (id: string) => messages.get(id), offer };
}
