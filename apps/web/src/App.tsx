import { useCallback, useState } from "react";
import { SignIn } from "./components/SignIn.tsx";
import { Workspace } from "./components/Workspace.tsx";
import { loadSession, saveSession, type Session } from "./lib/session.ts";

export function App() {
  const [session, setSession] = useState<Session | null>(() => loadSession());
  const [notice, setNotice] = useState<string | null>(null);

  const signIn = useCallback((next: Session) => {
    saveSession(next);
    setNotice(null);
    setSession(next);
  }, []);

  const signOut = useCallback((reason?: string) => {
    saveSession(null);
    setNotice(reason ?? null);
    setSession(null);
    history.replaceState(null, "", location.pathname);
  }, []);

  if (!session) return <SignIn onSignedIn={signIn} notice={notice} />;
  return <Workspace key={`${session.identity}\n${session.token}`} session={session} onSignOut={signOut} />;
}
