import { ParleyError } from "./errors.ts";
import {
  MediaByIdsDocument,
  MessageMediaDocument,
  RemoveMessageDocument,
  UpdateMessageDocument,
  type MediaCategory,
  type MediaFieldsFragment,
  type MessageFieldsFragment,
  type MessageType,
  type RemovedMessageFieldsFragment,
  type UpdateMessageInput,
} from "./generated/graphql.ts";
import type { Transport } from "./transport.ts";

/** A message that was removed, as `message.remove()` and `messageRemoved` events report it. */
export interface RemovedMessage {
  id: string;
  /** Its index stays taken: indexes are never reused. */
  index: number;
  conversationId: string;
  removedAt: Date;
}

export const toRemovedMessage = (fields: RemovedMessageFieldsFragment): RemovedMessage => ({
  id: fields.id,
  index: fields.index,
  conversationId: fields.conversationId,
  removedAt: new Date(fields.removedAt),
});

/** A temporary URL this close to expiry is replaced before it is handed out. */
export const URL_REFRESH_MARGIN_MS = 30_000;

/** One attachment of a message. Its bytes are fetched from a temporary URL (GET, no headers). */
export class Media {
  readonly id: string;
  readonly category: MediaCategory;
  readonly filename: string | null;
  readonly contentType: string;
  /** Bytes, as uploaded. */
  readonly size: number;
  /** Hex sha256 of the bytes, as uploaded: compare after download to verify. */
  readonly sha256: string;
  #url: string;
  #expiresAt: Date;
  readonly #message: Message;

  /** @internal */
  constructor(fields: MediaFieldsFragment, message: Message) {
    this.#message = message;
    this.id = fields.id;
    this.category = fields.category;
    this.filename = fields.filename;
    this.contentType = fields.contentType;
    this.size = fields.size;
    this.sha256 = fields.sha256;
    this.#url = fields.temporaryUrl;
    this.#expiresAt = new Date(fields.temporaryUrlExpiresAt);
  }

  /** The URL in hand, possibly expired; prefer getContentTemporaryUrl(). */
  get temporaryUrl(): string {
    return this.#url;
  }

  get temporaryUrlExpiresAt(): Date {
    return this.#expiresAt;
  }

  /** True while the URL in hand is good for more than the refresh margin (30 s). */
  get isTemporaryUrlFresh(): boolean {
    return this.#expiresAt.getTime() - Date.now() > URL_REFRESH_MARGIN_MS;
  }

  /** A URL to GET the bytes from, fetched anew when the one in hand expired or is about to. */
  async getContentTemporaryUrl(): Promise<string> {
    if (!this.isTemporaryUrlFresh) await this.#message.refreshMediaUrls();
    return this.#url;
  }

  toJSON() {
    const { id, category, filename, contentType, size, sha256, temporaryUrl, temporaryUrlExpiresAt } = this;
    return { id, category, filename, contentType, size, sha256, temporaryUrl, temporaryUrlExpiresAt };
  }

  /** @internal */
  update(fields: MediaFieldsFragment): void {
    this.#url = fields.temporaryUrl;
    this.#expiresAt = new Date(fields.temporaryUrlExpiresAt);
  }
}

/** A message as read from or sent to a conversation. */
export class Message {
  readonly id: string;
  /** 0, 1, 2, ... per conversation: no gaps, no duplicates. */
  readonly index: number;
  readonly conversationId: string;
  /** Identity of the sender. */
  readonly author: string;
  readonly body: string | null;
  readonly attributes: Record<string, unknown>;
  readonly type: MessageType;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** Attachments in upload order. */
  readonly media: readonly Media[];
  /** Position in the conversation for getMessages({ anchor }); null when not read from a page. */
  readonly cursor: string | null;
  #refreshing: Promise<void> | undefined;
  readonly #transport: Transport;

  /** @internal */
  constructor(fields: MessageFieldsFragment, transport: Transport, cursor: string | null = null) {
    this.#transport = transport;
    this.id = fields.id;
    this.index = fields.index;
    this.conversationId = fields.conversation.id;
    this.author = fields.author;
    this.body = fields.body;
    this.attributes = fields.attributes;
    this.type = fields.type;
    this.createdAt = new Date(fields.createdAt);
    this.updatedAt = new Date(fields.updatedAt);
    this.media = fields.media.map((m) => new Media(m, this));
    this.cursor = cursor;
  }

