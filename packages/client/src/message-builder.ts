import type { SdkContext } from "./context.ts";
import type { ConversationHandle, ConversationLimits } from "./conversation.ts";
import { ParleyError } from "./errors.ts";
import { SendMessageDocument } from "./generated/graphql.ts";
import { newIdempotencyKey } from "./idempotency.ts";
import { PreparedMedia, type MediaData, type MediaOptions } from "./media-source.ts";
import { Message } from "./message.ts";
import { uploadMediaMessage } from "./upload.ts";
import type { ProgressListener } from "./upload-progress.ts";

/** The contract's cap on `attributes`: UTF-8 bytes of its JSON. */
export const ATTRIBUTES_MAX_BYTES = 16 * 1024;

export interface SendOptions {
  /** Bytes sent so far, overall and per file. Never goes backwards; ends at the total. */
  onProgress?: ProgressListener;
  /** Aborting cancels the upload; send() then rejects with an AbortError and nothing is stored. */
  signal?: AbortSignal;
  /** Overrides the key this UnsentMessage made for itself. */
  idempotencyKey?: string;
}

/** Twilio-style message builder: collect body, attributes and media, then build() to validate. */
export class MessageBuilder {
  #body: string | null = null;
  #attributes: Record<string, unknown> | null = null;
  readonly #media: MediaOptions[] = [];
  readonly #conversation: ConversationHandle;
  readonly #context: SdkContext;

  /** @internal */
  constructor(conversation: ConversationHandle, context: SdkContext) {
    this.#conversation = conversation;
    this.#context = context;
  }

  setBody(body: string): this {
    this.#body = body;
    return this;
  }

  setAttributes(attributes: Record<string, unknown>): this {
    this.#attributes = attributes;
    return this;
  }

  /** Adds an attachment: `{ media, filename?, contentType?, size? }`, or a File/Blob alone. */
  addMedia(media: MediaOptions | Blob): this {
    this.#media.push(typeof Blob !== "undefined" && media instanceof Blob ? { media } : (media as MediaOptions));
    return this;
  }

  /**
   * Validates the message against the conversation's limits (fetched once per conversation
   * handle) and returns it unsent. Nothing is uploaded until send().
   */
  async build(): Promise<UnsentMessage> {
    const media = this.#media.map((m, i) => new PreparedMedia(m, i));
    const body = this.#body === "" ? null : this.#body;
    if (body === null && media.length === 0) {
      throw new ParleyError("BAD_USER_INPUT", "A message needs a body or at least one media attachment.");
    }
    const attributes = this.#attributes;
    if (attributes !== null) {
      if (typeof attributes !== "object" || Array.isArray(attributes)) {
        throw new ParleyError("BAD_USER_INPUT", "attributes must be a JSON object.");
      }
      const bytes = new TextEncoder().encode(JSON.stringify(attributes)).byteLength;
      if (bytes > ATTRIBUTES_MAX_BYTES) {
        throw new ParleyError(
          "BAD_USER_INPUT",
          `attributes are ${bytes} bytes of JSON; the limit is ${ATTRIBUTES_MAX_BYTES}.`,
        );
      }
    }
    const limits = await this.#conversation.getLimits();
    checkLimits(limits, body, media);
    return new UnsentMessage(this.#conversation.id, body, attributes, media, limits, this.#context);
  }
}

function checkLimits(limits: ConversationLimits, body: string | null, media: readonly PreparedMedia[]): void {
  if (body !== null) {
    let codePoints = 0;
    for (const _ of body) codePoints++;
    if (codePoints > limits.bodyMaxLength) {
      throw new ParleyError(
        "BAD_USER_INPUT",
        `The body has ${codePoints} characters; this conversation allows ${limits.bodyMaxLength}.`,
      );
    }
  }
  if (media.length > limits.mediaAttachmentsCountLimit) {
    throw new ParleyError(
      "PAYLOAD_TOO_LARGE",
      `The message has ${media.length} attachments; this conversation allows ${limits.mediaAttachmentsCountLimit}.`,
    );
  }
  let total = 0;
  media.forEach((m, i) => {
    if (m.size === null) return;
    if (m.size > limits.mediaAttachmentSizeLimitInBytes) {
      throw new ParleyError(
        "PAYLOAD_TOO_LARGE",
        `media #${i + 1}${m.filename ? ` (${m.filename})` : ""} is ${m.size} bytes; this conversation allows ${limits.mediaAttachmentSizeLimitInBytes} per file.`,
      );
    }
    total += m.size;
  });
  if (total > limits.mediaAttachmentsTotalSizeLimitInBytes) {
    throw new ParleyError(
      "PAYLOAD_TOO_LARGE",
      `The attachments add up to ${total} bytes; this conversation allows ${limits.mediaAttachmentsTotalSizeLimitInBytes} in one message.`,
    );
  }
}

/** What an UnsentMessage will upload, for display before sending. */
export interface UnsentMedia {
  filename: string | null;
  contentType: string | null;
  size: number | null;
}

/**
 * A validated message, not yet sent. It carries its own idempotency key: calling send() again
 * after a failure (network, timeout) never creates a second message.
 */
export class UnsentMessage {
  readonly idempotencyKey = newIdempotencyKey();
  readonly media: readonly UnsentMedia[];
  readonly #prepared: readonly PreparedMedia[];
  readonly #limits: ConversationLimits;
  readonly #context: SdkContext;

  /** @internal */
  constructor(
    readonly conversationId: string,
    readonly body: string | null,
    readonly attributes: Record<string, unknown> | null,
    prepared: readonly PreparedMedia[],
    limits: ConversationLimits,
    context: SdkContext,
  ) {
    this.#prepared = prepared;
    this.#limits = limits;
    this.#context = context;
    this.media = prepared.map(({ filename, contentType, size }) => ({ filename, contentType, size }));
  }

  /** Sends in one request: JSON for text, one multipart upload for media. */
  async send(options: SendOptions = {}): Promise<Message> {
    const { transport } = this.#context;
    const idempotencyKey = options.idempotencyKey ?? this.idempotencyKey;
    if (this.#prepared.length === 0) {
      const { sendMessage } = await transport.request(
        SendMessageDocument,
        {
          input: {
            conversationId: this.conversationId,
            body: this.body ?? "",
            attributes: this.attributes,
            idempotencyKey,
          },
        },
        options.signal,
      );
      return new Message(sendMessage, transport);
    }
    const message = await uploadMediaMessage(
      transport,
      this.#context.uploadMode,
      {
        conversationId: this.conversationId,
        body: this.body,
        attributes: this.attributes,
        idempotencyKey,
        media: this.#prepared,
      },
      {
        onProgress: options.onProgress,
        signal: options.signal,
        limits: {
          fileBytes: this.#limits.mediaAttachmentSizeLimitInBytes,
          totalBytes: this.#limits.mediaAttachmentsTotalSizeLimitInBytes,
        },
      },
    );
    return new Message(message, transport);
  }
}

export type { MediaData, MediaOptions };
