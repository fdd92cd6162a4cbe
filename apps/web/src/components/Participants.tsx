import type { Conversation } from "@parley/client";
import { useId, useState, type FormEvent } from "react";
import { useApp } from "../app-context.tsx";
import { describeError } from "../lib/session.ts";
import { parseIdentities } from "./NewConversationDialog.tsx";

export function Participants({
  id,
  conversation,
  onChanged,
}: {
  id: string;
  conversation: Conversation;
  onChanged(): void;
}) {
  const { onApiError } = useApp();
  const [identity, setIdentity] = useState("");
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: "error" | "ok"; text: string } | null>(null);
  const inputId = useId();

  async function add(event: FormEvent) {
    event.preventDefault();
    const names = parseIdentities(identity);
    if (names.length === 0) return setMessage({ kind: "error", text: "Enter an identity to add." });
    setBusy(true);
    setMessage(null);
    try {
      for (const name of names) await conversation.add(name);
      setIdentity("");
      setMessage({ kind: "ok", text: `Added ${names.join(", ")}.` });
      onChanged();
    } catch (error) {
      onApiError(error);
      setMessage({ kind: "error", text: describeError(error) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <div id={id} className="participants" role="region" aria-label="Participants">
      <ul>
        {conversation.participants.map((p) => (
          <li key={p.id}>
            {p.identity}
            {p.identity === conversation.createdBy && <span className="muted small"> (created it)</span>}
          </li>
        ))}
      </ul>
      <form onSubmit={add} className="inline-form">
        <label htmlFor={inputId}>Add participant</label>
        <input
          id={inputId}
          value={identity}
          onChange={(e) => setIdentity(e.target.value)}
          placeholder="identity"
          autoComplete="off"
        />
        <button type="submit" disabled={busy}>
          {busy ? "Adding…" : "Add"}
        </button>
      </form>
      {message && (
        <p className={message.kind === "error" ? "error" : "ok"} role={message.kind === "error" ? "alert" : "status"}>
          {message.text}
        </p>
      )}
    </div>
  );
}
