import type { SdkContext } from "./context.ts";
import type { ConversationEventHandlers, MessageAddedOptions, Unsubscribe } from "./conversation-feed.ts";
import { ParleyError } from "./errors.ts";
import {
  AddParticipantDocument,
  AdvanceLastReadMessageIndexDocument,
  ConversationDocument,
  ConversationLimitsDocument,
  MessagesDocument,
  ParticipantsDocument,
  RemoveParticipantDocument,
  SendMessageDocument,
  SetLastReadMessageIndexDocument,
  UnreadMessagesCountDocument,
} from "./generated/documents.ts";
import {
  type ConversationFieldsFragment,
  type MessagesQueryVariables,
  type ParticipantFieldsFragment,
} from "./generated/graphql.ts";
import { newIdempotencyKey } from "./idempotency.ts";
import type { ConversationLimits } from "./limits.ts";
import { MessageBuilder } from "./message-builder.ts";
import { Message } from "./message.ts";
import { Page, type Paginator } from "./paginator.ts";
import { sendsMayGo } from "./send-gate.ts";

export type { ConversationLimits };

export interface Participant {
  id: string;
  identity: string;
  attributes: Record<string, unknown>;
  createdAt: Date;
  /** The participant's read horizon: the index of the last message they have read; null before any. */
  lastReadMessageIndex: number | null;
}

export interface GetMessagesOptions {
  /** 1 to 100; default 30. */
  pageSize?: number;
  /**
   * A message's `cursor` (or a paginator's start/end cursor): the page starts just past it.
   * Without it, `backwards` reads the newest messages and `forward` the oldest.
   */
  anchor?: string;
  /** `backwards` (default): messages before the anchor; `forward`: messages after it. */
  direction?: "backwards" | "forward";
}

export interface SendMessageOptions {
  /**
   * Repeating a send with the same key returns the first message. A key is kept as long as its
   * message exists (the contract promises at least 24 h); removing the message frees it. Default: a new key.
   */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

export const MAX_PAGE_SIZE = 100;
const DEFAULT_PAGE_SIZE = 30;

export const toParticipant = (p: ParticipantFieldsFragment): Participant => ({
  ...p,
  createdAt: new Date(p.createdAt),
});

/**
 * A conversation by id, without loading it: send, prepare and read messages, manage participants.
 * `client.getConversation(id)` returns a loaded Conversation with the same methods.
 */
export class ConversationHandle {
  #limits: Promise<ConversationLimits> | undefined;
  readonly #context: SdkContext;

  /** @internal */
  constructor(
    readonly id: string,
    context: SdkContext,
    limits?: ConversationLimits,
  ) {
    this.#context = context;
    if (limits) context.limits.set(id, limits);
  }

  /**
   * The limits if this client has them already (the conversation was loaded or created through it,
   * or getLimits() ran), without a request; the builder then checks them in build().
   */
  get knownLimits(): ConversationLimits | undefined {
    return this.#context.limits.get(this.id);
  }

