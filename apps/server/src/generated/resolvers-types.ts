import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from "graphql";
import type {
  ConversationRow as ConversationRowModel,
  ParticipantRow as ParticipantRowModel,
  MessageRow as MessageRowModel,
  MediaRow as MediaRowModel,
  RemovedMessageRow as RemovedMessageRowModel,
} from "@parley/db";
import type { Viewer as ViewerModel, Limits as LimitsModel, Context } from "../graphql/context.ts";
export type Maybe<T> = T | null;
export type InputMaybe<T> = T | null | undefined;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string };
  String: { input: string; output: string };
  Boolean: { input: boolean; output: boolean };
  Int: { input: number; output: number };
  Float: { input: number; output: number };
  /** ISO-8601 string, UTC */
  DateTime: { input: Date; output: Date | string };
  /** A JSON object (not array/scalar), <= 16 KiB serialized */
  JSONObject: { input: Record<string, unknown>; output: Record<string, unknown> };
  /** graphql-multipart-request-spec file upload */
  Upload: {
    input: Promise<import("../services/media/index.ts").IncomingFile>;
    output: Promise<import("../services/media/index.ts").IncomingFile>;
  };
};

export type AddParticipantInput = {
  attributes?: InputMaybe<Scalars["JSONObject"]["input"]>;
  conversationId: Scalars["ID"]["input"];
  identity: Scalars["String"]["input"];
};

export type Conversation = {
  __typename?: "Conversation";
  attributes: Scalars["JSONObject"]["output"];
  createdAt: Scalars["DateTime"]["output"];
  createdBy: Scalars["String"]["output"];
  friendlyName: Maybe<Scalars["String"]["output"]>;
  id: Scalars["ID"]["output"];
  /** Index of the newest message sent (it may have been removed since); null before the first (Twilio's lastMessage.index). */
  lastMessageIndex: Maybe<Scalars["Int"]["output"]>;
  limits: ConversationLimits;
  /** Edges always in ascending index order; neither first nor last means the newest 30; a page is at most 100. */
  messages: MessageConnection;
  participants: Array<Participant>;
  uniqueName: Maybe<Scalars["String"]["output"]>;
  /** Messages from others after the viewer's read horizon (all of them when the horizon is unset), counted up to 1000: 1000 means 1000 or more. */
  unreadMessagesCount: Scalars["Int"]["output"];
  updatedAt: Scalars["DateTime"]["output"];
};

export type ConversationMessagesArgs = {
  after?: InputMaybe<Scalars["String"]["input"]>;
  before?: InputMaybe<Scalars["String"]["input"]>;
  first?: InputMaybe<Scalars["Int"]["input"]>;
  last?: InputMaybe<Scalars["Int"]["input"]>;
};

export type ConversationConnection = {
  __typename?: "ConversationConnection";
  edges: Array<ConversationEdge>;
  pageInfo: PageInfo;
};

export type ConversationEdge = {
  __typename?: "ConversationEdge";
  cursor: Scalars["String"]["output"];
  node: Conversation;
};

export type ConversationLimits = {
  __typename?: "ConversationLimits";
  /** default 32768 characters */
  bodyMaxLength: Scalars["Int"]["output"];
  /** default 157286400 (150 MiB) */
  mediaAttachmentSizeLimitInBytes: Scalars["Int"]["output"];
  /** default 10 */
  mediaAttachmentsCountLimit: Scalars["Int"]["output"];
  /** default 157286400 (150 MiB) */
  mediaAttachmentsTotalSizeLimitInBytes: Scalars["Int"]["output"];
};

export type CreateConversationInput = {
  attributes?: InputMaybe<Scalars["JSONObject"]["input"]>;
  friendlyName?: InputMaybe<Scalars["String"]["input"]>;
  participants?: InputMaybe<Array<Scalars["String"]["input"]>>;
  uniqueName?: InputMaybe<Scalars["String"]["input"]>;
};

export type CreateMediaUploadInput = {
  contentType?: InputMaybe<Scalars["String"]["input"]>;
  conversationId: Scalars["ID"]["input"];
  filename?: InputMaybe<Scalars["String"]["input"]>;
  /** exact byte count, checked against the conversation's limits before anything is stored */
  size: Scalars["Int"]["input"];
};

/**
 * The contract's error codes: every GraphQL error's extensions.code is one of these (docs/design.md, "Errors").
 * RATE_LIMITED errors also carry extensions.retryAfterSeconds (and the HTTP answer a Retry-After header).
 */
