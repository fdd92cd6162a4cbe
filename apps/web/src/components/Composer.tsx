import type { ConversationLimits } from "@parley/client";
import { useId, useRef, type ClipboardEvent, type FormEvent, type KeyboardEvent, type RefObject } from "react";
import { formatBytes } from "../lib/format.ts";
import { checkDraft, lengthCounter } from "../lib/limits.ts";
import { FilePreview } from "./FilePreview.tsx";

export interface ComposerDraft {
  body: string;
  files: File[];
}

export interface ComposerProps {
  limits: ConversationLimits;
  draft: ComposerDraft;
  onDraftChange(next: ComposerDraft): void;
  onAddFiles(files: File[]): void;
  onSend(draft: ComposerDraft): void;
  inputRef?: RefObject<HTMLTextAreaElement | null>;
}

/** Text (Enter sends, Shift+Enter breaks the line) and attachments, checked against the limits. */
export function Composer({ limits, draft, onDraftChange, onAddFiles, onSend, inputRef }: ComposerProps) {
  const fileInput = useRef<HTMLInputElement>(null);
  const ids = { body: useId(), hint: useId(), counter: useId(), problems: useId(), files: useId() };
  const problems = checkDraft(limits, draft.body, draft.files);
  const counter = lengthCounter(limits, draft.body);
  const empty = draft.body.trim() === "" && draft.files.length === 0;
  const canSend = !empty && problems.length === 0;

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    if (!canSend) return;
    onSend({ body: draft.body.trim() === "" ? "" : draft.body, files: draft.files });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (
      event.key !== "Enter" ||
      event.shiftKey ||
      event.altKey ||
      event.ctrlKey ||
      event.metaKey ||
      event.nativeEvent.isComposing
    )
      return;
    event.preventDefault();
    submit();
  };

  const onPaste = (event: ClipboardEvent<HTMLTextAreaElement>) => {
    const files = Array.from(event.clipboardData.files);
    if (files.length === 0) return;
    // Pasted screenshots and copied files become attachments; pasted text still goes in as text.
    if (!event.clipboardData.types.includes("text/plain")) event.preventDefault();
    onAddFiles(files.map((f, i) => (f.name && f.name !== "image.png" ? f : renamePasted(f, i))));
  };

  const remove = (index: number) => {
    onDraftChange({ ...draft, files: draft.files.filter((_, i) => i !== index) });
    inputRef?.current?.focus();
  };

  const describedBy = [ids.hint, counter.visible ? ids.counter : null, problems.length ? ids.problems : null]
    .filter(Boolean)
    .join(" ");

  return (
    <form className="composer" onSubmit={submit} aria-label="Write a message">
      {draft.files.length > 0 && (
        <ul className="attachments" aria-label="Attachments">
          {draft.files.map((file, index) => {
            const bad = problems.some((p) => p.file === index);
            return (
              <li
                key={`${index}-${file.name}-${file.size}-${file.lastModified}`}
                className={bad ? "invalid" : undefined}
              >
                <FilePreview file={file} />
                <span className="file-meta">
                  <span className="file-name" title={file.name}>
                    {file.name || "Pasted file"}
                  </span>
                  <span className="muted small">{formatBytes(file.size)}</span>
                </span>
                <button
                  type="button"
                  className="icon"
                  aria-label={`Remove ${file.name || "file"}`}
                  onClick={() => remove(index)}
                >
                  ×
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {problems.length > 0 && (
        <div id={ids.problems} className="problems" role="alert">
          {problems.map((p, i) => (
            <p key={i}>{p.message}</p>
          ))}
        </div>
      )}
      <div className="composer-row">
        <input
          ref={fileInput}
          id={ids.files}
          type="file"
          multiple
          className="visually-hidden"
          tabIndex={-1}
          aria-label="Attach files"
          onChange={(e) => {
            onAddFiles(Array.from(e.target.files ?? []));
            e.target.value = ""; // choosing the same file again still fires change
          }}
        />
        <label htmlFor={ids.body} className="visually-hidden">
          Message
        </label>
        <textarea
          id={ids.body}
          ref={inputRef}
          name="body"
          rows={1}
          value={draft.body}
          placeholder="Write a message…"
          onChange={(e) => onDraftChange({ ...draft, body: e.target.value })}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
          aria-describedby={describedBy}
          aria-invalid={counter.over || undefined}
        />
        <button
          type="button"
          className="icon attach"
          aria-label="Attach files"
          title="Attach files"
          onClick={() => fileInput.current?.click()}
        >
          <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
            <path
              d="M16.5 6.5l-7.8 7.8a2 2 0 0 0 2.8 2.8l8-8a4 4 0 0 0-5.7-5.7l-8.2 8.2a6 6 0 0 0 8.5 8.5l7.4-7.4"
              fill="none"
              stroke="currentColor"
              strokeWidth="2"
              strokeLinecap="round"
            />
          </svg>
        </button>
        <button type="submit" className="primary send" disabled={!canSend}>
          Send
        </button>
      </div>
      <div className="composer-foot">
        <span id={ids.hint} className="muted small">
          Enter to send, Shift+Enter for a new line. Drop or paste files to attach ({limitsHint(limits)}).
        </span>
        {counter.visible && (
          <span id={ids.counter} className={`counter${counter.over ? " over" : ""}`} aria-live="polite">
            {counter.length.toLocaleString()} / {counter.max.toLocaleString()}
          </span>
        )}
      </div>
    </form>
  );
}

function limitsHint(limits: ConversationLimits): string {
  const perFile = limits.mediaAttachmentSizeLimitInBytes;
  const total = limits.mediaAttachmentsTotalSizeLimitInBytes;
  const count = `up to ${limits.mediaAttachmentsCountLimit} files`;
  return perFile < total
    ? `${count}, ${formatBytes(perFile)} each, ${formatBytes(total)} in all`
    : `${count}, ${formatBytes(total)} in all`;
}

/** Pasted images all arrive as "image.png": give each a distinct, dated name. */
function renamePasted(file: File, index: number): File {
  const ext = file.type.split("/")[1]?.replace(/[^a-z0-9]/gi, "") || "bin";
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-");
  return new File([file], `pasted-${stamp}${index ? `-${index + 1}` : ""}.${ext}`, {
    type: file.type,
    lastModified: file.lastModified,
  });
}