  /** Loads the conversation's fields, participants and limits. */
  async fetch(): Promise<Conversation> {
    const { conversation } = await this.#context.transport.request(ConversationDocument, { id: this.id });
    if (!conversation) throw new ParleyError("NOT_FOUND", `Conversation ${this.id} does not exist.`);
    return new Conversation(conversation, this.#context);
  }

  /** The conversation's limits, fetched once per client (the builder validates against them). */
  getLimits(): Promise<ConversationLimits> {
    const known = this.knownLimits;
    if (known) return Promise.resolve(known);
    this.#limits ??= this.#context.transport
      .request(ConversationLimitsDocument, { id: this.id })
      .then(({ conversation }) => {
        if (!conversation) throw new ParleyError("NOT_FOUND", `Conversation ${this.id} does not exist.`);
        this.#context.limits.set(this.id, conversation.limits);
        return conversation.limits;
      });
    this.#limits.catch(() => (this.#limits = undefined));
    return this.#limits;
  }

  /** Sends a text message. */
  async sendMessage(
    body: string,
    attributes?: Record<string, unknown>,
    options: SendMessageOptions = {},
  ): Promise<Message> {
    await sendsMayGo(this.id);
    const { sendMessage } = await this.#context.transport.request(
      SendMessageDocument,
      {
        input: {
          conversationId: this.id,
          body,
          attributes,
          idempotencyKey: options.idempotencyKey ?? newIdempotencyKey(),
        },
      },
      options.signal,
    );
    return new Message(sendMessage, this.#context.transport);
  }

  /** Starts a message with body, attributes and media: `.setBody().addMedia().build().send()`. */
  prepareMessage(): MessageBuilder {
    return new MessageBuilder(this, this.#context);
  }

  /** A page of messages in ascending index order; see GetMessagesOptions. */
  async getMessages(options: GetMessagesOptions = {}): Promise<Paginator<Message>> {
    const size = options.pageSize ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
      throw new ParleyError(
        "BAD_USER_INPUT",
        `pageSize must be a whole number from 1 to ${MAX_PAGE_SIZE}, got ${size}.`,
      );
    }
    const direction = options.direction ?? "backwards";
    if (direction !== "backwards" && direction !== "forward") {
      throw new ParleyError("BAD_USER_INPUT", `direction must be "backwards" or "forward", got ${String(direction)}.`);
    }
    const anchor: unknown = options.anchor;
    if (anchor !== undefined && (typeof anchor !== "string" || anchor === "")) {
      throw new ParleyError(
        "BAD_USER_INPUT",
        `anchor must be a cursor (a listed message's cursor, or a paginator's startCursor/endCursor), got ${JSON.stringify(anchor) ?? String(anchor)}${typeof anchor === "number" ? ": message indexes are not anchors here (Twilio's numeric anchors have no equivalent)" : ""}.`,
      );
    }
    const page =
      direction === "forward"
        ? this.#messagesPage(size, { first: size, after: anchor ?? null })
        : this.#messagesPage(size, { last: size, before: anchor ?? null });
    return anchor === undefined ? page : page.catch((error: unknown) => Promise.reject(anchorError(error)));
  }

  async #messagesPage(size: number, args: Omit<MessagesQueryVariables, "conversationId">): Promise<Paginator<Message>> {
    const { transport } = this.#context;
    const { conversation } = await transport.request(MessagesDocument, { conversationId: this.id, ...args });
    if (!conversation) throw new ParleyError("NOT_FOUND", `Conversation ${this.id} does not exist.`);
    const { edges, pageInfo } = conversation.messages;
    const items = edges.map((e) => new Message(e.node, transport, e.cursor));
    const { startCursor, endCursor } = pageInfo;
    // An empty page has no cursors: the other side of it is then the newest (or oldest) page.
    return new Page(
      items,
      pageInfo.hasPreviousPage,
      pageInfo.hasNextPage,
      startCursor,
      endCursor,
      () => this.#messagesPage(size, { last: size, before: startCursor }),
      () => this.#messagesPage(size, { first: size, after: endCursor }),
    );
  }

  async getParticipants(): Promise<Participant[]> {
    const { conversation } = await this.#context.transport.request(ParticipantsDocument, { id: this.id });
    if (!conversation) throw new ParleyError("NOT_FOUND", `Conversation ${this.id} does not exist.`);
    return conversation.participants.map(toParticipant);
  }