export type ErrorCode =
  | "BAD_USER_INPUT"
  /** not a participant, or not the author */
  | "FORBIDDEN"
  | "INTERNAL_SERVER_ERROR"
  | "NOT_FOUND"
  /** more files or bytes than the conversation's limits */
  | "PAYLOAD_TOO_LARGE"
  /** too many messages or upload bytes this minute; retry after extensions.retryAfterSeconds */
  | "RATE_LIMITED"
  /** object storage or the database cannot be reached right now; retry */
  | "STORAGE_UNAVAILABLE"
  /** no, invalid or expired token */
  | "UNAUTHENTICATED"
  | "UNSUPPORTED_MEDIA_TYPE";

export type Media = {
  __typename?: "Media";
  category: MediaCategory;
  /** sniffed from the bytes where the format is recognisable */
  contentType: Scalars["String"]["output"];
  filename: Maybe<Scalars["String"]["output"]>;
  height: Maybe<Scalars["Int"]["output"]>;
  id: Scalars["ID"]["output"];
  /** a ThumbHash (base64) to paint before anything loads; null for non-images */
  placeholder: Maybe<Scalars["String"]["output"]>;
  /**
   * a WebP rendition at most maxSize px on its longer side (default 320, 16..1024), served through its own
   * temporary URL under the same rules as temporaryUrl; null for non-images and while it is being made
   */
  preview: Maybe<MediaPreview>;
  /** hex digest of the stored bytes */
  sha256: Scalars["String"]["output"];
  /** bytes */
  size: Scalars["Int"]["output"];
  /** GET it without any header; valid 300 s from resolution */
  temporaryUrl: Scalars["String"]["output"];
  temporaryUrlExpiresAt: Scalars["DateTime"]["output"];
  /** displayed pixel size (EXIF orientation applied) of images; null for other media or until known */
  width: Maybe<Scalars["Int"]["output"]>;
};

export type MediaPreviewArgs = {
  maxSize?: InputMaybe<Scalars["Int"]["input"]>;
};

export type MediaCategory = "MEDIA";

/** Exactly one of file / uploadId. */
export type MediaInput = {
  contentType?: InputMaybe<Scalars["String"]["input"]>;
  file?: InputMaybe<Scalars["Upload"]["input"]>;
  filename?: InputMaybe<Scalars["String"]["input"]>;
  /** a MediaUpload of the viewer's in this conversation, every part uploaded */
  uploadId?: InputMaybe<Scalars["ID"]["input"]>;
};

export type MediaPreview = {
  __typename?: "MediaPreview";
  contentType: Scalars["String"]["output"];
  height: Scalars["Int"]["output"];
  temporaryUrl: Scalars["String"]["output"];
  temporaryUrlExpiresAt: Scalars["DateTime"]["output"];
  width: Scalars["Int"]["output"];
};

export type MediaUpload = {
  __typename?: "MediaUpload";
  conversationId: Scalars["ID"]["output"];
  expiresAt: Scalars["DateTime"]["output"];
  id: Scalars["ID"]["output"];
  partSize: Scalars["Int"]["output"];
  /** every part, in order; urls are valid until expiresAt, fresh ones come with every read */
  parts: Array<MediaUploadPart>;
  size: Scalars["Int"]["output"];
};

export type MediaUploadPart = {
  __typename?: "MediaUploadPart";
  /** 1-based */
  number: Scalars["Int"]["output"];
  size: Scalars["Int"]["output"];
  uploaded: Scalars["Boolean"]["output"];
  url: Scalars["String"]["output"];
};

export type Message = {
  __typename?: "Message";
  attributes: Scalars["JSONObject"]["output"];
  /** identity of the sender */
  author: Scalars["String"]["output"];
  body: Maybe<Scalars["String"]["output"]>;
  conversation: Conversation;
  createdAt: Scalars["DateTime"]["output"];
  id: Scalars["ID"]["output"];
  /** 0,1,2,... per conversation, no gaps, no duplicates */
  index: Scalars["Int"]["output"];
  /** in upload order */
  media: Array<Media>;
  type: MessageType;
  updatedAt: Scalars["DateTime"]["output"];
};

export type MessageMediaArgs = {
  categories?: InputMaybe<Array<MediaCategory>>;
};

export type MessageConnection = {
  __typename?: "MessageConnection";
  edges: Array<MessageEdge>;
  pageInfo: PageInfo;
};

export type MessageEdge = {
  __typename?: "MessageEdge";
  cursor: Scalars["String"]["output"];
  node: Message;
};

export type MessageType = "MEDIA" | "TEXT";

export type MessageUpdate = {
  __typename?: "MessageUpdate";
  message: Message;
  reasons: Array<MessageUpdateReason>;
};

export type MessageUpdateReason =
  | "ATTRIBUTES"
  | "BODY"
  /** a preview or placeholder of the message's media became ready */
  | "MEDIA";

