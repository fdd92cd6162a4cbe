import type { Media, Message } from "@parley/client";
import { useMemo, useRef, useState, type CSSProperties } from "react";
import { createPortal } from "react-dom";
import { useApp } from "../app-context.tsx";
import { formatBytes } from "../lib/format.ts";
import {
  derivativesOf,
  fileTypeLabel,
  galleryTiles,
  mediaKind,
  previewKey,
  singleTileSize,
  urlFieldsOf,
  videoBoxRatio,
} from "../lib/media-layout.ts";
import { Lightbox } from "./Lightbox.tsx";
import { useControlTabIndex } from "./message-controls.ts";
import { displayName, useDownload, useMediaUrl, useNearViewport, usePlaceholder } from "./media-hooks.ts";

/**
 * A message's attachments: photos in a gallery (1, 2, 3 or 4 tiles with "+N"), then players for
 * video and audio and a card for every other file. Every box has its size before anything loads.
 */
export function MessageMedia({ message }: { message: Message }) {
  const images = message.media.filter((m) => mediaKind(m.contentType) === "image");
  const others = message.media.filter((m) => mediaKind(m.contentType) !== "image");
  return (
    <div className="media-list">
      {images.length > 0 && <Gallery messageId={message.id} images={images} />}
      {others.map((m) => {
        const kind = mediaKind(m.contentType);
        return kind === "video" || kind === "audio" ? (
          <PlayerMedia key={m.id} kind={kind} messageId={message.id} media={m} />
        ) : (
          <FileCard key={m.id} messageId={message.id} media={m} />
        );
      })}
    </div>
  );
}

function Gallery({ messageId, images }: { messageId: string; images: readonly Media[] }) {
  const [open, setOpen] = useState<number | null>(null);
  const tiles = useRef<(HTMLButtonElement | null)[]>([]);
  const { shown, more } = galleryTiles(images.length);
  const layout = shown === 1 ? "one" : shown === 2 ? "two" : shown === 3 ? "three" : "four";
  const single = shown === 1 ? singleTileSize(derivativesOf(images[0]!)) : null;
  const style: CSSProperties | undefined = single
    ? { width: single.width, aspectRatio: `${single.width} / ${single.height}` }
    : undefined;
  return (
    <>
      <div
        className={`gallery gallery-${layout}`}
        style={style}
        role="group"
        aria-label={images.length === 1 ? "Photo" : `${images.length} photos`}
        data-count={images.length}
      >
        {images.slice(0, shown).map((media, i) => (
          <Tile
            key={media.id}
            ref={(el) => void (tiles.current[i] = el)}
            messageId={messageId}
            media={media}
            label={
              images.length === 1
                ? `${displayName(media)}, ${formatBytes(media.size)}: open`
                : i === shown - 1 && more > 0
                  ? `${more} more photos: open photo ${i + 1} of ${images.length}`
                  : `Open photo ${i + 1} of ${images.length}: ${displayName(media)}`
            }
            more={i === shown - 1 ? more : 0}
            onOpen={() => setOpen(i)}
          />
        ))}
      </div>
      {open !== null &&
        createPortal(
          <Lightbox
            messageId={messageId}
            images={images}
            index={open}
            onIndexChange={setOpen}
            onClose={(last) => {
              setOpen(null);
              // Back to the tile that was open last (or the "+N" tile for the ones behind it).
              tiles.current[Math.min(last, shown - 1)]?.focus();
            }}
          />,
          document.body,
        )}
    </>
  );
}

function Tile({
  ref,
  messageId,
  media,
  label,
  more,
  onOpen,
}: {
  ref: (el: HTMLButtonElement | null) => void;
  messageId: string;
  media: Media;
  label: string;
  more: number;
  onOpen(): void;
}) {
  const box = useRef<HTMLButtonElement | null>(null);
  const near = useNearViewport(box);
  const tabIndex = useControlTabIndex();
  const d = derivativesOf(media);
  const placeholder = usePlaceholder(d);
  // Only the preview is fetched for the thread; the original waits for the lightbox. Without a
  // preview (not made yet, or a server without derivatives) the original stands in.
  const key = d.preview ? previewKey(media.id) : media.id;
  const seed = useMemo(() => urlFieldsOf(media), [media]);
  const { url, failed, onError, onLoad, retry } = useMediaUrl(messageId, key, seed, near);
  const [loaded, setLoaded] = useState(false);
  return (
    <button
      ref={(el) => {
        box.current = el;
        ref(el);
      }}
      type="button"
      className={`tile${loaded ? " loaded" : ""}`}
      tabIndex={tabIndex}
      aria-label={label}
      data-media-id={media.id}
      style={placeholder ? { backgroundImage: `url(${placeholder})` } : undefined}
      onClick={failed ? retry : onOpen}
    >
      {url && !failed && (
        <img
          src={url}
          alt={displayName(media)}
          loading="lazy"
          decoding="async"
          data-source={key === media.id ? "original" : "preview"}
          onError={onError}
          onLoad={() => {
            setLoaded(true);
            onLoad();
          }}
        />
      )}
      {failed && <span className="tile-failed">Could not be loaded. Retry</span>}
      {more > 0 && (
        <span className="tile-more" aria-hidden="true">
          +{more}
        </span>
      )}
    </button>
  );
}

