import type { Conversation, Message } from "@parley/client";
import {
  Fragment,
  useCallback,
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
  type DragEvent,
  type FocusEvent,
  type KeyboardEvent,
} from "react";
import { flushSync } from "react-dom";
import { useApp } from "../app-context.tsx";
import { config } from "../config.ts";
import { drafts } from "../lib/drafts.ts";
import { formatDay, threadRows } from "../lib/message-groups.ts";
import { describeError, isTransient } from "../lib/session.ts";
import { ReadHorizon } from "../lib/read-horizon.ts";
import { EMPTY_THREAD, ThreadStore, type ThreadState } from "../lib/thread.ts";
import { Composer, type ComposerDraft } from "./Composer.tsx";
import { conversationTitle } from "./conversation-title.ts";
import { MessageItem } from "./MessageItem.tsx";
import { OutgoingItem } from "./OutgoingItem.tsx";
import { Participants } from "./Participants.tsx";

const noSubscribe = () => () => {};
const emptySnapshot = (): ThreadState<Message> => EMPTY_THREAD;
/** Within this many pixels of the bottom counts as "reading the newest": new messages scroll in. */
const STICK_TO_BOTTOM_PX = 96;
/** Closer than this to the top loads the previous page. */
const LOAD_OLDER_PX = 240;

