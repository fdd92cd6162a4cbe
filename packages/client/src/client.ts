import { TokenSource, type TokenProvider } from "./auth.ts";
import type { ClientMessageEvent, ClientMessageEventHandlers } from "./client-feed.ts";
import type { SdkContext } from "./context.ts";
import { Conversation, ConversationHandle, MAX_PAGE_SIZE } from "./conversation.ts";
import { ParleyError } from "./errors.ts";
import type { Unsubscribe } from "./feed-support.ts";
import {
  ConversationsDocument,
  CreateConversationDocument,
  MessageDocument,
  ViewerDocument,
} from "./generated/documents.ts";
import { type CreateConversationInput } from "./generated/graphql.ts";
import { Media, Message, temporaryContentUrls, temporaryContentUrlsByIds } from "./message.ts";
import { Page, type Paginator } from "./paginator.ts";
import { Realtime, type ConnectionState, type ReconnectOptions, type WebSocketConstructor } from "./realtime.ts";
import { Transport, type FetchLike, type OperationDocument } from "./transport.ts";
import type { MediaOptions } from "./media-source.ts";
import type { UploadMode } from "./upload.ts";
import { abortUpload, prepareOne, uploadThroughSession, type UploadSessionOptions } from "./upload-session.ts";

export interface ClientOptions {
  /** The server's base URL (`https://parley.example.com`) or its GraphQL endpoint (`…/graphql`). */
  url: string;
  /** A bearer token (JWT). With getToken too, it is the first token used. */
  token?: string;
  /** Called for a token on first use and again, once per refusal, when the server answers UNAUTHENTICATED. */
  getToken?: TokenProvider;
  /**
   * A getToken() call that has not settled after this long fails (NETWORK_ERROR) and the next
   * request calls it again. Default 10 000 ms.
   */
  getTokenTimeoutMs?: number;
  /** Defaults to the global fetch. Used for every request, except uploads in browsers (XMLHttpRequest, for progress). */
  fetch?: FetchLike;
  /** Media uploads: "auto" (default) uses XMLHttpRequest in browsers and a streamed fetch elsewhere. */
  uploadMode?: UploadMode;
  /**
   * The WebSocket class for live events (`conversation.on`). Default: the global WebSocket of
   * browsers and Node.js ≥ 22. On Node.js 20 pass `WebSocket` from "@parley/client/node".
   */
  webSocketImpl?: WebSocketConstructor;
  /**
   * How live events connect and reconnect: by default forever, 0.5 s doubling to 30 s, each attempt
   * given 10 s to connect.
   */
  reconnect?: ReconnectOptions;
}

/** The events of `client.on()`. */
export type ClientEvent = ClientMessageEvent | "connectionStateChanged" | "connectionError";

type VariablesArgs<V> =
  Record<string, never> extends V ? [variables?: V, signal?: AbortSignal] : [variables: V, signal?: AbortSignal];

export class ParleyClient {
  readonly endpoint: string;
  readonly #context: SdkContext;