export type Mutation = {
  __typename?: "Mutation";
  /** Deletes an unfinished upload and its stored parts; idempotent; the uploader only. */
  abortMediaUpload: Scalars["Boolean"]["output"];
  addParticipant: Participant;
  /** Moves the viewer's read horizon forward only (Twilio's advanceLastReadMessageIndex); a lower index changes nothing. */
  advanceLastReadMessageIndex: Participant;
  createConversation: Conversation;
  /**
   * Starts a resumable upload of one file straight into storage (S3: presigned multipart, the bytes never pass
   * through the API). PUT each part's bytes to its url with no other header, in any order, in parallel,
   * retrying a part as often as needed; then name the upload in sendMediaMessage.
   */
  createMediaUpload: MediaUpload;
  /** Author only; idempotent. Deletes the message, its media rows and its stored objects. */
  removeMessage: RemovedMessage;
  /** The creator may remove anyone; anyone may remove themselves. False when the identity was not a participant. */
  removeParticipant: Scalars["Boolean"]["output"];
  sendMediaMessage: Message;
  sendMessage: Message;
  /** Sets the viewer's read horizon (Twilio's setLastReadMessageIndex); null clears it. */
  setLastReadMessageIndex: Participant;
  /** Author only. Only the fields given change; the update is published as messageUpdated. */
  updateMessage: Message;
};

export type MutationAbortMediaUploadArgs = {
  id: Scalars["ID"]["input"];
};

export type MutationAddParticipantArgs = {
  input: AddParticipantInput;
};

export type MutationAdvanceLastReadMessageIndexArgs = {
  conversationId: Scalars["ID"]["input"];
  index: Scalars["Int"]["input"];
};

export type MutationCreateConversationArgs = {
  input: CreateConversationInput;
};

export type MutationCreateMediaUploadArgs = {
  input: CreateMediaUploadInput;
};

export type MutationRemoveMessageArgs = {
  id: Scalars["ID"]["input"];
};

export type MutationRemoveParticipantArgs = {
  conversationId: Scalars["ID"]["input"];
  identity: Scalars["String"]["input"];
};

export type MutationSendMediaMessageArgs = {
  input: SendMediaMessageInput;
};

export type MutationSendMessageArgs = {
  input: SendMessageInput;
};

export type MutationSetLastReadMessageIndexArgs = {
  conversationId: Scalars["ID"]["input"];
  index?: InputMaybe<Scalars["Int"]["input"]>;
};

export type MutationUpdateMessageArgs = {
  input: UpdateMessageInput;
};

export type PageInfo = {
  __typename?: "PageInfo";
  endCursor: Maybe<Scalars["String"]["output"]>;
  hasNextPage: Scalars["Boolean"]["output"];
  hasPreviousPage: Scalars["Boolean"]["output"];
  startCursor: Maybe<Scalars["String"]["output"]>;
};

export type Participant = {
  __typename?: "Participant";
  attributes: Scalars["JSONObject"]["output"];
  createdAt: Scalars["DateTime"]["output"];
  id: Scalars["ID"]["output"];
  identity: Scalars["String"]["output"];
  /** The participant's read horizon: the index of the last message they have read; null before any. */
  lastReadMessageIndex: Maybe<Scalars["Int"]["output"]>;
};

export type Query = {
  __typename?: "Query";
  conversation: Maybe<Conversation>;
  /** Conversations the viewer participates in, latest activity first. */
  conversations: ConversationConnection;
  /** Media by id across messages (at most 100), in the order asked; FORBIDDEN/NOT_FOUND if any is not the viewer's to see. */
  mediaByIds: Array<Media>;
  /** An unfinished upload of the viewer's, for resuming; null once used, aborted, expired, or not the viewer's. */
  mediaUpload: Maybe<MediaUpload>;
  message: Maybe<Message>;
  viewer: Viewer;
};

export type QueryConversationArgs = {
  id: Scalars["ID"]["input"];
};

export type QueryConversationsArgs = {
  after?: InputMaybe<Scalars["String"]["input"]>;
  first?: InputMaybe<Scalars["Int"]["input"]>;
};

export type QueryMediaByIdsArgs = {
  ids: Array<Scalars["ID"]["input"]>;
};

export type QueryMediaUploadArgs = {
  id: Scalars["ID"]["input"];
};

export type QueryMessageArgs = {
  id: Scalars["ID"]["input"];
};

export type RemovedMessage = {
  __typename?: "RemovedMessage";
  conversationId: Scalars["ID"]["output"];
  id: Scalars["ID"]["output"];
  index: Scalars["Int"]["output"];
  removedAt: Scalars["DateTime"]["output"];
};

export type SendMediaMessageInput = {
  attributes?: InputMaybe<Scalars["JSONObject"]["input"]>;
  body?: InputMaybe<Scalars["String"]["input"]>;
  conversationId: Scalars["ID"]["input"];
  idempotencyKey?: InputMaybe<Scalars["String"]["input"]>;
  media: Array<MediaInput>;
};

