import type { Conversation, Message } from "@parley/client";
import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
  type DragEvent,
} from "react";
import { useApp } from "../app-context.tsx";
import { config } from "../config.ts";
import { describeError } from "../lib/session.ts";
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
  const { client, session, outbox, sent, onApiError } = useApp();
  const [conversation, setConversation] = useState<Conversation | null>(null);
  const [conversationError, setConversationError] = useState<string | null>(null);
  const [store, setStore] = useState<ThreadStore<Message> | null>(null);
  const [draft, setDraft] = useState<ComposerDraft>({ body: "", files: [] });
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
      setConversationError(describeError(error));
    }
  }, [client, conversationId, onApiError]);

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
  }, [thread.error, onApiError]);
  useEffect(() => {
    if (thread.liveError) onApiError(thread.liveError);
  }, [thread.liveError, onApiError]);

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

  // Scrolling: stay at the bottom while reading the newest, keep the place when older pages arrive.
  const layout = useRef({
    first: undefined as string | undefined,
    last: undefined as string | undefined,
    height: 0,
    outgoing: 0,
    outgoingState: "",
    atBottom: true,
  });
  const outgoingState = outgoing.map((m) => `${m.id}:${m.status}`).join(",");
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const before = layout.current;
    const first = thread.messages[0]?.id;
    const last = thread.messages.at(-1)?.id;
    if (before.first !== undefined && first !== before.first && last === before.last) {
      el.scrollTop += el.scrollHeight - before.height; // older page prepended
    } else if (last !== before.last || outgoing.length > before.outgoing) {
      const mine = thread.messages.at(-1)?.author === session.identity;
      if (before.atBottom || before.last === undefined || mine || outgoing.length > before.outgoing)
        el.scrollTop = el.scrollHeight;
      else if (last !== before.last) setUnseen((n) => n + 1);
    } else if (outgoingState !== before.outgoingState && before.atBottom) {
      el.scrollTop = el.scrollHeight; // an error or Retry appeared under a message being sent
    }
    layout.current = {
      first,
      last,
      height: el.scrollHeight,
      outgoing: outgoing.length,
      outgoingState,
      atBottom: isAtBottom(el),
    };
  }, [thread.messages, outgoing.length, outgoingState, session.identity]);

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
    const atBottom = isAtBottom(el);
    layout.current.atBottom = atBottom;
    layout.current.height = el.scrollHeight;
    if (atBottom && unseen > 0) setUnseen(0);
    if (atBottom) markReadIfNewestVisible();
    if (el.scrollTop < LOAD_OLDER_PX && thread.hasOlder && !thread.loadingOlder) void store?.loadOlder();
  };

  const scrollToBottom = () => {
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
    setUnseen(0);
  };

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
        role="log"
        aria-label="Messages"
        aria-busy={thread.status === "loading"}
        tabIndex={0}
      >
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
            {describeError(thread.error)}{" "}
            <button type="button" onClick={() => void store?.start()}>
              Try again
            </button>
          </p>
        )}
        {thread.status === "ready" && thread.messages.length === 0 && outgoing.length === 0 && (
          <p className="muted pad center">No messages yet. Say hello!</p>
        )}
        {thread.messages.map((m) => (
          <MessageItem
            key={m.id}
            message={m}
            mine={m.author === session.identity}
            onEdited={onEdited}
            onRemoved={onRemoved}
          />
        ))}
        {outgoing.map((m) => (
          <OutgoingItem key={m.id} item={m} />
        ))}
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
          Older messages could not be loaded: {describeError(thread.olderError)}
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

function isAtBottom(el: HTMLElement): boolean {
  return el.scrollHeight - el.scrollTop - el.clientHeight < STICK_TO_BOTTOM_PX;
}
