import { useId, useState, type FormEvent } from "react";
import { config } from "../config.ts";
import { describeError, identityOfToken, lastIdentity, requestDevToken, type Session } from "../lib/session.ts";

export function SignIn({ onSignedIn, notice }: { onSignedIn(session: Session): void; notice: string | null }) {
  const [identity, setIdentity] = useState(lastIdentity);
  const [token, setToken] = useState("");
  const [busy, setBusy] = useState<"dev" | "token" | null>(null);
  const [error, setError] = useState<{ form: "dev" | "token"; message: string } | null>(null);
  const ids = { identity: useId(), token: useId(), devError: useId(), tokenError: useId() };

  async function signInDev(event: FormEvent) {
    event.preventDefault();
    const name = identity.trim();
    if (!name) return setError({ form: "dev", message: "Enter the identity to sign in as, e.g. alice." });
    setBusy("dev");
    setError(null);
    try {
      const issued = await requestDevToken(config.apiBaseUrl, name);
      onSignedIn({ identity: name, token: issued, kind: "dev" });
    } catch (e) {
      setError({ form: "dev", message: describeError(e) });
      setBusy(null);
    }
  }

  async function signInToken(event: FormEvent) {
    event.preventDefault();
    const pasted = token.trim().replace(/^Bearer\s+/i, "");
    if (!pasted) return setError({ form: "token", message: "Paste a token (a JWT) first." });
    setBusy("token");
    setError(null);
    try {
      const who = await identityOfToken(config.apiBaseUrl, pasted);
      onSignedIn({ identity: who, token: pasted, kind: "token" });
    } catch (e) {
      const message = describeError(e);
      setError({
        form: "token",
        message: message.startsWith("Your session")
          ? "The server refused this token: it is invalid or has expired."
          : message,
      });
      setBusy(null);
    }
  }

  return (
    <main className="sign-in">
      <div className="sign-in-card">
        <h1>
          <span className="logo" aria-hidden="true" /> Parley
        </h1>
        {notice && (
          <p className="notice" role="status">
            {notice}
          </p>
        )}
        <form onSubmit={signInDev} aria-labelledby="dev-heading" noValidate>
          <h2 id="dev-heading">Sign in with an identity</h2>
          <p className="hint">On a development server (AUTH_DEV_TOKENS=true) any identity works.</p>
          <label htmlFor={ids.identity}>Identity</label>
          <input
            id={ids.identity}
            name="identity"
            autoComplete="username"
            autoFocus
            value={identity}
            onChange={(e) => setIdentity(e.target.value)}
            aria-invalid={error?.form === "dev"}
            aria-describedby={error?.form === "dev" ? ids.devError : undefined}
          />
          {error?.form === "dev" && (
            <p id={ids.devError} className="error" role="alert">
              {error.message}
            </p>
          )}
          <button type="submit" className="primary" disabled={busy !== null}>
            {busy === "dev" ? "Signing in…" : "Sign in"}
          </button>
        </form>
        <div className="divider" role="separator">
          or
        </div>
        <form onSubmit={signInToken} aria-labelledby="token-heading" noValidate>
          <h2 id="token-heading">Sign in with a token</h2>
          <label htmlFor={ids.token}>Token</label>
          <textarea
            id={ids.token}
            name="token"
            rows={3}
            spellCheck={false}
            autoComplete="off"
            placeholder="eyJhbGciOiJIUzI1NiIs…"
            value={token}
            onChange={(e) => setToken(e.target.value)}
            aria-invalid={error?.form === "token"}
            aria-describedby={error?.form === "token" ? ids.tokenError : undefined}
          />
          {error?.form === "token" && (
            <p id={ids.tokenError} className="error" role="alert">
              {error.message}
            </p>
          )}
          <button type="submit" disabled={busy !== null}>
            {busy === "token" ? "Checking…" : "Sign in with token"}
          </button>
        </form>
      </div>
    </main>
  );
}
