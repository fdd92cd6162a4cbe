import type { SdkContext } from "./context.ts";
import { abortReason, ParleyError } from "./errors.ts";
import { SendMessageDocument } from "./generated/documents.ts";
import { newIdempotencyKey } from "./idempotency.ts";
import { limitProblems, type ConversationLimits } from "./limits.ts";
import { PreparedMedia, type MediaData, type MediaOptions } from "./media-source.ts";
import { Message } from "./message.ts";
import { sendsMayGo } from "./send-gate.ts";
import type { ProgressListener } from "./upload-progress.ts";
import { sendWithSessions, type ResumableUploadOptions } from "./upload-session.ts";

export { ATTRIBUTES_MAX_BYTES } from "./limits.ts";

export interface SendOptions {
  /** Bytes sent so far, overall and per file. Never goes backwards; ends at the total. */
  onProgress?: ProgressListener;
  /** Aborting cancels the upload; send() then rejects with an AbortError and nothing is stored. */
  signal?: AbortSignal;
  /**
   * Overrides the key this UnsentMessage made for itself. A key is kept as long as its message
   * exists (the contract promises at least 24 h); removing the message frees it.
   */
  idempotencyKey?: string;
  /**
   * Large files (8 MiB and up, size known) go through resumable upload sessions: parts PUT straight
   * into storage, in parallel, retried, resumed by a later send() of this message or, after a
   * restart, by `addMedia({ media, uploadId })`. Tune it here, or `false` for one multipart request.
   */
  resumable?: ResumableUploadOptions | false;
  /** A file's resumable upload started: save `uploadId` to resume it after a reload or a restart. */
  onUploadStarted?: (upload: { index: number; uploadId: string }) => void;
}

/** Where a message gets its conversation's limits (a ConversationHandle). */
export interface LimitsSource {
  readonly id: string;
  /** The limits if already known (a loaded conversation, or fetched once before), without a request. */
  readonly knownLimits: ConversationLimits | undefined;
  getLimits(): Promise<ConversationLimits>;
}

/** The first problem as the ParleyError the API would answer. */
function throwFirst(problems: ReturnType<typeof limitProblems>): void {
  const first = problems[0];
  if (first) throw new ParleyError(first.code, first.message);
}

/** Twilio-style message builder: collect body, attributes and media, then `build().send()`. */
export class MessageBuilder {
  #body: string | null = null;
  #attributes: Record<string, unknown> | null = null;
  readonly #media: MediaOptions[] = [];
  readonly #conversation: LimitsSource;
  readonly #context: SdkContext;

  /** @internal */
  constructor(conversation: LimitsSource, context: SdkContext) {
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
   * Validates the message and returns it unsent, synchronously (Twilio's `build().send()` chain).
   * Throws a ParleyError for what is wrong already: nothing to send, attributes over 16 KiB, and the
   * conversation's limits when this handle knows them (a loaded conversation, or after getLimits());
   * otherwise send() checks the limits before uploading anything.
   */
  build(): UnsentMessage {
    const media = this.#media.map((m, i) => new PreparedMedia(m, i));
    const body = this.#body === "" ? null : this.#body;
    const draft = { body, attributes: this.#attributes, files: media };
    throwFirst(limitProblems(this.#conversation.knownLimits ?? null, draft));
    const uploadIds = this.#media.map((m) => m.uploadId);
    return new UnsentMessage(this.#conversation, body, this.#attributes, media, this.#context, uploadIds);
  }

  /** `build().send(options)` in one call; every failure, validation included, rejects the promise. */
  async buildAndSend(options: SendOptions = {}): Promise<Message> {
    return this.build().send(options);
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
  readonly conversationId: string;
  readonly media: readonly UnsentMedia[];
  readonly #prepared: readonly PreparedMedia[];
  readonly #conversation: LimitsSource;
  readonly #context: SdkContext;
  /** Resumable uploads of this message's files, kept across failed sends so a retry resumes them. */
  readonly #uploadIds: (string | undefined)[];

  /** @internal */
  constructor(
    conversation: LimitsSource,
    readonly body: string | null,
    readonly attributes: Record<string, unknown> | null,
    prepared: readonly PreparedMedia[],
    context: SdkContext,
    uploadIds: (string | undefined)[] = [],
  ) {
    this.#uploadIds = prepared.map((_, i) => uploadIds[i]);
    this.conversationId = conversation.id;
    this.#conversation = conversation;
    this.#prepared = prepared;
    this.#context = context;
    this.media = prepared.map(({ filename, contentType, size }) => ({ filename, contentType, size }));
  }

  /**
   * Sends in one request: JSON for text, one multipart upload for media; large files first go
   * through resumable upload sessions (see SendOptions.resumable). The conversation's limits
   * are checked first (fetched once per conversation handle when not known yet): over a limit it
   * rejects with PAYLOAD_TOO_LARGE or BAD_USER_INPUT and uploads nothing.
   */
  async send(options: SendOptions = {}): Promise<Message> {
    const { transport } = this.#context;
    if (options.signal?.aborted) throw abortReason(options.signal);
    const limits = this.#conversation.knownLimits ?? (await this.#conversation.getLimits());
    throwFirst(limitProblems(limits, { body: this.body, files: this.#prepared }));
    await sendsMayGo(this.conversationId);
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
    const message = await sendWithSessions(
      this.#context,
      {
        conversationId: this.conversationId,
        body: this.body,
        attributes: this.attributes,
        idempotencyKey,
        media: this.#prepared,
        uploadIds: this.#uploadIds,
      },
      {
        onProgress: options.onProgress,
        signal: options.signal,
        resumable: options.resumable,
        onUploadStarted: options.onUploadStarted,
        limits: {
          fileBytes: limits.mediaAttachmentSizeLimitInBytes,
          totalBytes: limits.mediaAttachmentsTotalSizeLimitInBytes,
        },
      },
    );
    return new Message(message, transport);
  }
}

export type { MediaData, MediaOptions };
