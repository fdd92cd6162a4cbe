import { isParleyError, type Message } from "@parley/client";
import { memo, useEffect, useRef, useState } from "react";
import { useApp } from "../app-context.tsx";
import { formatMessageTime } from "../lib/format.ts";
import { isEdited } from "../lib/message-edit.ts";
import { describeError } from "../lib/session.ts";
import { MediaView } from "./MediaView.tsx";

interface Props {
  message: Message;
  mine: boolean;
  /** The message as updated by this tab (the live event brings the same one to everyone). */
  onEdited(message: Message): void;
  onRemoved(id: string): void;
}

export const MessageItem = memo(function MessageItem({ message, mine, onEdited, onRemoved }: Props) {
  const time = formatMessageTime(message.createdAt);
  const hasAttributes = Object.keys(message.attributes).length > 0;
  const [mode, setMode] = useState<"view" | "edit" | "confirm-delete">("view");
  return (
    <article
      className={`message${mine ? " mine" : ""}`}
      aria-label={`${message.author}, ${time}`}
      data-index={message.index}
    >
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
            <button type="button" className="ghost small" aria-label="Edit message" onClick={() => setMode("edit")}>
              Edit
            </button>
            <button
              type="button"
              className="ghost small"
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
        message.body !== null && <p className="body">{message.body}</p>
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
      {message.media.length > 0 && (
        <ul className="media-list">
          {message.media.map((m) => (
            <li key={m.id}>
              <MediaView messageId={message.id} media={m} />
            </li>
          ))}
        </ul>
      )}
      {hasAttributes && (
        <details className="attributes">
          <summary>Attributes</summary>
          <pre>{JSON.stringify(message.attributes, null, 2)}</pre>
        </details>
      )}
    </article>
  );
});

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
