// @parley/client: the browser-safe entry. Nothing here (or below it) imports Node built-ins;
// Node-only helpers live in "@parley/client/node".
export { createClient, ParleyClient, type ClientEvent, type ClientOptions } from "./client.ts";
export type { ClientMessageEvent, ClientMessageEventHandlers } from "./client-feed.ts";
export {
  Conversation,
  ConversationHandle,
  type ConversationLimits,
  type GetMessagesOptions,
  type Participant,
  type SendMessageOptions,
} from "./conversation.ts";
export type {
  ConversationEvent,
  ConversationEventHandlers,
  MessageAddedOptions,
  MessageUpdate,
  Unsubscribe,
} from "./conversation-feed.ts";
export type { ConnectionState, ReconnectOptions, WebSocketConstructor } from "./realtime.ts";
export { ParleyError, isParleyError, type ParleyErrorCode, type GraphQLErrorEntry } from "./errors.ts";
export {
  Message,
  Media,
  DEFAULT_PREVIEW_SIZE,
  URL_REFRESH_MARGIN_MS,
  type MediaPreview,
  type RemovedMessage,
} from "./message.ts";
export {
  MessageBuilder,
  UnsentMessage,
  type LimitsSource,
  type SendOptions,
  type UnsentMedia,
} from "./message-builder.ts";
export {
  ATTRIBUTES_MAX_BYTES,
  codePointLength,
  limitProblems,
  type LimitProblem,
  type MessageDraft,
} from "./limits.ts";
export { ErrorCode } from "./generated/enums.ts";
export type { MediaData, MediaOptions, NodeReadableLike } from "./media-source.ts";
export type { Paginator } from "./paginator.ts";
export type { TokenProvider } from "./auth.ts";
export type { FetchLike, OperationDocument } from "./transport.ts";
export type { UploadMode } from "./upload.ts";
export {
  RESUMABLE_THRESHOLD_BYTES,
  DEFAULT_PARALLEL_PARTS,
  type ResumableUploadOptions,
  type UploadSessionOptions,
} from "./upload-session.ts";
export type { UploadProgress, FileProgress, ProgressListener } from "./upload-progress.ts";
// Generated, typed operations (TypedDocumentNode) for client.request() and GraphQL clients.
export * from "./generated/graphql.ts";