function PlayerMedia({ kind, messageId, media }: { kind: "video" | "audio"; messageId: string; media: Media }) {
  const box = useRef<HTMLDivElement>(null);
  const near = useNearViewport(box);
  const seed = useMemo(() => urlFieldsOf(media), [media]);
  const { url, setUrl, failed, onError, onLoad, retry } = useMediaUrl(messageId, media.id, seed, near);
  const { mediaUrls, onApiError } = useApp();
  const tabIndex = useControlTabIndex();
  const player = useRef<HTMLMediaElement | null>(null);
  /** Where to continue, and whether to play, once a renewed URL has loaded. */
  const resume = useRef<{ at: number; play: boolean } | null>(null);
  const name = displayName(media);
  const d = derivativesOf(media);
  const poster = d.preview ? mediaUrls.peek(previewKey(media.id)) : undefined;

  // Play with an expired URL in hand: pause, renew, and play from the same place on the new URL,
  // so the first click plays (instead of a 403, an error, and a player left at 0:00).
  const onPlay = () => {
    const el = player.current;
    if (!el || mediaUrls.isFresh(media.id)) return;
    el.pause();
    resume.current = { at: el.currentTime, play: true };
    mediaUrls.get(messageId, media.id).then(
      (fresh) => (fresh === url ? void el.play().catch(() => {}) : setUrl(fresh)),
      (error: unknown) => onApiError(error),
    );
  };
  // A URL that expires mid-playback fails the next range request: continue where it stopped.
  const handleError = () => {
    const el = player.current;
    resume.current ??= { at: el?.currentTime ?? 0, play: !!el && !el.paused };
    onError();
  };
  const handleLoaded = () => {
    onLoad();
    const el = player.current;
    const next = resume.current;
    resume.current = null;
    if (!el || !next) return;
    if (next.at > 0) el.currentTime = next.at;
    if (next.play) void el.play().catch(() => {});
  };

  if (failed)
    return (
      <div className={`${kind}-box media-failed`} role="status">
        {name} could not be loaded.{" "}
        <button type="button" tabIndex={tabIndex} onClick={retry}>
          Retry
        </button>
      </div>
    );
  const style: CSSProperties | undefined = kind === "video" ? { aspectRatio: String(videoBoxRatio(d)) } : undefined;
  return (
    <figure ref={box} className={`${kind}-box`} data-media-id={media.id}>
      <div className={`${kind}-frame`} style={style}>
        {url &&
          (kind === "video" ? (
            <video
              ref={(el) => void (player.current = el)}
              src={url}
              controls
              preload="metadata"
              poster={poster}
              tabIndex={tabIndex}
              aria-label={name}
              onPlay={onPlay}
              onError={handleError}
              onLoadedMetadata={handleLoaded}
            />
          ) : (
            <audio
              ref={(el) => void (player.current = el)}
              src={url}
              controls
              preload="metadata"
              tabIndex={tabIndex}
              aria-label={name}
              onPlay={onPlay}
              onError={handleError}
              onLoadedMetadata={handleLoaded}
            />
          ))}
      </div>
      <figcaption className="muted small">
        {name} · {formatBytes(media.size)}
      </figcaption>
    </figure>
  );
}

function FileCard({ messageId, media }: { messageId: string; media: Media }) {
  const { mediaUrls } = useApp();
  const tabIndex = useControlTabIndex();
  const { busy, error, download } = useDownload(messageId, media);
  const name = displayName(media);
  const ext = (media.filename?.includes(".") ? media.filename.split(".").pop()! : "file").slice(0, 4).toUpperCase();
  return (
    <div className="file-box">
      <a
        href={mediaUrls.peek(media.id) ?? media.temporaryUrl}
        download={media.filename ?? true}
        tabIndex={tabIndex}
        onClick={(e) => void download(e)}
        aria-busy={busy}
      >
        <span className="file-icon" aria-hidden="true">
          {ext}
        </span>
        <span className="file-meta">
          <span className="file-name">{name}</span>
          <span className="muted small">
            {fileTypeLabel(media.contentType, media.filename)} · {formatBytes(media.size)}
          </span>
        </span>
        {/* The visible text is the link's name (name, type, size, "Download"), as WCAG's label
            in name asks: a separate aria-label said the same in other words. */}
        <span className="file-download">{busy ? "Downloading…" : "Download"}</span>
      </a>
      {error && (
        <p className="error small" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