export type SendMessageInput = {
  attributes?: InputMaybe<Scalars["JSONObject"]["input"]>;
  body: Scalars["String"]["input"];
  conversationId: Scalars["ID"]["input"];
  idempotencyKey?: InputMaybe<Scalars["String"]["input"]>;
};

/** Live events over WebSocket (graphql-transport-ws) on /graphql: of one conversation (participants only), or of all the viewer's. */
export type Subscription = {
  __typename?: "Subscription";
  messageAdded: Message;
  messageRemoved: RemovedMessage;
  messageUpdated: MessageUpdate;
  /** messageAdded of every conversation the viewer participates in, including ones joined after subscribing. */
  viewerMessageAdded: Message;
  /** messageRemoved of every conversation the viewer participates in, including ones joined after subscribing. */
  viewerMessageRemoved: RemovedMessage;
  /** messageUpdated of every conversation the viewer participates in, including ones joined after subscribing. */
  viewerMessageUpdated: MessageUpdate;
};

/** Live events over WebSocket (graphql-transport-ws) on /graphql: of one conversation (participants only), or of all the viewer's. */
export type SubscriptionMessageAddedArgs = {
  conversationId: Scalars["ID"]["input"];
};

/** Live events over WebSocket (graphql-transport-ws) on /graphql: of one conversation (participants only), or of all the viewer's. */
export type SubscriptionMessageRemovedArgs = {
  conversationId: Scalars["ID"]["input"];
};

/** Live events over WebSocket (graphql-transport-ws) on /graphql: of one conversation (participants only), or of all the viewer's. */
export type SubscriptionMessageUpdatedArgs = {
  conversationId: Scalars["ID"]["input"];
};

export type UpdateMessageInput = {
  attributes?: InputMaybe<Scalars["JSONObject"]["input"]>;
  body?: InputMaybe<Scalars["String"]["input"]>;
  id: Scalars["ID"]["input"];
};

export type Viewer = {
  __typename?: "Viewer";
  identity: Scalars["String"]["output"];
};

export type ResolverTypeWrapper<T> = Promise<T> | T;

export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<
  TResult,
  TParent = Record<PropertyKey, never>,
  TContext = Record<PropertyKey, never>,
  TArgs = Record<PropertyKey, never>,
> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo,
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo,
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo,
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<
  TResult,
  TKey extends string,
  TParent = Record<PropertyKey, never>,
  TContext = Record<PropertyKey, never>,
  TArgs = Record<PropertyKey, never>,
> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo,
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  obj: T,
  context: TContext,
  info: GraphQLResolveInfo,
) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<
  TResult = Record<PropertyKey, never>,
  TParent = Record<PropertyKey, never>,
  TContext = Record<PropertyKey, never>,
  TArgs = Record<PropertyKey, never>,
> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo,
) => TResult | Promise<TResult>;