  /**
   * Replaces the body (author only; same rules as sending: not empty, at most `bodyMaxLength`
   * code points). Resolves to the message as updated; this object keeps its old fields.
   * Participants' `messageUpdated` handlers get it with reason BODY.
   */
  updateBody(body: string): Promise<Message> {
    if (typeof body !== "string")
      return Promise.reject(new ParleyError("BAD_USER_INPUT", "updateBody needs the new body as a string."));
    return this.#update({ id: this.id, body });
  }

  /** Replaces the attributes (author only; a JSON object of at most 16 KiB); see updateBody. */
  updateAttributes(attributes: Record<string, unknown>): Promise<Message> {
    if (typeof attributes !== "object" || attributes === null || Array.isArray(attributes))
      return Promise.reject(new ParleyError("BAD_USER_INPUT", "updateAttributes needs a JSON object."));
    return this.#update({ id: this.id, attributes });
  }

  /**
   * Removes the message (author only) with its media: stored objects are deleted, so its temporary
   * URLs stop working. Removing it again resolves the same way.
   */
  async remove(): Promise<RemovedMessage> {
    const { removeMessage } = await this.#transport.request(RemoveMessageDocument, { id: this.id });
    return toRemovedMessage(removeMessage);
  }

  async #update(input: UpdateMessageInput): Promise<Message> {
    const { updateMessage } = await this.#transport.request(UpdateMessageDocument, { input });
    return new Message(updateMessage, this.#transport, this.cursor);
  }

  /** Twilio's name for `media`. */
  get attachedMedia(): readonly Media[] {
    return this.media;
  }

  /** Media id → a URL good for at least 30 s more; one request at most, none when all are fresh. */
  async getTemporaryContentUrlsForAttachedMedia(): Promise<Map<string, string>> {
    if (this.media.some((m) => !m.isTemporaryUrlFresh)) await this.refreshMediaUrls();
    return new Map(this.media.map((m) => [m.id, m.temporaryUrl]));
  }

  /** Attachments of these categories (Twilio's getMediaByCategories; "media" and "MEDIA" alike). */
  getMediaByCategories(categories: readonly (MediaCategory | Lowercase<MediaCategory>)[]): Media[] {
    const wanted = new Set(categories.map((c) => c.toUpperCase()));
    return this.media.filter((m) => wanted.has(m.category));
  }

  /**
   * Media id → a URL good for at least 30 s more, for the given media (of this message or any
   * other): the ones in hand when fresh, the rest in one request per 100 (Twilio's name).
   */
  getTemporaryContentUrlsForMedia(media: readonly Media[]): Promise<Map<string, string>> {
    return temporaryContentUrls(this.#transport, media);
  }

  /** @internal Fetches fresh temporary URLs for every attachment; concurrent callers share one request. */
  refreshMediaUrls(): Promise<void> {
    this.#refreshing ??= (async () => {
      try {
        const { message } = await this.#transport.request(MessageMediaDocument, { id: this.id });
        if (!message) throw new ParleyError("NOT_FOUND", `Message ${this.id} no longer exists.`);
        for (const fields of message.media) this.media.find((m) => m.id === fields.id)?.update(fields);
      } finally {
        this.#refreshing = undefined;
      }
    })();
    return this.#refreshing;
  }
}

/** mediaByIds answers at most this many ids per request. */
const MEDIA_BY_IDS_MAX = 100;

/**
 * Media id → a fresh URL for media of any messages: stale ones are refreshed with mediaByIds, one
 * request per 100 ids (none when every URL in hand is fresh), and the Media objects keep the new URLs.
 */
export async function temporaryContentUrls(
  transport: Transport,
  media: readonly Media[],
): Promise<Map<string, string>> {
  if (!Array.isArray(media) || media.some((m) => !(m instanceof Media)))
    throw new ParleyError("BAD_USER_INPUT", "Pass an array of Media (message.media) to get their URLs.");
  const stale = [...new Set(media.filter((m) => !m.isTemporaryUrlFresh).map((m) => m.id))];
  for (let i = 0; i < stale.length; i += MEDIA_BY_IDS_MAX) {
    const { mediaByIds } = await transport.request(MediaByIdsDocument, { ids: stale.slice(i, i + MEDIA_BY_IDS_MAX) });
    const byId = new Map(mediaByIds.map((f) => [f.id, f]));
    for (const m of media) {
      const fields = byId.get(m.id);
      if (fields) m.update(fields);
    }
  }
  return new Map(media.map((m) => [m.id, m.temporaryUrl]));
}
