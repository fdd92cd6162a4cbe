import type { Conversation, Paginator } from "@parley/client";
import { useCallback, useEffect, useRef, useState } from "react";
import { useApp } from "../app-context.tsx";
import { config } from "../config.ts";
import { describeError } from "../lib/session.ts";
import { conversationTitle } from "./conversation-title.ts";
import { NewConversationDialog } from "./NewConversationDialog.tsx";

const PAGE_SIZE = 50;

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
  const { client, session, onApiError } = useApp();
  const [state, setState] = useState<ListState>({ items: [], status: "loading", error: null, next: null });
  const [creating, setCreating] = useState(false);
  const loadedMore = useRef(0);
  const newButton = useRef<HTMLButtonElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const restoreFocus = useRef(false);

  // The dialog is modal (the rest of the page inert) until it is gone: focus the button after.
  useEffect(() => {
    if (creating || !restoreFocus.current) return;
    restoreFocus.current = false;
    newButton.current?.focus();
  }, [creating]);

  // Just signed in (the sign-in form is gone, focus with it): start at the conversations.
  const focusedOnce = useRef(false);
  useEffect(() => {
    if (state.status !== "ready" || focusedOnce.current) return;
    focusedOnce.current = true;
    if (document.activeElement && document.activeElement !== document.body) return;
    const target =
      list.current?.querySelector<HTMLElement>('a[aria-current="page"]') ?? list.current?.querySelector("a");
    (target ?? newButton.current)?.focus();
  }, [state.status]);

  // Re-reads the first page(s): the order (latest activity first) changes as messages arrive.
  const refresh = useCallback(async () => {
    try {
      let page = await client.getConversations({ pageSize: PAGE_SIZE });
      const items = [...page.items];
      for (let i = 0; i < loadedMore.current && page.hasNextPage; i++) {
        page = await page.nextPage();
        items.push(...page.items);
      }
      setState({ items, status: "ready", error: null, next: page.hasNextPage ? page : null });
    } catch (error) {
      onApiError(error);
      setState((s) => ({ ...s, status: s.status === "loading" ? "error" : s.status, error: describeError(error) }));
    }
  }, [client, onApiError]);

  useEffect(() => {
    void refresh();
    const timer = setInterval(() => {
      if (!document.hidden) void refresh();
    }, config.conversationPollMs);
    return () => clearInterval(timer);
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
                  {unread > 0 && (
                    <span className="unread" aria-label={unreadLabel(unread)} title={unreadLabel(unread)}>
                      {unread > 99 ? "99+" : unread}
                    </span>
                  )}
                </span>
                <span className="subtitle">
                  {c.participants.length} {c.participants.length === 1 ? "participant" : "participants"} ·{" "}
                  {c.participants
                    .map((p) => p.identity)
                    .slice(0, 4)
                    .join(", ")}
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