/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  AddParticipantInput: AddParticipantInput;
  Boolean: ResolverTypeWrapper<Scalars["Boolean"]["output"]>;
  Conversation: ResolverTypeWrapper<ConversationRowModel>;
  ConversationConnection: ResolverTypeWrapper<
    Omit<ConversationConnection, "edges"> & { edges: Array<ResolversTypes["ConversationEdge"]> }
  >;
  ConversationEdge: ResolverTypeWrapper<Omit<ConversationEdge, "node"> & { node: ResolversTypes["Conversation"] }>;
  ConversationLimits: ResolverTypeWrapper<LimitsModel>;
  CreateConversationInput: CreateConversationInput;
  CreateMediaUploadInput: CreateMediaUploadInput;
  DateTime: ResolverTypeWrapper<Scalars["DateTime"]["output"]>;
  ErrorCode: ErrorCode;
  ID: ResolverTypeWrapper<Scalars["ID"]["output"]>;
  Int: ResolverTypeWrapper<Scalars["Int"]["output"]>;
  JSONObject: ResolverTypeWrapper<Scalars["JSONObject"]["output"]>;
  Media: ResolverTypeWrapper<MediaRowModel>;
  MediaCategory: MediaCategory;
  MediaInput: MediaInput;
  MediaPreview: ResolverTypeWrapper<MediaPreview>;
  MediaUpload: ResolverTypeWrapper<MediaUpload>;
  MediaUploadPart: ResolverTypeWrapper<MediaUploadPart>;
  Message: ResolverTypeWrapper<MessageRowModel>;
  MessageConnection: ResolverTypeWrapper<
    Omit<MessageConnection, "edges"> & { edges: Array<ResolversTypes["MessageEdge"]> }
  >;
  MessageEdge: ResolverTypeWrapper<Omit<MessageEdge, "node"> & { node: ResolversTypes["Message"] }>;
  MessageType: MessageType;
  MessageUpdate: ResolverTypeWrapper<Omit<MessageUpdate, "message"> & { message: ResolversTypes["Message"] }>;
  MessageUpdateReason: MessageUpdateReason;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Participant: ResolverTypeWrapper<ParticipantRowModel>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  RemovedMessage: ResolverTypeWrapper<RemovedMessageRowModel>;
  SendMediaMessageInput: SendMediaMessageInput;
  SendMessageInput: SendMessageInput;
  String: ResolverTypeWrapper<Scalars["String"]["output"]>;
  Subscription: ResolverTypeWrapper<Record<PropertyKey, never>>;
  UpdateMessageInput: UpdateMessageInput;
  Upload: ResolverTypeWrapper<Scalars["Upload"]["output"]>;
  Viewer: ResolverTypeWrapper<ViewerModel>;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  AddParticipantInput: AddParticipantInput;
  Boolean: Scalars["Boolean"]["output"];
  Conversation: ConversationRowModel;
  ConversationConnection: Omit<ConversationConnection, "edges"> & {
    edges: Array<ResolversParentTypes["ConversationEdge"]>;
  };
  ConversationEdge: Omit<ConversationEdge, "node"> & { node: ResolversParentTypes["Conversation"] };
  ConversationLimits: LimitsModel;
  CreateConversationInput: CreateConversationInput;
  CreateMediaUploadInput: CreateMediaUploadInput;
  DateTime: Scalars["DateTime"]["output"];
  ID: Scalars["ID"]["output"];
  Int: Scalars["Int"]["output"];
  JSONObject: Scalars["JSONObject"]["output"];
  Media: MediaRowModel;
  MediaInput: MediaInput;
  MediaPreview: MediaPreview;
  MediaUpload: MediaUpload;
  MediaUploadPart: MediaUploadPart;
  Message: MessageRowModel;
  MessageConnection: Omit<MessageConnection, "edges"> & { edges: Array<ResolversParentTypes["MessageEdge"]> };
  MessageEdge: Omit<MessageEdge, "node"> & { node: ResolversParentTypes["Message"] };
  MessageUpdate: Omit<MessageUpdate, "message"> & { message: ResolversParentTypes["Message"] };
  Mutation: Record<PropertyKey, never>;
  PageInfo: PageInfo;
  Participant: ParticipantRowModel;
  Query: Record<PropertyKey, never>;
  RemovedMessage: RemovedMessageRowModel;
  SendMediaMessageInput: SendMediaMessageInput;
  SendMessageInput: SendMessageInput;
  String: Scalars["String"]["output"];
  Subscription: Record<PropertyKey, never>;
  UpdateMessageInput: UpdateMessageInput;
  Upload: Scalars["Upload"]["output"];
  Viewer: ViewerModel;
};

export type ConversationResolvers<
  ContextType = Context,
  ParentType extends ResolversParentTypes["Conversation"] = ResolversParentTypes["Conversation"],
> = {
  attributes?: Resolver<ResolversTypes["JSONObject"], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes["DateTime"], ParentType, ContextType>;
  createdBy?: Resolver<ResolversTypes["String"], ParentType, ContextType>;
  friendlyName?: Resolver<Maybe<ResolversTypes["String"]>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes["ID"], ParentType, ContextType>;
  lastMessageIndex?: Resolver<Maybe<ResolversTypes["Int"]>, ParentType, ContextType>;
  limits?: Resolver<ResolversTypes["ConversationLimits"], ParentType, ContextType>;
  messages?: Resolver<ResolversTypes["MessageConnection"], ParentType, ContextType, Partial<ConversationMessagesArgs>>;
  participants?: Resolver<Array<ResolversTypes["Participant"]>, ParentType, ContextType>;
  uniqueName?: Resolver<Maybe<ResolversTypes["String"]>, ParentType, ContextType>;
  unreadMessagesCount?: Resolver<ResolversTypes["Int"], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes["DateTime"], ParentType, ContextType>;
};

export type ConversationConnectionResolvers<
  ContextType = Context,
  ParentType extends ResolversParentTypes["ConversationConnection"] = ResolversParentTypes["ConversationConnection"],
> = {
  edges?: Resolver<Array<ResolversTypes["ConversationEdge"]>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes["PageInfo"], ParentType, ContextType>;
};

export type ConversationEdgeResolvers<
  ContextType = Context,
  ParentType extends ResolversParentTypes["ConversationEdge"] = ResolversParentTypes["ConversationEdge"],
> = {
  cursor?: Resolver<ResolversTypes["String"], ParentType, ContextType>;
  node?: Resolver<ResolversTypes["Conversation"], ParentType, ContextType>;
};

