import type { Media } from "@parley/client";
import { useCallback, useEffect, useRef, useState, type MouseEvent, type RefObject } from "react";
import { useApp } from "../app-context.tsx";
import { downloadMedia } from "../lib/download.ts";
import { formatBytes } from "../lib/format.ts";

/** Images: inline (lazy, in a fixed box so nothing jumps); video/audio: native players; else a download. */
export function MediaView({ messageId, media }: { messageId: string; media: Media }) {
  const type = media.contentType.split(";")[0]!.trim().toLowerCase();
  if (type.startsWith("image/") && type !== "image/svg+xml") return <ImageMedia messageId={messageId} media={media} />;
  if (type.startsWith("video/")) return <PlayerMedia kind="video" messageId={messageId} media={media} />;
  if (type.startsWith("audio/")) return <PlayerMedia kind="audio" messageId={messageId} media={media} />;
  return <FileMedia messageId={messageId} media={media} />;
}

const displayName = (media: Media) => media.filename ?? `attachment (${media.contentType})`;

/**
 * A temporary URL for `media` once `enabled` (in view): fresh when handed out, replaced after a
 * failed load (403 or expiry) until replacing stops helping, then `failed` with a retry.
 */
function useMediaUrl(messageId: string, media: Media, enabled: boolean) {
  const { mediaUrls, onApiError } = useApp();
  const [url, setUrl] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    mediaUrls.seed([media]);
    if (!enabled) return;
    let live = true;
    mediaUrls.get(messageId, media.id).then(
      (u) => live && setUrl(u),
      (error: unknown) => {
        onApiError(error);
        if (live) setFailed(true);
      },
    );
    return () => {
      live = false;
    };
  }, [mediaUrls, messageId, media, enabled, attempt, onApiError]);

  const onError = useCallback(() => {
    if (!url) return;
    mediaUrls.replaceFailed(messageId, media.id, url).then(
      (next) => (next && next !== url ? setUrl(next) : setFailed(true)),
      (error: unknown) => {
        onApiError(error);
        setFailed(true);
      },
    );
  }, [mediaUrls, messageId, media.id, url, onApiError]);

  const onLoad = useCallback(() => mediaUrls.loaded(media.id), [mediaUrls, media.id]);

  const retry = useCallback(() => {
    mediaUrls.reset(media.id);
    setFailed(false);
    setUrl(null);
    setAttempt((n) => n + 1);
  }, [mediaUrls, media.id]);

  return { url, failed, onError, onLoad, retry };
}

/** True once the element comes near the viewport (and stays true). */
function useNearViewport(ref: RefObject<Element | null>): boolean {
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

function Failed({ media, retry }: { media: Media; retry(): void }) {
  return (
    <span className="media-failed" role="status">
      {displayName(media)} could not be loaded.{" "}
      <button type="button" onClick={retry}>
        Retry
      </button>
    </span>
  );
}

function ImageMedia({ messageId, media }: { messageId: string; media: Media }) {
  const box = useRef<HTMLAnchorElement>(null);
  const near = useNearViewport(box);
  const { url, failed, onError, onLoad, retry } = useMediaUrl(messageId, media, near);
  const { mediaUrls } = useApp();
  const name = displayName(media);

  // The link opens the full image; an expired URL is renewed before the new tab opens.
  const open = async (event: MouseEvent) => {
    if (mediaUrls.isFresh(media.id)) return;
    event.preventDefault();
    window.open(await mediaUrls.get(messageId, media.id), "_blank", "noopener");
  };

  if (failed) return <Failed media={media} retry={retry} />;
  return (
    <a
      ref={box}
      className="image-box"
      href={url ?? undefined}
      target="_blank"
      rel="noopener noreferrer"
      onClick={(e) => void open(e)}
      aria-label={`${name}, ${formatBytes(media.size)}: open full size`}
    >
      {url ? (
        <img
          src={url}
          alt={name}
          loading="lazy"
          decoding="async"
          width={320}
          height={240}
          onError={onError}
          onLoad={onLoad}
        />
      ) : (
        <span className="image-placeholder" aria-hidden="true" />
      )}
    </a>
  );
}

function PlayerMedia({ kind, messageId, media }: { kind: "video" | "audio"; messageId: string; media: Media }) {
  const box = useRef<HTMLDivElement>(null);
  const near = useNearViewport(box);
  const { url, failed, onError, onLoad, retry } = useMediaUrl(messageId, media, near);
  const resumeAt = useRef(0);
  const player = useRef<HTMLMediaElement | null>(null);
  const name = displayName(media);

  // A URL that expires mid-playback fails the next range request: resume where it stopped.
  const handleError = () => {
    resumeAt.current = player.current?.currentTime ?? 0;
    onError();
  };
  const handleLoaded = () => {
    onLoad();
    if (player.current && resumeAt.current > 0) player.current.currentTime = resumeAt.current;
  };

  if (failed) return <Failed media={media} retry={retry} />;
  return (
    <div ref={box} className={`${kind}-box`}>
      {url &&
        (kind === "video" ? (
          <video
            ref={(el) => void (player.current = el)}
            src={url}
            controls
            preload="metadata"
            aria-label={name}
            onError={handleError}
            onLoadedMetadata={handleLoaded}
          />
        ) : (
          <audio
            ref={(el) => void (player.current = el)}
            src={url}
            controls
            preload="metadata"
            aria-label={name}
            onError={handleError}
            onLoadedMetadata={handleLoaded}
          />
        ))}
      <span className="muted small">
        {name} · {formatBytes(media.size)}
      </span>
    </div>
  );
}

function FileMedia({ messageId, media }: { messageId: string; media: Media }) {
  const { mediaUrls, onApiError } = useApp();
  const [state, setState] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });
  const name = displayName(media);

  const download = async (event: MouseEvent) => {
    event.preventDefault();
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

  return (
    <div className="file-box">
      <a
        href={mediaUrls.peek(media.id) ?? media.temporaryUrl}
        download={media.filename ?? true}
        onClick={(e) => void download(e)}
        aria-busy={state.busy}
      >
        <span className="file-icon" aria-hidden="true">
          {(media.filename?.split(".").pop() ?? "file").slice(0, 4).toUpperCase()}
        </span>
        <span className="file-meta">
          <span className="file-name">{name}</span>
          <span className="muted small">
            {formatBytes(media.size)} · {state.busy ? "Downloading…" : "Download"}
          </span>
        </span>
      </a>
      {state.error && (
        <p className="error small" role="alert">
          {state.error}
        </p>
      )}
    </div>
  );
}
