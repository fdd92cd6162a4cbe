import type { Media } from "@parley/client";
import { useCallback, useEffect, useMemo, useState, type MouseEvent, type RefObject } from "react";
import { thumbHashToDataURL } from "thumbhash";
import { useApp } from "../app-context.tsx";
import { downloadMedia } from "../lib/download.ts";
import type { MediaDerivatives } from "../lib/media-layout.ts";
import type { MediaUrlFields } from "../lib/media-urls.ts";

/**
 * A temporary URL for `key` (an attachment id, or its preview's key) once `enabled`: fresh when
 * handed out, replaced after a failed load (403 or expiry) until replacing stops helping, then
 * `failed` with a retry.
 */
export function useMediaUrl(messageId: string, key: string, seed: readonly MediaUrlFields[], enabled: boolean) {
  const { mediaUrls, onApiError } = useApp();
  const [url, setUrl] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    mediaUrls.seed(seed);
    if (!enabled) return;
    let live = true;
    mediaUrls.get(messageId, key).then(
      (u) => live && setUrl(u),
      (error: unknown) => {
        onApiError(error);
        if (live) setFailed(true);
      },
    );
    return () => {
      live = false;
    };
  }, [mediaUrls, messageId, key, seed, enabled, attempt, onApiError]);

  const onError = useCallback(() => {
    if (!url) return;
    mediaUrls.replaceFailed(messageId, key, url).then(
      (next) => (next && next !== url ? setUrl(next) : setFailed(true)),
      (error: unknown) => {
        onApiError(error);
        setFailed(true);
      },
    );
  }, [mediaUrls, messageId, key, url, onApiError]);

  const onLoad = useCallback(() => mediaUrls.loaded(key), [mediaUrls, key]);

  const retry = useCallback(() => {
    mediaUrls.reset(key);
    setFailed(false);
    setUrl(null);
    setAttempt((n) => n + 1);
  }, [mediaUrls, key]);

  return { url, setUrl, failed, onError, onLoad, retry };
}

/** True once the element comes near the viewport (and stays true): only then is a URL taken. */
export function useNearViewport(ref: RefObject<Element | null>): boolean {
  const [near, setNear] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el || near) return;
    if (typeof IntersectionObserver === "undefined") return setNear(true);
    const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && setNear(true), {
      rootMargin: "400px 0px",
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref, near]);
  return near;
}

export const displayName = (media: Media) => media.filename ?? `attachment (${media.contentType})`;

/** A ThumbHash painted as a data URL (a few hundred bytes, decoded once per attachment). */
export function usePlaceholder(d: MediaDerivatives): string | null {
  const hash = d.placeholder;
  return useMemo(() => {
    if (!hash) return null;
    try {
      return thumbHashToDataURL(Uint8Array.from(atob(hash), (c) => c.charCodeAt(0)));
    } catch {
      return null; // a damaged placeholder is the same as none
    }
  }, [hash]);
}

export function useDownload(messageId: string, media: Media) {
  const { mediaUrls, onApiError } = useApp();
  const [state, setState] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });
  const download = async (event?: MouseEvent) => {
    event?.preventDefault();
    if (state.busy) return;
    setState({ busy: true, error: null });
    try {
      await downloadMedia(mediaUrls, { messageId, mediaId: media.id, filename: media.filename, size: media.size });
      setState({ busy: false, error: null });
    } catch (error) {
      onApiError(error);
      setState({ busy: false, error: error instanceof Error ? error.message : "The download failed." });
    }
  };
  return { ...state, download };
}
