import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { useApp } from "../app-context.tsx";
import { describeError } from "../lib/session.ts";

/** "alice, bob\ncarol" → ["alice", "bob", "carol"] without duplicates. */
export function parseIdentities(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\s,;]+/)
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
}

export function NewConversationDialog({ onClose, onCreated }: { onClose(): void; onCreated(id: string): void }) {
  const { client, onApiError } = useApp();
  const ref = useRef<HTMLDialogElement>(null);
  const [name, setName] = useState("");
  const [people, setPeople] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ids = { name: useId(), people: useId(), hint: useId(), error: useId(), title: useId() };

  useEffect(() => {
    const dialog = ref.current;
    // Removing the element on unmount closes it; closing here would fire onClose during StrictMode's re-run.
    if (dialog && !dialog.open) dialog.showModal();
  }, []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const conversation = await client.createConversation({
        friendlyName: name.trim() || null,
        participants: parseIdentities(people),
      });
      onCreated(conversation.id);
    } catch (e) {
      onApiError(e);
      setError(describeError(e));
      setBusy(false);
    }
  }

  return (
    <dialog ref={ref} className="dialog" aria-labelledby={ids.title} onClose={onClose} onCancel={onClose}>
      <form onSubmit={submit}>
        <h2 id={ids.title}>New conversation</h2>
        <label htmlFor={ids.name}>Name</label>
        <input
          id={ids.name}
          name="friendlyName"
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="Team chat"
          autoFocus
        />
        <label htmlFor={ids.people}>Participants</label>
        <input
          id={ids.people}
          name="participants"
          value={people}
          onChange={(e) => setPeople(e.target.value)}
          placeholder="bob, carol"
          aria-describedby={ids.hint}
          autoComplete="off"
        />
        <p id={ids.hint} className="hint">
          Identities separated by commas. You are added yourself.
        </p>
        {error && (
          <p id={ids.error} className="error" role="alert">
            {error}
          </p>
        )}
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? "Creating…" : "Create"}
          </button>
        </div>
      </form>
    </dialog>
  );
}
