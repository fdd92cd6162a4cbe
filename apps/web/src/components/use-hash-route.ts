import { useCallback, useEffect, useState } from "react";

const PREFIX = "#/conversations/";

function readHash(): string | null {
  const hash = window.location.hash;
  if (!hash.startsWith(PREFIX)) return null;
  const id = decodeURIComponent(hash.slice(PREFIX.length));
  return id || null;
}

/** The open conversation lives in the URL hash, so reloads, links and Back work. */
export function useHashRoute(): [string | null, (id: string | null) => void] {
  const [id, setId] = useState(readHash);
  useEffect(() => {
    const onChange = () => setId(readHash());
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  const navigate = useCallback((next: string | null) => {
    if (next) window.location.hash = `${PREFIX}${encodeURIComponent(next)}`;
    else history.pushState(null, "", window.location.pathname + window.location.search);
    setId(next);
  }, []);
  return [id, navigate];
}
