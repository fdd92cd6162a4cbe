import { ParleyError } from "./errors.ts";
import {
  MediaByIdsDocument,
  MessageMediaDocument,
  RemoveMessageDocument,
  UpdateMessageDocument,
} from "./generated/documents.ts";
import {
  type MediaCategory,
  type MediaFieldsFragment,
  type MediaPreviewFieldsFragment,
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

/** The preview size messages come with (the API's default for `preview`). */
export const DEFAULT_PREVIEW_SIZE = 320;

/** A "no preview" answer is trusted this long before the API is asked again (it may be being made). */
export const PREVIEW_NULL_RETRY_MS = 5_000;

/** A WebP rendition of an image, at most the asked size on its longer side, with its own temporary URL. */
export interface MediaPreview {
  width: number;
  height: number;
  contentType: string;
  temporaryUrl: string;
  temporaryUrlExpiresAt: Date;
}

const toPreview = (f: MediaPreviewFieldsFragment | null | undefined): MediaPreview | null =>
  f
    ? {
        width: f.width,
        height: f.height,
        contentType: f.contentType,
        temporaryUrl: f.temporaryUrl,
        temporaryUrlExpiresAt: new Date(f.temporaryUrlExpiresAt),
      }
    : null;

/** One attachment of a message. Its bytes are fetched from a temporary URL (GET, no headers). */
export class Media {
  readonly id: string;
  readonly category: MediaCategory;
  readonly filename: string | null;
  readonly contentType: string;
  /** Bytes, as stored (JPEG, PNG and WebP without their EXIF/XMP metadata). */
  readonly size: number;
  /** Hex sha256 of the bytes, as stored: compare after download to verify. */
  readonly sha256: string;
  /** Displayed pixel size of an image (EXIF orientation applied), known at send; null for other media. */
  readonly width: number | null;
  readonly height: number | null;
  #url: string;
  #expiresAt: Date;
  #placeholder: string | null;
  /** Previews in hand by the size asked for, with when the answer came (for null answers). */
  readonly #previews = new Map<number, { preview: MediaPreview | null; at: number }>();
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
    this.width = fields.width ?? null;
    this.height = fields.height ?? null;
    this.#url = fields.temporaryUrl;
    this.#expiresAt = new Date(fields.temporaryUrlExpiresAt);
    this.#placeholder = fields.placeholder ?? null;
    this.#previews.set(DEFAULT_PREVIEW_SIZE, { preview: toPreview(fields.preview), at: Date.now() });
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

  /** A ThumbHash (base64) to paint before anything loads (thumbhash's thumbHashToDataURL); null until the previews are made, and for non-images. */
  get placeholder(): string | null {
    return this.#placeholder;
  }

  /**
   * The 320 px preview in hand (its URL possibly expired; prefer getPreviewUrl()), null for
   * non-images and while it is being made.
   */
  get preview(): MediaPreview | null {
    return this.#previews.get(DEFAULT_PREVIEW_SIZE)?.preview ?? null;
  }

  /** A URL to GET the bytes from, fetched anew when the one in hand expired or is about to. */
  async getContentTemporaryUrl(): Promise<string> {
    if (!this.isTemporaryUrlFresh) await this.#message.refreshMediaUrls();
    return this.#url;
  }

  /**
   * A URL of a WebP preview at most `maxSize` px on its longer side (16..1024, default 320; the
   * largest the API made that fits), under the same rules as getContentTemporaryUrl(): the one in
   * hand while it is good for 30 s more, else fetched anew with the rest of the message's URLs
   * (one request). Null for non-images and while the preview is being made (asked again after
   * 5 s; messageUpdated with reason MEDIA announces it).
   */
  async getPreviewUrl(maxSize = DEFAULT_PREVIEW_SIZE): Promise<string | null> {
    if (!this.isPreviewFresh(maxSize)) await this.#message.refreshMediaUrls(maxSize);
    return this.#previews.get(maxSize)?.preview?.temporaryUrl ?? null;
  }

  /** @internal Whether the answer in hand for `maxSize` can be handed out without asking. */
  isPreviewFresh(maxSize: number): boolean {
    if (!this.contentType.startsWith("image/")) return true; // never has previews: nothing to ask
    const entry = this.#previews.get(maxSize);
    if (!entry) return false;
    if (entry.preview) return entry.preview.temporaryUrlExpiresAt.getTime() - Date.now() > URL_REFRESH_MARGIN_MS;
    return Date.now() - entry.at < PREVIEW_NULL_RETRY_MS;
  }

  toJSON() {
    const { id, category, filename, contentType, size, sha256, temporaryUrl, temporaryUrlExpiresAt } = this;
    const { width, height, placeholder, preview } = this;
    return {
      ...{ id, category, filename, contentType, size, sha256, temporaryUrl, temporaryUrlExpiresAt },
      ...{ width, height, placeholder, preview },
    };
  }

  /** @internal */
  update(fields: MediaFieldsFragment, sized?: { maxSize: number; preview: MediaPreviewFieldsFragment | null }): void {
    const at = Date.now();
    this.#url = fields.temporaryUrl;
    this.#expiresAt = new Date(fields.temporaryUrlExpiresAt);
    this.#placeholder = fields.placeholder ?? null;
    this.#previews.set(DEFAULT_PREVIEW_SIZE, { preview: toPreview(fields.preview), at });
    if (sized) this.#previews.set(sized.maxSize, { preview: toPreview(sized.preview), at });
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
  /** Refreshes in flight, by preview size: concurrent callers share one request. */
  readonly #refreshing = new Map<number, Promise<void>>();
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

  /**
   * Media id → a URL good for at least 30 s more; one request at most, none when all are fresh.
   * The request also renews the 320 px previews (getPreviewUrl() then asks nothing).
   */
  async getTemporaryContentUrlsForAttachedMedia(): Promise<Map<string, string>> {
    if (this.media.some((m) => !m.isTemporaryUrlFresh)) await this.refreshMediaUrls();
    return new Map(this.media.map((m) => [m.id, m.temporaryUrl]));
  }

  /**
   * Media id → a preview URL at most `maxSize` px (see Media.getPreviewUrl), or null; one request
   * at most for the whole message (none when every answer in hand is fresh), which renews the
   * content URLs too.
   */
  async getPreviewUrlsForAttachedMedia(maxSize = DEFAULT_PREVIEW_SIZE): Promise<Map<string, string | null>> {
    if (this.media.some((m) => !m.isPreviewFresh(maxSize))) await this.refreshMediaUrls(maxSize);
    return new Map(await Promise.all(this.media.map(async (m) => [m.id, await m.getPreviewUrl(maxSize)] as const)));
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

  /**
   * @internal Fetches fresh temporary URLs for every attachment and their previews (320 px, and
   * `previewMaxSize` when another size is asked for); concurrent callers share one request.
   */
  refreshMediaUrls(previewMaxSize = DEFAULT_PREVIEW_SIZE): Promise<void> {
    let pending = this.#refreshing.get(previewMaxSize);
    if (!pending) {
      pending = (async () => {
        try {
          const sized = previewMaxSize !== DEFAULT_PREVIEW_SIZE;
          const { message } = await this.#transport.request(MessageMediaDocument, {
            id: this.id,
            previewMaxSize,
            sized,
          });
          if (!message) throw new ParleyError("NOT_FOUND", `Message ${this.id} no longer exists.`);
          for (const fields of message.media)
            this.media
              .find((m) => m.id === fields.id)
              ?.update(fields, sized ? { maxSize: previewMaxSize, preview: fields.sizedPreview ?? null } : undefined);
        } finally {
          this.#refreshing.delete(previewMaxSize);
        }
      })();
      this.#refreshing.set(previewMaxSize, pending);
    }
    return pending;
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
  const stale = media.filter((m) => !m.isTemporaryUrlFresh).map((m) => m.id);
  const byId = new Map((await mediaByIds(transport, stale)).map((f) => [f.id, f]));
  for (const m of media) {
    const fields = byId.get(m.id);
    if (fields) m.update(fields);
  }
  return new Map(media.map((m) => [m.id, m.temporaryUrl]));
}

/** Media id → a fresh URL, for media known only by id (one request per 100 ids). */
export async function temporaryContentUrlsByIds(
  transport: Transport,
  ids: readonly string[],
): Promise<Map<string, string>> {
  if (!Array.isArray(ids) || ids.some((id) => typeof id !== "string"))
    throw new ParleyError("BAD_USER_INPUT", "Pass an array of media ids (media.id) to get their URLs.");
  return new Map((await mediaByIds(transport, ids)).map((f) => [f.id, f.temporaryUrl]));
}

/** The media of these ids (each once), with fresh URLs: mediaByIds, one request per 100. */
async function mediaByIds(transport: Transport, ids: readonly string[]): Promise<MediaFieldsFragment[]> {
  const unique = [...new Set(ids)];
  const out: MediaFieldsFragment[] = [];
  for (let i = 0; i < unique.length; i += MEDIA_BY_IDS_MAX) {
    const { mediaByIds } = await transport.request(MediaByIdsDocument, { ids: unique.slice(i, i + MEDIA_BY_IDS_MAX) });
    out.push(...mediaByIds);
  }
  return out;
}