export type ConversationLimitsResolvers<
  ContextType = Context,
  ParentType extends ResolversParentTypes["ConversationLimits"] = ResolversParentTypes["ConversationLimits"],
> = {
  bodyMaxLength?: Resolver<ResolversTypes["Int"], ParentType, ContextType>;
  mediaAttachmentSizeLimitInBytes?: Resolver<ResolversTypes["Int"], ParentType, ContextType>;
  mediaAttachmentsCountLimit?: Resolver<ResolversTypes["Int"], ParentType, ContextType>;
  mediaAttachmentsTotalSizeLimitInBytes?: Resolver<ResolversTypes["Int"], ParentType, ContextType>;
};

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes["DateTime"], any> {
  name: "DateTime";
}

export interface JsonObjectScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes["JSONObject"], any> {
  name: "JSONObject";
}

export type MediaResolvers<
  ContextType = Context,
  ParentType extends ResolversParentTypes["Media"] = ResolversParentTypes["Media"],
> = {
  category?: Resolver<ResolversTypes["MediaCategory"], ParentType, ContextType>;
  contentType?: Resolver<ResolversTypes["String"], ParentType, ContextType>;
  filename?: Resolver<Maybe<ResolversTypes["String"]>, ParentType, ContextType>;
  height?: Resolver<Maybe<ResolversTypes["Int"]>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes["ID"], ParentType, ContextType>;
  placeholder?: Resolver<Maybe<ResolversTypes["String"]>, ParentType, ContextType>;
  preview?: Resolver<
    Maybe<ResolversTypes["MediaPreview"]>,
    ParentType,
    ContextType,
    RequireFields<MediaPreviewArgs, "maxSize">
  >;
  sha256?: Resolver<ResolversTypes["String"], ParentType, ContextType>;
  size?: Resolver<ResolversTypes["Int"], ParentType, ContextType>;
  temporaryUrl?: Resolver<ResolversTypes["String"], ParentType, ContextType>;
  temporaryUrlExpiresAt?: Resolver<ResolversTypes["DateTime"], ParentType, ContextType>;
  width?: Resolver<Maybe<ResolversTypes["Int"]>, ParentType, ContextType>;
};

export type MediaPreviewResolvers<
  ContextType = Context,
  ParentType extends ResolversParentTypes["MediaPreview"] = ResolversParentTypes["MediaPreview"],
> = {
  contentType?: Resolver<ResolversTypes["String"], ParentType, ContextType>;
  height?: Resolver<ResolversTypes["Int"], ParentType, ContextType>;
  temporaryUrl?: Resolver<ResolversTypes["String"], ParentType, ContextType>;
  temporaryUrlExpiresAt?: Resolver<ResolversTypes["DateTime"], ParentType, ContextType>;
  width?: Resolver<ResolversTypes["Int"], ParentType, ContextType>;
};

export type MediaUploadResolvers<
  ContextType = Context,
  ParentType extends ResolversParentTypes["MediaUpload"] = ResolversParentTypes["MediaUpload"],
> = {
  conversationId?: Resolver<ResolversTypes["ID"], ParentType, ContextType>;
  expiresAt?: Resolver<ResolversTypes["DateTime"], ParentType, ContextType>;
  id?: Resolver<ResolversTypes["ID"], ParentType, ContextType>;
  partSize?: Resolver<ResolversTypes["Int"], ParentType, ContextType>;
  parts?: Resolver<Array<ResolversTypes["MediaUploadPart"]>, ParentType, ContextType>;
  size?: Resolver<ResolversTypes["Int"], ParentType, ContextType>;
};

export type MediaUploadPartResolvers<
  ContextType = Context,
  ParentType extends ResolversParentTypes["MediaUploadPart"] = ResolversParentTypes["MediaUploadPart"],
> = {
  number?: Resolver<ResolversTypes["Int"], ParentType, ContextType>;
  size?: Resolver<ResolversTypes["Int"], ParentType, ContextType>;
  uploaded?: Resolver<ResolversTypes["Boolean"], ParentType, ContextType>;
  url?: Resolver<ResolversTypes["String"], ParentType, ContextType>;
};

export type MessageResolvers<
  ContextType = Context,
  ParentType extends ResolversParentTypes["Message"] = ResolversParentTypes["Message"],
> = {
  attributes?: Resolver<ResolversTypes["JSONObject"], ParentType, ContextType>;
  author?: Resolver<ResolversTypes["String"], ParentType, ContextType>;
  body?: Resolver<Maybe<ResolversTypes["String"]>, ParentType, ContextType>;
  conversation?: Resolver<ResolversTypes["Conversation"], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes["DateTime"], ParentType, ContextType>;
  id?: Resolver<ResolversTypes["ID"], ParentType, ContextType>;
  index?: Resolver<ResolversTypes["Int"], ParentType, ContextType>;
  media?: Resolver<
    Array<ResolversTypes["Media"]>,
    ParentType,
    ContextType,
    RequireFields<MessageMediaArgs, "categories">
  >;
  type?: Resolver<ResolversTypes["MessageType"], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes["DateTime"], ParentType, ContextType>;
};