export function Thread({
  conversationId,
  onBack,
  onChanged,
}: {
  conversationId: string;
  onBack(): void;
  onChanged(): void;
}) {
  const { client, session, outbox, sent, newest, onApiError } = useApp();
  const [conversation, setConversation] = useState<Conversation | null>(null);
  const [conversationError, setConversationError] = useState<string | null>(null);
  const [store, setStore] = useState<ThreadStore<Message> | null>(null);
  // The draft lives per conversation and outlasts this view (switching, reloading, an expired token).
  const [draft, setDraftState] = useState<ComposerDraft>(() => drafts.get(session.identity, conversationId));
  const setDraft = useCallback(
    (next: ComposerDraft | ((d: ComposerDraft) => ComposerDraft)) =>
      setDraftState((d) => {
        const value = typeof next === "function" ? next(d) : next;
        drafts.set(session.identity, conversationId, { body: value.body, files: [...value.files] });
        return value;
      }),
    [session.identity, conversationId],
  );
  const [showParticipants, setShowParticipants] = useState(false);
  const [dragDepth, setDragDepth] = useState(0);
  const [unseen, setUnseen] = useState(0);
  const [connection, setConnection] = useState(client.connectionState);
  const [wasConnected, setWasConnected] = useState(client.connectionState === "connected");
  const scroller = useRef<HTMLDivElement>(null);
  const composerInput = useRef<HTMLTextAreaElement>(null);

  const loadConversation = useCallback(async () => {
    try {
      setConversation(await client.getConversation(conversationId));
      setConversationError(null);
    } catch (error) {
      onApiError(error);
      const retrying = isTransient(error);
      setConversationError(describeError(error, { retrying }));
      if (retrying) retryConversation.current = setTimeout(() => void loadConversationRef.current(), config.retryMs);
    }
  }, [client, conversationId, onApiError]);
  const retryConversation = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const loadConversationRef = useRef(loadConversation);
  loadConversationRef.current = loadConversation;
  useEffect(() => () => clearTimeout(retryConversation.current), []);

  // Participants and name change rarely; re-read them now and then (limits come with them).
  useEffect(() => {
    void loadConversation();
    const timer = setInterval(() => {
      if (!document.hidden) void loadConversation();
    }, config.conversationPollMs * 4);
    return () => clearInterval(timer);
  }, [loadConversation]);

  // The thread: newest page, then live events (the SDK reconnects and resumes by index itself).
  useEffect(() => {
    const s = new ThreadStore<Message>(client.conversation(conversationId));
    setStore(s);
    void s.start();
    const unsubscribe = sent.subscribe((id, message) => {
      if (id === conversationId) s.add(message);
    });
    return () => {
      unsubscribe();
      s.close();
    };
  }, [client, conversationId, sent]);

  useEffect(() => {
    const update = (state: typeof client.connectionState) => {
      setConnection(state);
      if (state === "connected") setWasConnected(true);
    };
    update(client.connectionState);
    return client.on("connectionStateChanged", update);
  }, [client]);

  // Read state: the newest message on screen moves the read horizon (and clears the list's count).
  const onChangedRef = useRef(onChanged);
  onChangedRef.current = onChanged;
  const horizon = useMemo(
    () =>
      new ReadHorizon((index) => client.conversation(conversationId).setLastReadMessageIndex(index), {
        onMarked: () => onChangedRef.current(),
        onError: onApiError,
      }),
    [client, conversationId, onApiError],
  );

  const thread = useSyncExternalStore(store?.subscribe ?? noSubscribe, store?.getSnapshot ?? emptySnapshot);
  const allOutgoing = useSyncExternalStore(outbox.subscribe, outbox.getSnapshot);
  const outgoing = useMemo(
    () => allOutgoing.filter((m) => m.conversationId === conversationId),
    [allOutgoing, conversationId],
  );

  useEffect(() => {
    if (thread.error) onApiError(thread.error);
    // The first page could not be read because Parley was away: read it again shortly.
    if (thread.status !== "error" || !isTransient(thread.error)) return;
    const timer = setTimeout(() => void store?.start(), config.retryMs);
    return () => clearTimeout(timer);
  }, [thread.error, thread.status, store, onApiError]);
  useEffect(() => {
    if (thread.liveError) onApiError(thread.liveError);
  }, [thread.liveError, onApiError]);

  const rows = useMemo(() => threadRows(thread.messages), [thread.messages]);
  const newestMessage = thread.messages.at(-1);
  useEffect(() => {
    if (newestMessage) newest.emit(conversationId, newestMessage);
  }, [newest, conversationId, newestMessage]);
  const keysHintId = useId();
  const newestIndex = thread.messages.at(-1)?.index;
  const markReadIfNewestVisible = useCallback(() => {
    const el = scroller.current;
    if (el && newestIndex !== undefined && document.visibilityState === "visible" && isAtBottom(el))
      void horizon.see(newestIndex);
  }, [horizon, newestIndex]);
  useEffect(() => {
    markReadIfNewestVisible();
    document.addEventListener("visibilitychange", markReadIfNewestVisible);
    return () => document.removeEventListener("visibilitychange", markReadIfNewestVisible);
  }, [markReadIfNewestVisible]);

  const onEdited = useCallback((message: Message) => store?.add(message), [store]);
  const onRemoved = useCallback((id: string) => store?.remove(id), [store]);

  // Scrolling. At the bottom the view stays at the bottom whatever grows late (media, previews,
  // an error under an outgoing message): a ResizeObserver re-pins it. Scrolled up, the first
  // message in view keeps its place on screen (older pages, edits above, late media above).
  const content = useRef<HTMLDivElement>(null);
  const pin = useRef({ atBottom: true, anchor: null as { id: string; top: number } | null });
  const seenLast = useRef<string | undefined>(undefined);

  const recordPosition = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    pin.current.atBottom = isAtBottom(el);
    pin.current.anchor = firstVisible(el);
  }, []);

  const settle = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    if (pin.current.atBottom) {
      el.scrollTop = el.scrollHeight;
    } else {
      const anchor = pin.current.anchor;
      const node = anchor && el.querySelector<HTMLElement>(`[data-id="${CSS.escape(anchor.id)}"]`);
      if (anchor && node) el.scrollTop += offsetIn(el, node) - anchor.top;
    }
    recordPosition();
  }, [recordPosition]);

  useEffect(() => {
    const el = scroller.current;
    const inner = content.current;
    if (!el || !inner || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(() => settle());
    observer.observe(inner);
    observer.observe(el);
    return () => observer.disconnect();
  }, [settle]);

  // New messages: mine (or while at the bottom) scroll into view; others' while scrolled up count
  // towards the "N new messages" pill.
  useLayoutEffect(() => {
    const last = thread.messages.at(-1);
    const before = seenLast.current;
    seenLast.current = last?.id;
    if (last && before !== undefined && last.id !== before && !pin.current.atBottom) {
      const at = thread.messages.findIndex((m) => m.id === before);
      const isNewer = at >= 0 && at < thread.messages.length - 1;
      if (isNewer && last.author === session.identity) pin.current.atBottom = true;
      else if (isNewer) setUnseen((n) => n + 1);
    }
    settle();
  }, [thread.messages, session.identity, settle]);

  const outgoingCount = outgoing.length;
  const outgoingBefore = useRef(outgoingCount);
  useLayoutEffect(() => {
    // Something just written here: show it, wherever the view was.
    if (outgoingCount > outgoingBefore.current) pin.current.atBottom = true;
    outgoingBefore.current = outgoingCount;
    settle();
  }, [outgoingCount, settle]);

  // A first page that does not fill the view cannot be scrolled: load older ones until it does.
  useEffect(() => {
    const el = scroller.current;
    if (
      el &&
      thread.status === "ready" &&
      thread.hasOlder &&
      !thread.loadingOlder &&
      el.scrollHeight <= el.clientHeight
    )
      void store?.loadOlder();
  }, [thread, store]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    recordPosition();
    const atBottom = pin.current.atBottom;
    if (atBottom && unseen > 0) setUnseen(0);
    if (atBottom) markReadIfNewestVisible();
    if (el.scrollTop < LOAD_OLDER_PX && thread.hasOlder && !thread.loadingOlder) void store?.loadOlder();
  };

  const scrollToBottom = () => {
    pin.current.atBottom = true;
    settle();
    setUnseen(0);
  };

  // Keyboard: the thread is one Tab stop (the current message); arrows move, Enter reaches the
  // message's own controls, Esc comes back.
  const [current, setCurrent] = useState<string | null>(null);
  const [inside, setInside] = useState<string | null>(null);
  const currentId =
    current && thread.messages.some((m) => m.id === current) ? current : (thread.messages.at(-1)?.id ?? null);
  const focusMessage = (id: string | undefined) => {
    if (!id) return;
    setCurrent(id);
    setInside(null);
    scroller.current?.querySelector<HTMLElement>(`article[data-id="${CSS.escape(id)}"]`)?.focus();
  };
  const onThreadKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const target = event.target as HTMLElement;
    const article = target.closest<HTMLElement>("article[data-id]");
    if (!article || target.closest("dialog")) return;
    const id = article.dataset.id!;
    const at = thread.messages.findIndex((m) => m.id === id);
    if (target === article) {
      const move = { ArrowUp: at - 1, ArrowDown: at + 1, Home: 0, End: thread.messages.length - 1 }[event.key];
      if (move !== undefined) {
        event.preventDefault();
        if (move < 0 && thread.hasOlder) void store?.loadOlder();
        focusMessage(thread.messages[Math.max(0, Math.min(thread.messages.length - 1, move))]?.id);
      } else if (event.key === "Enter") {
        event.preventDefault();
        // The controls become tabbable with this render; then the first one takes focus.
        flushSync(() => setInside(id));
        article.querySelector<HTMLElement>(CONTROLS)?.focus();
      }
    } else if (event.key === "Escape" && !event.defaultPrevented) {
      event.preventDefault();
      focusMessage(id);
    }
  };
  const onThreadFocus = (event: FocusEvent<HTMLDivElement>) => {
    const article = (event.target as HTMLElement).closest<HTMLElement>("article[data-id]");
    if (!article) return;
    const id = article.dataset.id!;
    if (id !== currentId) setCurrent(id);
    if (event.target !== article && inside !== id) setInside(id);
  };
  const onThreadBlur = (event: FocusEvent<HTMLDivElement>) => {
    const next = event.relatedTarget as HTMLElement | null;
    if (inside && !next?.closest(`article[data-id="${CSS.escape(inside)}"]`)) setInside(null);
  };

  // Opening a conversation puts the cursor in its message box.
  const focusedOnOpen = useRef(false);
  useEffect(() => {
    if (!conversation || focusedOnOpen.current) return;
    focusedOnOpen.current = true;
    if (!document.activeElement?.closest("dialog")) composerInput.current?.focus({ preventScroll: true });
  }, [conversation]);

  const send = (next: ComposerDraft) => {
    outbox.enqueue(conversationId, { body: next.body, files: next.files });
    setDraft({ body: "", files: [] });
    onChanged();
  };

  const addFiles = (files: File[]) => {
    if (files.length > 0) setDraft((d) => ({ ...d, files: [...d.files, ...files] }));
  };

  const hasFiles = (event: DragEvent) => Array.from(event.dataTransfer.types).includes("Files");
  const title = conversation
    ? conversationTitle(conversation, session.identity)
    : conversationError
      ? "Conversation"
      : "Loading…";

  return (
    <section
      className={`thread${dragDepth > 0 ? " dragging" : ""}`}
      aria-labelledby="thread-title"
      onDragEnter={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        setDragDepth((d) => d + 1);
      }}
      onDragOver={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = "copy";
      }}
      onDragLeave={(e) => {
        if (hasFiles(e)) setDragDepth((d) => Math.max(0, d - 1));
      }}
      onDrop={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        setDragDepth(0);
        addFiles(Array.from(e.dataTransfer.files));
        composerInput.current?.focus();
      }}
    >
      <header className="thread-head">
        <button type="button" className="ghost back" onClick={onBack} aria-label="Back to conversations">
          ←
        </button>
        <div className="thread-title">
          <h2 id="thread-title">{title}</h2>
          {conversation && (
            <span className="muted small">
              {conversation.participants.length}{" "}
              {conversation.participants.length === 1 ? "participant" : "participants"}
            </span>
          )}
        </div>
        {conversation && (
          <button
            type="button"
            aria-expanded={showParticipants}
            aria-controls="participants-panel"
            onClick={() => setShowParticipants((v) => !v)}
          >
            Participants
          </button>
        )}
      </header>
      {showParticipants && conversation && (
        <Participants
          id="participants-panel"
          conversation={conversation}
          onChanged={() => void loadConversation().then(onChanged)}
        />
      )}
      {conversationError && (
        <p className="error pad" role="alert">
          {conversationError}
        </p>
      )}
      <div
        className="messages"
        ref={scroller}
        onScroll={onScroll}
        onKeyDown={onThreadKeyDown}
        onFocus={onThreadFocus}
        onBlur={onThreadBlur}
        role="log"
        aria-label="Messages"
        aria-describedby={keysHintId}
        aria-busy={thread.status === "loading"}
      >
        <div className="messages-content" ref={content}>
          <p id={keysHintId} className="visually-hidden">
            Up and down arrows move between messages; Enter reaches a message&apos;s actions, Escape comes back.
          </p>
          {thread.hasOlder && (
            <div className="older">
              <button
                type="button"
                className="ghost"
                onClick={() => void store?.loadOlder()}
                disabled={thread.loadingOlder}
              >
                {thread.loadingOlder ? "Loading older messages…" : "Load older messages"}
              </button>
            </div>
          )}
          {thread.status === "loading" && <p className="muted pad">Loading messages…</p>}
          {thread.status === "error" && (
            <p className="error pad" role="alert">
              {describeError(thread.error, { retrying: isTransient(thread.error) })}{" "}
              <button type="button" onClick={() => void store?.start()}>
                Try again
              </button>
            </p>
          )}
          {thread.status === "ready" && thread.messages.length === 0 && outgoing.length === 0 && (
            <p className="muted pad center">No messages yet. Say hello!</p>
          )}
          {rows.map(({ message: m, dayStart, continued }) => (
            <Fragment key={m.id}>
              {dayStart && (
                <div className="day-divider" role="separator" aria-label={formatDay(m.createdAt)}>
                  <span>{formatDay(m.createdAt)}</span>
                </div>
              )}
              <MessageItem
                message={m}
                mine={m.author === session.identity}
                continued={continued}
                focus={inside === m.id ? "inside" : currentId === m.id ? "current" : "none"}
                onEdited={onEdited}
                onRemoved={onRemoved}
              />
            </Fragment>
          ))}
          {outgoing.map((m) => (
            <OutgoingItem key={m.id} item={m} />
          ))}
        </div>
      </div>
      {thread.liveError != null ? (
        <p className="poll-error" role="alert">
          Live updates stopped: {describeError(thread.liveError)}{" "}
          <button type="button" className="ghost" onClick={() => store?.resume()}>
            Reconnect
          </button>
        </p>
      ) : (
        wasConnected &&
        connection !== "connected" && (
          <p className="poll-error" role="status">
            Reconnecting to live updates…
          </p>
        )
      )}
      {thread.olderError != null && (
        <p className="poll-error" role="status">
          Older messages could not be loaded: {describeError(thread.olderError)} Scroll up to try again.
        </p>
      )}
      {unseen > 0 && (
        <button type="button" className="new-messages" onClick={scrollToBottom}>
          {unseen === 1 ? "1 new message" : `${unseen} new messages`} ↓
        </button>
      )}
      {conversation && (
        <Composer
          limits={conversation.limits}
          draft={draft}
          onDraftChange={setDraft}
          onAddFiles={addFiles}
          onSend={send}
          inputRef={composerInput}
        />
      )}
      {dragDepth > 0 && (
        <div className="drop-overlay" aria-hidden="true">
          Drop files to attach them
        </div>
      )}
    </section>
  );
}

/** Interactive elements inside a message, in the order Enter reaches them. */
const CONTROLS = "button, a[href], audio, video, summary, textarea, input";

/** Where `node` starts, in pixels from the top of the scroller's visible area. */
function offsetIn(scroller: HTMLElement, node: HTMLElement): number {
  return node.getBoundingClientRect().top - scroller.getBoundingClientRect().top;
}

/** The first message at least partly in view, and where it is on screen. */
function firstVisible(scroller: HTMLElement): { id: string; top: number } | null {
  for (const node of scroller.querySelectorAll<HTMLElement>("article[data-id]")) {
    const top = offsetIn(scroller, node);
    if (top + node.offsetHeight > 0) return { id: node.dataset.id!, top };
  }
  return null;
}

function isAtBottom(el: HTMLElement): boolean {
  return el.scrollHeight - el.scrollTop - el.clientHeight < STICK_TO_BOTTOM_PX;
}
