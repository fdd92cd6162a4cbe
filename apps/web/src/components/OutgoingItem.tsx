import { useApp } from "../app-context.tsx";
import { formatBytes, percent } from "../lib/format.ts";
import type { OutgoingMessage } from "../lib/outbox.ts";
import { FilePreview } from "./FilePreview.tsx";

const STATUS_TEXT = {
  queued: "Waiting to send…",
  sending: "Sending…",
  failed: "Not sent",
  cancelled: "Cancelled",
} as const;

/** A message on its way: progress per file and overall, cancel; failures in place with retry. */
export function OutgoingItem({ item }: { item: OutgoingMessage }) {
  const { outbox, session } = useApp();
  const overall = item.progress ? percent(item.progress.loaded, item.progress.total) : 0;
  const totalBytes = item.files.reduce((n, f) => n + f.size, 0);
  const statusText = item.retrying ? "Not sent yet" : STATUS_TEXT[item.status];
  const label = `Outgoing message: ${statusText}`;
  return (
    <article
      className={`message mine outgoing ${item.status}${item.retrying ? " retrying" : ""}`}
      aria-label={label}
      data-status={item.retrying ? "retrying" : item.status}
    >
      <header className="message-head">
        <span className="author">{session.identity}</span>
        <span className="status" role="status">
          {statusText}
          {item.status === "sending" && item.files.length > 0 && ` ${overall}%`}
        </span>
      </header>
      {item.body && <p className="body">{item.body}</p>}
      {item.files.length > 0 && (
        <ul className="upload-files">
          {item.files.map((file, i) => {
            const p = item.progress?.files[i];
            const value = p ? percent(p.loaded, p.total ?? file.size) : 0;
            return (
              <li key={i}>
                <FilePreview file={file} />
                <span className="file-meta">
                  <span className="file-name">{file.name}</span>
                  <progress
                    max={100}
                    value={value}
                    aria-label={`Upload of ${file.name}`}
                    aria-valuetext={`${value}%`}
                  />
                </span>
                <span className="muted small">{formatBytes(file.size)}</span>
              </li>
            );
          })}
        </ul>
      )}
      {item.files.length > 0 && item.status === "sending" && (
        <div className="overall">
          <progress max={100} value={overall} aria-label="Upload of all files" aria-valuetext={`${overall}%`} />
          <span className="muted small">
            {formatBytes(item.progress?.loaded ?? 0)} of {formatBytes(totalBytes)}
          </span>
        </div>
      )}
      {item.status === "failed" &&
        item.error &&
        (item.retrying ? (
          // It goes again by itself: a quiet note, not an alarm.
          <p className="retry-note" role="status">
            {item.error}
          </p>
        ) : (
          <p className="error" role="alert">
            {item.error}
          </p>
        ))}
      <div className="actions">
        {(item.status === "sending" || item.status === "queued" || item.retrying) && (
          <button type="button" onClick={() => outbox.cancel(item.id)}>
            Cancel
          </button>
        )}
        {(item.status === "failed" || item.status === "cancelled") && (
          <>
            <button type="button" className="primary" onClick={() => outbox.retry(item.id)}>
              {item.retrying ? "Retry now" : "Retry"}
            </button>
            {!item.retrying && (
              <button type="button" onClick={() => outbox.discard(item.id)}>
                Discard
              </button>
            )}
          </>
        )}
      </div>
    </article>
  );
}