export type MessageConnectionResolvers<
  ContextType = Context,
  ParentType extends ResolversParentTypes["MessageConnection"] = ResolversParentTypes["MessageConnection"],
> = {
  edges?: Resolver<Array<ResolversTypes["MessageEdge"]>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes["PageInfo"], ParentType, ContextType>;
};

export type MessageEdgeResolvers<
  ContextType = Context,
  ParentType extends ResolversParentTypes["MessageEdge"] = ResolversParentTypes["MessageEdge"],
> = {
  cursor?: Resolver<ResolversTypes["String"], ParentType, ContextType>;
  node?: Resolver<ResolversTypes["Message"], ParentType, ContextType>;
};

export type MessageUpdateResolvers<
  ContextType = Context,
  ParentType extends ResolversParentTypes["MessageUpdate"] = ResolversParentTypes["MessageUpdate"],
> = {
  message?: Resolver<ResolversTypes["Message"], ParentType, ContextType>;
  reasons?: Resolver<Array<ResolversTypes["MessageUpdateReason"]>, ParentType, ContextType>;
};

export type MutationResolvers<
  ContextType = Context,
  ParentType extends ResolversParentTypes["Mutation"] = ResolversParentTypes["Mutation"],
> = {
  abortMediaUpload?: Resolver<
    ResolversTypes["Boolean"],
    ParentType,
    ContextType,
    RequireFields<MutationAbortMediaUploadArgs, "id">
  >;
  addParticipant?: Resolver<
    ResolversTypes["Participant"],
    ParentType,
    ContextType,
    RequireFields<MutationAddParticipantArgs, "input">
  >;
  advanceLastReadMessageIndex?: Resolver<
    ResolversTypes["Participant"],
    ParentType,
    ContextType,
    RequireFields<MutationAdvanceLastReadMessageIndexArgs, "conversationId" | "index">
  >;
  createConversation?: Resolver<
    ResolversTypes["Conversation"],
    ParentType,
    ContextType,
    RequireFields<MutationCreateConversationArgs, "input">
  >;
  createMediaUpload?: Resolver<
    ResolversTypes["MediaUpload"],
    ParentType,
    ContextType,
    RequireFields<MutationCreateMediaUploadArgs, "input">
  >;
  removeMessage?: Resolver<
    ResolversTypes["RemovedMessage"],
    ParentType,
    ContextType,
    RequireFields<MutationRemoveMessageArgs, "id">
  >;
  removeParticipant?: Resolver<
    ResolversTypes["Boolean"],
    ParentType,
    ContextType,
    RequireFields<MutationRemoveParticipantArgs, "conversationId" | "identity">
  >;
  sendMediaMessage?: Resolver<
    ResolversTypes["Message"],
    ParentType,
    ContextType,
    RequireFields<MutationSendMediaMessageArgs, "input">
  >;
  sendMessage?: Resolver<
    ResolversTypes["Message"],
    ParentType,
    ContextType,
    RequireFields<MutationSendMessageArgs, "input">
  >;
  setLastReadMessageIndex?: Resolver<
    ResolversTypes["Participant"],
    ParentType,
    ContextType,
    RequireFields<MutationSetLastReadMessageIndexArgs, "conversationId">
  >;
  updateMessage?: Resolver<
    ResolversTypes["Message"],
    ParentType,
    ContextType,
    RequireFields<MutationUpdateMessageArgs, "input">
  >;
};

export type PageInfoResolvers<
  ContextType = Context,
  ParentType extends ResolversParentTypes["PageInfo"] = ResolversParentTypes["PageInfo"],
> = {
  endCursor?: Resolver<Maybe<ResolversTypes["String"]>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes["Boolean"], ParentType, ContextType>;
  hasPreviousPage?: Resolver<ResolversTypes["Boolean"], ParentType, ContextType>;
  startCursor?: Resolver<Maybe<ResolversTypes["String"]>, ParentType, ContextType>;
};

export type ParticipantResolvers<
  ContextType = Context,
  ParentType extends ResolversParentTypes["Participant"] = ResolversParentTypes["Participant"],
> = {
  attributes?: Resolver<ResolversTypes["JSONObject"], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes["DateTime"], ParentType, ContextType>;
  id?: Resolver<ResolversTypes["ID"], ParentType, ContextType>;
  identity?: Resolver<ResolversTypes["String"], ParentType, ContextType>;
  lastReadMessageIndex?: Resolver<Maybe<ResolversTypes["Int"]>, ParentType, ContextType>;
};