  /** Adds a participant by identity (any participant may add others). */
  async add(identity: string, attributes?: Record<string, unknown>): Promise<Participant> {
    const { addParticipant } = await this.#context.transport.request(AddParticipantDocument, {
      input: { conversationId: this.id, identity, attributes },
    });
    return toParticipant(addParticipant);
  }

  /**
   * Removes a participant by identity: the creator may remove anyone, others only themselves.
   * False when the identity was not a participant. Their live events stop (FORBIDDEN).
   */
  async removeParticipant(identity: string): Promise<boolean> {
    const { removeParticipant } = await this.#context.transport.request(RemoveParticipantDocument, {
      conversationId: this.id,
      identity,
    });
    return removeParticipant;
  }

  /**
   * Sets the viewer's read horizon: the index of the last message they have read (null: none).
   * Resolves to the viewer's participant with its new `lastReadMessageIndex`.
   */
  async setLastReadMessageIndex(index: number | null): Promise<Participant> {
    if (index !== null && !Number.isInteger(index)) {
      return Promise.reject(
        new ParleyError("BAD_USER_INPUT", `index must be a message index or null, got ${String(index)}.`),
      );
    }
    const { setLastReadMessageIndex } = await this.#context.transport.request(SetLastReadMessageIndexDocument, {
      conversationId: this.id,
      index,
    });
    return toParticipant(setLastReadMessageIndex);
  }

  /**
   * Moves the viewer's read horizon forward to `index` and never back (Twilio's
   * advanceLastReadMessageIndex): the server keeps the higher of the two, so two tabs never move it
   * backwards. Resolves to the viewer's participant.
   */
  async advanceLastReadMessageIndex(index: number): Promise<Participant> {
    if (!Number.isInteger(index) || index < 0) {
      throw new ParleyError("BAD_USER_INPUT", `index must be a message index (0 or more), got ${String(index)}.`);
    }
    const { advanceLastReadMessageIndex } = await this.#context.transport.request(AdvanceLastReadMessageIndexDocument, {
      conversationId: this.id,
      index,
    });
    return toParticipant(advanceLastReadMessageIndex);
  }

  /**
   * Marks every message read: advances the horizon to the newest index (forward only). Resolves
   * to the unread count afterwards, 0 unless messages arrived meanwhile (Twilio's setAllMessagesRead).
   */
  async setAllMessagesRead(): Promise<number> {
    const { conversation } = await this.#context.transport.request(MessagesDocument, {
      conversationId: this.id,
      last: 1,
    });
    if (!conversation) throw new ParleyError("NOT_FOUND", `Conversation ${this.id} does not exist.`);
    const newest = conversation.messages.edges.at(-1)?.node.index;
    if (newest !== undefined) await this.advanceLastReadMessageIndex(newest);
    return (await this.getUnreadMessagesCount()) ?? 0;
  }

  /**
   * Messages from others after the viewer's read horizon; null while the viewer has no horizon
   * (never read anything), as in Twilio. `conversation.unreadMessagesCount` counts them all then.
   */
  async getUnreadMessagesCount(): Promise<number | null> {
    const { viewer, conversation } = await this.#context.transport.request(UnreadMessagesCountDocument, {
      id: this.id,
    });
    if (!conversation) throw new ParleyError("NOT_FOUND", `Conversation ${this.id} does not exist.`);
    const me = conversation.participants.find((p) => p.identity === viewer.identity);
    return me?.lastReadMessageIndex == null ? null : conversation.unreadMessagesCount;
  }

  /**
   * Removes a handler added with `on(event, handler)` (Twilio's `off`/`removeListener`); when the
   * same function was added more than once, one registration goes. Same as calling what on() returned.
   */
  off<E extends keyof ConversationEventHandlers>(event: E, handler: ConversationEventHandlers[E]): void {
    this.#context.realtime.existingFeed(this.id)?.off(event, handler);
  }

  /**
   * Live events of this conversation, over the client's one WebSocket (opened by the first
   * handler). Returns a function that removes the handler.
   *
   * - `messageAdded`: new messages as `Message`s, each once and in index order per handler. After
   *   a reconnect the messages missed meanwhile are read by index and come first. `{ after }` starts
   *   after a given index instead of the newest.
   * - `messageUpdated`: `{ message, reasons }` (`"BODY"`, `"ATTRIBUTES"`, `"MEDIA"`); `messageRemoved`:
   *   `{ id, index, conversationId, removedAt }`.
   * - `error`: the events stopped for good (FORBIDDEN for a non-participant or a removed one,
   *   NOT_FOUND, UNAUTHENTICATED, NETWORK_ERROR); every handler of the conversation is detached.
   */
  on(
    event: "messageAdded",
    handler: ConversationEventHandlers["messageAdded"],
    options?: MessageAddedOptions,
  ): Unsubscribe;
  on(event: "messageUpdated", handler: ConversationEventHandlers["messageUpdated"]): Unsubscribe;
  on(event: "messageRemoved", handler: ConversationEventHandlers["messageRemoved"]): Unsubscribe;
  on(event: "error", handler: ConversationEventHandlers["error"]): Unsubscribe;
  on<E extends keyof ConversationEventHandlers>(
    event: E,
    handler: ConversationEventHandlers[E],
    options?: MessageAddedOptions,
  ): Unsubscribe {
    return this.#context.realtime.feed(this.id).on(event, handler, options);
  }
}

/**
 * The server names its own argument (`before`/`after`) when a cursor is not one of its own; the
 * caller passed `anchor`, so say that.
 */
function anchorError(error: unknown): unknown {
  if (!(error instanceof ParleyError) || error.code !== "BAD_USER_INPUT") return error;
  const field = error.errors[0]?.extensions?.field;
  if (field !== "before" && field !== "after") return error;
  return new ParleyError(
    "BAD_USER_INPUT",
    "anchor is not a cursor returned by this API: pass a listed message's cursor, or a paginator's startCursor/endCursor, unchanged.",
    { status: error.status, httpStatus: error.httpStatus, errors: error.errors, cause: error },
  );
}

/** A loaded conversation: its fields as of loading, and every ConversationHandle method. */
export class Conversation extends ConversationHandle {
  readonly friendlyName: string | null;
  readonly uniqueName: string | null;
  readonly attributes: Record<string, unknown>;
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** The viewer's unread messages (from others, after their read horizon) as of loading. */
  readonly unreadMessagesCount: number;
  /** Index of the newest message sent as of loading (it may have been removed since); null before the first. */
  readonly lastMessageIndex: number | null;
  readonly participants: readonly Participant[];
  readonly limits: ConversationLimits;

  /** @internal */
  constructor(fields: ConversationFieldsFragment, context: SdkContext) {
    super(fields.id, context, fields.limits);
    this.friendlyName = fields.friendlyName;
    this.uniqueName = fields.uniqueName;
    this.attributes = fields.attributes;
    this.createdBy = fields.createdBy;
    this.createdAt = new Date(fields.createdAt);
    this.updatedAt = new Date(fields.updatedAt);
    this.unreadMessagesCount = fields.unreadMessagesCount;
    this.lastMessageIndex = fields.lastMessageIndex;
    this.participants = fields.participants.map(toParticipant);
    this.limits = fields.limits;
  }
}
