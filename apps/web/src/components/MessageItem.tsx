import { isParleyError, type Message } from "@parley/client";
import { memo, useEffect, useId, useRef, useState } from "react";
import { useApp } from "../app-context.tsx";
import { formatMessageTime } from "../lib/format.ts";
import { linkifyParts } from "../lib/linkify.ts";
import { isEdited } from "../lib/message-edit.ts";
import { describeError } from "../lib/session.ts";
import { MessageControlsTabIndex } from "./message-controls.ts";
import { MessageMedia } from "./MediaView.tsx";

interface Props {
  message: Message;
  mine: boolean;
  /** Same author within minutes of the one above: no name and time header of its own. */
  continued?: boolean;
  /**
   * Roving focus: `current` is the thread's one Tab stop; `inside` also puts the message's own
   * controls in the Tab order (after Enter on it); `none` is reached with the arrow keys.
   */
  focus?: "none" | "current" | "inside";
  /** The message as updated by this tab (the live event brings the same one to everyone). */
  onEdited(message: Message): void;
  onRemoved(id: string): void;
}

export const MessageItem = memo(function MessageItem({
  message,
  mine,
  continued = false,
  focus = "current",
  onEdited,
  onRemoved,
}: Props) {
  const time = formatMessageTime(message.createdAt);
  const hasAttributes = Object.keys(message.attributes).length > 0;
  const [mode, setMode] = useState<"view" | "edit" | "confirm-delete">("view");
  const bodyId = useId();
  const controls = focus === "inside" ? 0 : -1;
  const media = message.media.length;
  const label = `${message.author}, ${time}${media ? `, ${media === 1 ? "1 attachment" : `${media} attachments`}` : ""}`;
  return (
    <article
      className={`message${mine ? " mine" : ""}${continued ? " continued" : ""}`}
      aria-label={label}
      aria-describedby={message.body !== null ? bodyId : undefined}
      data-index={message.index}
      data-id={message.id}
      tabIndex={focus === "none" ? -1 : 0}
      title={continued ? message.createdAt.toLocaleString() : undefined}
    >
      <MessageControlsTabIndex value={controls}>
        <header className="message-head">
          <span className="author">{message.author}</span>
          <time dateTime={message.createdAt.toISOString()} title={message.createdAt.toLocaleString()}>
            {time}
          </time>
          {isEdited(message) && (
            <span className="edited muted small" title={`Edited ${message.updatedAt.toLocaleString()}`}>
              (edited)
            </span>
          )}
          {mine && mode === "view" && (
            <span className="message-actions">
              <button
                type="button"
                className="ghost small"
                tabIndex={controls}
                aria-label="Edit message"
                onClick={() => setMode("edit")}
              >
                Edit
              </button>
              <button
                type="button"
                className="ghost small"
                tabIndex={controls}
                aria-label="Delete message"
                onClick={() => setMode("confirm-delete")}
              >
                Delete
              </button>
            </span>
          )}
        </header>
        {mode === "edit" ? (
          <EditBody
            message={message}
            onDone={(updated) => {
              if (updated) onEdited(updated);
              setMode("view");
            }}
          />
        ) : (
          message.body !== null && <Body id={bodyId} text={message.body} tabIndex={controls} />
        )}
        {mode === "confirm-delete" && (
          <ConfirmDelete
            message={message}
            onDone={(removed) => {
              if (removed) onRemoved(message.id);
              else setMode("view");
            }}
          />
        )}
        {message.media.length > 0 && <MessageMedia message={message} />}
        {hasAttributes && (
          <details className="attributes">
            <summary tabIndex={controls}>Attributes</summary>
            <pre>{JSON.stringify(message.attributes, null, 2)}</pre>
          </details>
        )}
      </MessageControlsTabIndex>
    </article>
  );
});

/** The body as text with its links made clickable (React elements, never HTML). */
function Body({ id, text, tabIndex }: { id: string; text: string; tabIndex: number }) {
  const parts = linkifyParts(text);
  return (
    <p className="body" id={id}>
      {parts.map((part, i) =>
        part.kind === "link" ? (
          <a key={i} href={part.href} target="_blank" rel="noopener noreferrer nofollow" tabIndex={tabIndex}>
            {part.text}
          </a>
        ) : (
          part.text
        ),
      )}
    </p>
  );
}

function EditBody({ message, onDone }: { message: Message; onDone(updated: Message | null): void }) {
  const { onApiError } = useApp();
  const [body, setBody] = useState(message.body ?? "");
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    const el = input.current;
    if (!el) return;
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
  }, []);

  const save = async () => {
    if (body === (message.body ?? "")) return onDone(null);
    if (body.trim() === "") return setError("A message cannot be empty; delete it instead.");
    setSaving(true);
    try {
      onDone(await message.updateBody(body));
    } catch (e) {
      onApiError(e);
      setError(describeChangeError(e));
      setSaving(false);
    }
  };

  return (
    <form
      className="edit-message"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <textarea
        ref={input}
        aria-label="Edit message"
        value={body}
        rows={Math.min(8, body.split("\n").length + 1)}
        disabled={saving}
        onChange={(e) => setBody(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
            e.preventDefault();
            void save();
          } else if (e.key === "Escape") {
            e.preventDefault();
            onDone(null);
          }
        }}
      />
      {error && (
        <p className="error small" role="alert">
          {error}
        </p>
      )}
      <div className="edit-actions">
        <button type="submit" className="primary small" disabled={saving}>
          {saving ? "Saving…" : "Save"}
        </button>
        <button type="button" className="ghost small" disabled={saving} onClick={() => onDone(null)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function ConfirmDelete({ message, onDone }: { message: Message; onDone(removed: boolean): void }) {
  const { onApiError } = useApp();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const remove = async () => {
    setBusy(true);
    try {
      await message.remove();
      onDone(true);
    } catch (e) {
      onApiError(e);
      setError(describeChangeError(e));
      setBusy(false);
    }
  };
  return (
    <div className="confirm-delete" role="group" aria-label="Delete this message?">
      <span>
        {message.media.length > 0
          ? "Delete this message and its attachments for everyone?"
          : "Delete this message for everyone?"}
      </span>
      <button type="button" className="danger small" disabled={busy} onClick={() => void remove()}>
        {busy ? "Deleting…" : "Delete"}
      </button>
      <button type="button" className="ghost small" disabled={busy} onClick={() => onDone(false)}>
        Keep
      </button>
      {error && (
        <p className="error small" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** FORBIDDEN here means "not the author" (describeError's sentence is about participants). */
function describeChangeError(error: unknown): string {
  return isParleyError(error, "FORBIDDEN")
    ? "Only the author can change or delete this message."
    : describeError(error);
}