  constructor(options: ClientOptions) {
    if (!options || typeof options.url !== "string")
      throw new ParleyError("BAD_USER_INPUT", "createClient needs { url }.");
    if (options.token === undefined && options.getToken === undefined) {
      throw new ParleyError("BAD_USER_INPUT", "createClient needs a token or a getToken function.");
    }
    this.endpoint = graphqlEndpoint(options.url);
    const fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    const transport = new Transport(
      this.endpoint,
      fetchImpl,
      new TokenSource(options.token, options.getToken, options.getTokenTimeoutMs),
    );
    this.#context = {
      transport,
      uploadMode: options.uploadMode ?? "auto",
      realtime: new Realtime(this.endpoint, transport, {
        webSocketImpl: options.webSocketImpl,
        reconnect: options.reconnect,
      }),
      limits: new Map(),
    };
  }

  /** The live-events WebSocket: `disconnected` until the first `conversation.on()`. */
  get connectionState(): ConnectionState {
    return this.#context.realtime.state;
  }

  /**
   * Client events. Returns a function that removes the handler.
   *
   * - `messageAdded`, `messageUpdated`, `messageRemoved`: the message events of every conversation
   *   the viewer participates in, including conversations created or joined later (Twilio's
   *   client-level events). `messageAdded` is per conversation in index order and each once, also
   *   across reconnects, and delivers every message committed after `on()` returned (its `ready`
   *   resolves once the starting point is read). Failures are reported as `connectionError` and
   *   retried; these events never stop by themselves.
   * - `connectionStateChanged`: the live-events WebSocket is `connecting`, `connected` or
   *   `disconnected` (it reconnects by itself while handlers are registered).
   * - `connectionError`: a connection attempt failed or the connection was lost, with why
   *   (`NETWORK_ERROR`: no answer within `reconnect.connectTimeoutMs`, refused, dropped;
   *   `UNAUTHENTICATED`: getToken() failed or timed out, or the server refused the token). The
   *   SDK keeps retrying with backoff; failures for good go to the conversations' `error` handlers.
   */
  on(event: "messageAdded", handler: ClientMessageEventHandlers["messageAdded"]): Unsubscribe;
  on(event: "messageUpdated", handler: ClientMessageEventHandlers["messageUpdated"]): Unsubscribe;
  on(event: "messageRemoved", handler: ClientMessageEventHandlers["messageRemoved"]): Unsubscribe;
  on(event: "connectionStateChanged", handler: (state: ConnectionState) => void): () => void;
  on(event: "connectionError", handler: (error: ParleyError) => void): () => void;
  on(event: ClientEvent, handler: (value: never) => void): () => void {
    if (typeof handler !== "function")
      throw new ParleyError("BAD_USER_INPUT", `on(${JSON.stringify(event)}) needs a handler function.`);
    const { realtime } = this.#context;
    if (event === "connectionStateChanged") return realtime.onStateChange(handler as (state: ConnectionState) => void);
    if (event === "connectionError") return realtime.onConnectionError(handler as (error: ParleyError) => void);
    if (event !== "messageAdded" && event !== "messageUpdated" && event !== "messageRemoved")
      throw new ParleyError(
        "BAD_USER_INPUT",
        `Unknown client event ${JSON.stringify(event)}: use messageAdded, messageUpdated, messageRemoved, connectionStateChanged or connectionError.`,
      );
    return realtime.clientFeed().on(event, handler as ClientMessageEventHandlers[typeof event]);
  }

  /** Removes a message-event handler added with `on(event, handler)` (one registration of it). */
  off<E extends ClientMessageEvent>(event: E, handler: ClientMessageEventHandlers[E]): void {
    this.#context.realtime.existingClientFeed()?.off(event, handler);
  }

  /** Stops every conversation's live events and closes the WebSocket (e.g. on sign-out). */
  close(): Promise<void> {
    return this.#context.realtime.close();
  }

  /**
   * Runs any generated operation (or your own TypedDocumentNode) with this client's auth and
   * error handling; result and variables are typed by the document.
   */
  request<TResult, TVariables>(
    document: OperationDocument<TResult, TVariables>,
    ...args: VariablesArgs<TVariables>
  ): Promise<TResult> {
    return this.#context.transport.request(document, args[0], args[1]);
  }

  /**
   * Uploads one file through a resumable upload session (parts PUT straight into storage, in
   * parallel, retried) and resolves to its upload id once every part is stored; name it in a
   * message with `addMedia({ media, uploadId })`. `onUploadStarted` reports the id at once, to save.
   */
  uploadMedia(conversationId: string, media: MediaOptions | Blob, options: UploadSessionOptions = {}): Promise<string> {
    return uploadThroughSession(this.#context, conversationId, prepareOne(media), undefined, options);
  }

  /**
   * Continues a saved upload (after a dropped connection, a page reload or a process restart)
   * with the same bytes: PUTs only the parts not yet stored. An upload that has expired or was
   * used is started again as a new one (reported by `onUploadStarted`).
   */
  resumeUpload(
    uploadId: string,
    conversationId: string,
    media: MediaOptions | Blob,
    options: UploadSessionOptions = {},
  ): Promise<string> {
    return uploadThroughSession(this.#context, conversationId, prepareOne(media), uploadId, options);
  }

  /** Deletes an unfinished upload and its stored parts; false when there was none of yours. */
  abortUpload(uploadId: string): Promise<boolean> {
    return abortUpload(this.#context.transport, uploadId);
  }

  /** Who the token belongs to. */
  async getViewer(): Promise<{ identity: string }> {
    return (await this.#context.transport.request(ViewerDocument)).viewer;
  }

  /** A conversation by id, without a request; see ConversationHandle. */
  conversation(id: string): ConversationHandle {
    return new ConversationHandle(id, this.#context);
  }

  /** Loads a conversation with its participants and limits. */
  getConversation(id: string): Promise<Conversation> {
    return this.conversation(id).fetch();
  }

  /** Creates a conversation; the viewer is its first participant. */
  async createConversation(input: CreateConversationInput = {}): Promise<Conversation> {
    const { createConversation } = await this.#context.transport.request(CreateConversationDocument, { input });
    return new Conversation(createConversation, this.#context);
  }

  /** The viewer's conversations, latest activity first. */
  async getConversations(options: { pageSize?: number } = {}): Promise<Paginator<Conversation>> {
    const size = options.pageSize ?? 20;
    if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
      throw new ParleyError(
        "BAD_USER_INPUT",
        `pageSize must be a whole number from 1 to ${MAX_PAGE_SIZE}, got ${size}.`,
      );
    }
    return this.conversationsPage(size, null, []);
  }

  // The API pages conversations forward only; earlier pages are re-read from the cursors we passed.
  private async conversationsPage(
    size: number,
    after: string | null,
    behind: (string | null)[],
  ): Promise<Paginator<Conversation>> {
    const { conversations } = await this.#context.transport.request(ConversationsDocument, { first: size, after });
    const { edges, pageInfo } = conversations;
    return new Page(
      edges.map((e) => new Conversation(e.node, this.#context)),
      behind.length > 0,
      pageInfo.hasNextPage,
      pageInfo.startCursor,
      pageInfo.endCursor,
      () => this.conversationsPage(size, behind.at(-1) ?? null, behind.slice(0, -1)),
      () => this.conversationsPage(size, pageInfo.endCursor, [...behind, after]),
    );
  }

  /**
   * Media id → a URL good for at least 30 s more, for media of any messages and conversations:
   * one request per 100 stale URLs, none when all are fresh (Twilio's getTemporaryContentUrlsForMedia).
   */
  getTemporaryContentUrlsForMedia(media: readonly Media[]): Promise<Map<string, string>> {
    return temporaryContentUrls(this.#context.transport, media);
  }

  /**
   * Media id → a fresh URL for media known only by their ids, from any of the viewer's
   * conversations: one request per 100 ids (Twilio's getTemporaryContentUrlsForMediaSids).
   * FORBIDDEN or NOT_FOUND when any id is not the viewer's to see.
   */
  getTemporaryContentUrlsForMediaIds(ids: readonly string[]): Promise<Map<string, string>> {
    return temporaryContentUrlsByIds(this.#context.transport, ids);
  }

  /** One message by id, with its media. */
  async getMessage(id: string): Promise<Message> {
    const { message } = await this.#context.transport.request(MessageDocument, { id });
    if (!message) throw new ParleyError("NOT_FOUND", `Message ${id} does not exist.`);
    return new Message(message, this.#context.transport);
  }
}

/** Creates a client for one server and one identity. */
export function createClient(options: ClientOptions): ParleyClient {
  return new ParleyClient(options);
}

function graphqlEndpoint(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ParleyError("BAD_USER_INPUT", `url must be an absolute http(s) URL, got ${JSON.stringify(url)}.`);
  }
  if (parsed.pathname === "/" || parsed.pathname === "") parsed.pathname = "/graphql";
  return parsed.toString();
}