export type QueryResolvers<
  ContextType = Context,
  ParentType extends ResolversParentTypes["Query"] = ResolversParentTypes["Query"],
> = {
  conversation?: Resolver<
    Maybe<ResolversTypes["Conversation"]>,
    ParentType,
    ContextType,
    RequireFields<QueryConversationArgs, "id">
  >;
  conversations?: Resolver<
    ResolversTypes["ConversationConnection"],
    ParentType,
    ContextType,
    RequireFields<QueryConversationsArgs, "first">
  >;
  mediaByIds?: Resolver<
    Array<ResolversTypes["Media"]>,
    ParentType,
    ContextType,
    RequireFields<QueryMediaByIdsArgs, "ids">
  >;
  mediaUpload?: Resolver<
    Maybe<ResolversTypes["MediaUpload"]>,
    ParentType,
    ContextType,
    RequireFields<QueryMediaUploadArgs, "id">
  >;
  message?: Resolver<Maybe<ResolversTypes["Message"]>, ParentType, ContextType, RequireFields<QueryMessageArgs, "id">>;
  viewer?: Resolver<ResolversTypes["Viewer"], ParentType, ContextType>;
};

export type RemovedMessageResolvers<
  ContextType = Context,
  ParentType extends ResolversParentTypes["RemovedMessage"] = ResolversParentTypes["RemovedMessage"],
> = {
  conversationId?: Resolver<ResolversTypes["ID"], ParentType, ContextType>;
  id?: Resolver<ResolversTypes["ID"], ParentType, ContextType>;
  index?: Resolver<ResolversTypes["Int"], ParentType, ContextType>;
  removedAt?: Resolver<ResolversTypes["DateTime"], ParentType, ContextType>;
};

export type SubscriptionResolvers<
  ContextType = Context,
  ParentType extends ResolversParentTypes["Subscription"] = ResolversParentTypes["Subscription"],
> = {
  messageAdded?: SubscriptionResolver<
    ResolversTypes["Message"],
    "messageAdded",
    ParentType,
    ContextType,
    RequireFields<SubscriptionMessageAddedArgs, "conversationId">
  >;
  messageRemoved?: SubscriptionResolver<
    ResolversTypes["RemovedMessage"],
    "messageRemoved",
    ParentType,
    ContextType,
    RequireFields<SubscriptionMessageRemovedArgs, "conversationId">
  >;
  messageUpdated?: SubscriptionResolver<
    ResolversTypes["MessageUpdate"],
    "messageUpdated",
    ParentType,
    ContextType,
    RequireFields<SubscriptionMessageUpdatedArgs, "conversationId">
  >;
  viewerMessageAdded?: SubscriptionResolver<ResolversTypes["Message"], "viewerMessageAdded", ParentType, ContextType>;
  viewerMessageRemoved?: SubscriptionResolver<
    ResolversTypes["RemovedMessage"],
    "viewerMessageRemoved",
    ParentType,
    ContextType
  >;
  viewerMessageUpdated?: SubscriptionResolver<
    ResolversTypes["MessageUpdate"],
    "viewerMessageUpdated",
    ParentType,
    ContextType
  >;
};

export interface UploadScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes["Upload"], any> {
  name: "Upload";
}

export type ViewerResolvers<
  ContextType = Context,
  ParentType extends ResolversParentTypes["Viewer"] = ResolversParentTypes["Viewer"],
> = {
  identity?: Resolver<ResolversTypes["String"], ParentType, ContextType>;
};

export type Resolvers<ContextType = Context> = {
  Conversation?: ConversationResolvers<ContextType>;
  ConversationConnection?: ConversationConnectionResolvers<ContextType>;
  ConversationEdge?: ConversationEdgeResolvers<ContextType>;
  ConversationLimits?: ConversationLimitsResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  JSONObject?: GraphQLScalarType;
  Media?: MediaResolvers<ContextType>;
  MediaPreview?: MediaPreviewResolvers<ContextType>;
  MediaUpload?: MediaUploadResolvers<ContextType>;
  MediaUploadPart?: MediaUploadPartResolvers<ContextType>;
  Message?: MessageResolvers<ContextType>;
  MessageConnection?: MessageConnectionResolvers<ContextType>;
  MessageEdge?: MessageEdgeResolvers<ContextType>;
  MessageUpdate?: MessageUpdateResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Participant?: ParticipantResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  RemovedMessage?: RemovedMessageResolvers<ContextType>;
  Subscription?: SubscriptionResolvers<ContextType>;
  Upload?: GraphQLScalarType;
  Viewer?: ViewerResolvers<ContextType>;
};
