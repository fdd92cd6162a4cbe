import type { Message } from "@parley/client";
import { memo } from "react";
import { formatMessageTime } from "../lib/format.ts";
import { MediaView } from "./MediaView.tsx";

export const MessageItem = memo(function MessageItem({ message, mine }: { message: Message; mine: boolean }) {
  const time = formatMessageTime(message.createdAt);
  const hasAttributes = Object.keys(message.attributes).length > 0;
  return (
    <article className={`message${mine ? " mine" : ""}`} aria-label={`${message.author}, ${time}`} data-index={message.index}>
      <header className="message-head">
        <span className="author">{message.author}</span>
        <time dateTime={message.createdAt.toISOString()} title={message.createdAt.toLocaleString()}>
          {time}
        </time>
      </header>
      {message.body !== null && <p className="body">{message.body}</p>}
      {message.media.length > 0 && (
        <ul className="media-list">
          {message.media.map((m) => (
            <li key={m.id}>
              <MediaView messageId={message.id} media={m} />
            </li>
          ))}
        </ul>
      )}
      {hasAttributes && (
        <details className="attributes">
          <summary>Attributes</summary>
          <pre>{JSON.stringify(message.attributes, null, 2)}</pre>
        </details>
      )}
    </article>
  );
});
