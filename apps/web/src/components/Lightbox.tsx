import type { Media } from "@parley/client";
import { useEffect, useMemo, useRef, useState, type PointerEvent } from "react";
import { formatBytes } from "../lib/format.ts";
import { derivativesOf, previewKey, urlFieldsOf } from "../lib/media-layout.ts";
import { displayName, useDownload, useMediaUrl, usePlaceholder } from "./media-hooks.ts";

/** A horizontal swipe longer than this (and longer than it is tall) moves to the next photo. */
const SWIPE_PX = 40;

/**
 * The photos of one message, one at a time: the original is fetched only here (over the preview
 * or placeholder while it loads), through a renewed URL. Arrow keys and swipes move, Esc closes,
 * Download saves the original.
 */
export function Lightbox({
  messageId,
  images,
  index,
  onIndexChange,
  onClose,
}: {
  messageId: string;
  images: readonly Media[];
  index: number;
  onIndexChange(index: number): void;
  onClose(lastIndex: number): void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const swipe = useRef<{ x: number; y: number; id: number } | null>(null);
  const media = images[index]!;
  const count = images.length;
  const go = (delta: number) => onIndexChange((index + delta + count) % count);
  const indexRef = useRef(index);
  indexRef.current = index;
  // Closing and handing focus back happen in one task: the browser's own restoring (to the tile
  // that opened the dialog) runs inside close(), and onClose then moves focus to the tile shown
  // last before anything can observe the first. Left to the native close event (a later task),
  // focus sat on the opening tile in between, where a fast CI run read it.
  const closed = useRef(false);
  const close = () => {
    if (closed.current) return;
    closed.current = true;
    if (dialog.current?.open) dialog.current.close();
    onClose(indexRef.current);
  };

  useEffect(() => {
    const el = dialog.current;
    // Removing the element on unmount closes it; closing here would fire onClose during StrictMode's re-run.
    if (el && !el.open) el.showModal();
  }, []);

  const onPointerDown = (e: PointerEvent) => {
    if (e.pointerType !== "mouse") swipe.current = { x: e.clientX, y: e.clientY, id: e.pointerId };
  };
  const onPointerUp = (e: PointerEvent) => {
    const start = swipe.current;
    swipe.current = null;
    if (!start || start.id !== e.pointerId || count < 2) return;
    const dx = e.clientX - start.x;
    const dy = e.clientY - start.y;
    if (Math.abs(dx) > SWIPE_PX && Math.abs(dx) > Math.abs(dy)) go(dx < 0 ? 1 : -1);
  };

  const title = `Photo ${index + 1} of ${count}: ${displayName(media)}`;
  return (
    <dialog
      ref={dialog}
      className="lightbox"
      aria-label={title}
      onClose={close}
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.preventDefault();
          close();
        } else if (e.key === "ArrowRight") {
          e.preventDefault();
          go(1);
        } else if (e.key === "ArrowLeft") {
          e.preventDefault();
          go(-1);
        }
      }}
    >
      <div className="lightbox-bar">
        <span className="lightbox-title" aria-live="polite">
          {count > 1 && (
            <span className="lightbox-count">
              {index + 1} / {count}
            </span>
          )}{" "}
          {displayName(media)} <span className="muted small">{formatBytes(media.size)}</span>
        </span>
        <LightboxDownload messageId={messageId} media={media} />
        <button type="button" className="icon" aria-label="Close" onClick={close}>
          ×
        </button>
      </div>
      <div
        className="lightbox-stage"
        onPointerDown={onPointerDown}
        onPointerUp={onPointerUp}
        onPointerCancel={() => (swipe.current = null)}
      >
        <Original key={media.id} messageId={messageId} media={media} />
        {count > 1 && (
          <>
            <button type="button" className="lightbox-nav prev" aria-label="Previous photo" onClick={() => go(-1)}>
              ‹
            </button>
            <button type="button" className="lightbox-nav next" aria-label="Next photo" onClick={() => go(1)}>
              ›
            </button>
          </>
        )}
      </div>
    </dialog>
  );
}

function Original({ messageId, media }: { messageId: string; media: Media }) {
  const d = derivativesOf(media);
  const seed = useMemo(() => urlFieldsOf(media), [media]);
  const placeholder = usePlaceholder(d);
  const { url, failed, onError, onLoad, retry } = useMediaUrl(messageId, media.id, seed, true);
  const preview = useMediaUrl(messageId, previewKey(media.id), seed, !!d.preview);
  const [loaded, setLoaded] = useState(false);
  const ratio = d.width && d.height ? `${d.width} / ${d.height}` : undefined;
  return (
    <div
      className="lightbox-image"
      style={{
        aspectRatio: ratio,
        backgroundImage: placeholder ? `url(${placeholder})` : undefined,
      }}
    >
      {!loaded && preview.url && <img className="lightbox-preview" src={preview.url} alt="" />}
      {url && !failed && (
        <img
          className="lightbox-original"
          src={url}
          alt={displayName(media)}
          data-loaded={loaded || undefined}
          onLoad={() => {
            setLoaded(true);
            onLoad();
          }}
          onError={onError}
        />
      )}
      {!loaded && !failed && (
        <span className="lightbox-loading" role="status">
          Loading the original…
        </span>
      )}
      {failed && (
        <p className="media-failed" role="alert">
          {displayName(media)} could not be loaded.{" "}
          <button type="button" onClick={retry}>
            Retry
          </button>
        </p>
      )}
    </div>
  );
}

function LightboxDownload({ messageId, media }: { messageId: string; media: Media }) {
  const { busy, error, download } = useDownload(messageId, media);
  return (
    <>
      <button type="button" onClick={() => void download()} aria-busy={busy}>
        {busy ? "Downloading…" : "Download"}
      </button>
      {error && (
        <span className="error small" role="alert">
          {error}
        </span>
      )}
    </>
  );
}
