import { useCallback, useState } from "react";
import { SignIn } from "./components/SignIn.tsx";
import { Workspace } from "./components/Workspace.tsx";
import { drafts } from "./lib/drafts.ts";
import { loadSession, saveSession, type Session } from "./lib/session.ts";

export function App() {
  const [session, setSession] = useState<Session | null>(() => loadSession());
  const [notice, setNotice] = useState<string | null>(null);

  const signIn = useCallback((next: Session) => {
    saveSession(next);
    setNotice(null);
    setSession(next);
  }, []);

  // Signing out on purpose forgets the drafts; being signed out (an expired token) keeps them for
  // the next sign-in as the same identity.
  const signOut = useCallback((reason?: string) => {
    const identity = loadSession()?.identity;
    if (reason === undefined && identity) drafts.clear(identity);
    saveSession(null);
    setNotice(reason ?? null);
    setSession(null);
    history.replaceState(null, "", location.pathname);
  }, []);

  if (!session) return <SignIn onSignedIn={signIn} notice={notice} />;
  return <Workspace key={`${session.identity}\n${session.token}`} session={session} onSignOut={signOut} />;
}
