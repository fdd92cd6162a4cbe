import type * as Types from "./graphql.ts";
import type { DocumentTypeDecoration } from "@graphql-typed-document-node/core";
export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>["__apiType"]>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const PageInfoFieldsFragmentDoc = new TypedDocumentString(
  `
    fragment PageInfoFields on PageInfo {
  hasNextPage
  hasPreviousPage
  startCursor
  endCursor
}
    `,
  { fragmentName: "PageInfoFields" },
) as unknown as TypedDocumentString<Types.PageInfoFieldsFragment, unknown>;
export const ParticipantFieldsFragmentDoc = new TypedDocumentString(
  `
    fragment ParticipantFields on Participant {
  id
  identity
  attributes
  createdAt
  lastReadMessageIndex
}
    `,
  { fragmentName: "ParticipantFields" },
) as unknown as TypedDocumentString<Types.ParticipantFieldsFragment, unknown>;
export const LimitsFieldsFragmentDoc = new TypedDocumentString(
  `
    fragment LimitsFields on ConversationLimits {
  mediaAttachmentsCountLimit
  mediaAttachmentSizeLimitInBytes
  mediaAttachmentsTotalSizeLimitInBytes
  bodyMaxLength
}
    `,
  { fragmentName: "LimitsFields" },
) as unknown as TypedDocumentString<Types.LimitsFieldsFragment, unknown>;
export const ConversationFieldsFragmentDoc = new TypedDocumentString(
  `
    fragment ConversationFields on Conversation {
  id
  friendlyName
  uniqueName
  attributes
  createdBy
  createdAt
  updatedAt
  unreadMessagesCount
  lastMessageIndex
  participants {
    ...ParticipantFields
  }
  limits {
    ...LimitsFields
  }
}
    fragment LimitsFields on ConversationLimits {
  mediaAttachmentsCountLimit
  mediaAttachmentSizeLimitInBytes
  mediaAttachmentsTotalSizeLimitInBytes
  bodyMaxLength
}
fragment ParticipantFields on Participant {
  id
  identity
  attributes
  createdAt
  lastReadMessageIndex
}`,
  { fragmentName: "ConversationFields" },
) as unknown as TypedDocumentString<Types.ConversationFieldsFragment, unknown>;
export const MediaPreviewFieldsFragmentDoc = new TypedDocumentString(
  `
    fragment MediaPreviewFields on MediaPreview {
  width
  height
  contentType
  temporaryUrl
  temporaryUrlExpiresAt
}
    `,
  { fragmentName: "MediaPreviewFields" },
) as unknown as TypedDocumentString<Types.MediaPreviewFieldsFragment, unknown>;
export const MediaFieldsFragmentDoc = new TypedDocumentString(
  `
    fragment MediaFields on Media {
  id
  category
  filename
  contentType
  size
  sha256
  temporaryUrl
  temporaryUrlExpiresAt
  width
  height
  placeholder
  preview {
    ...MediaPreviewFields
  }
}
    fragment MediaPreviewFields on MediaPreview {
  width
  height
  contentType
  temporaryUrl
  temporaryUrlExpiresAt
}`,
  { fragmentName: "MediaFields" },
) as unknown as TypedDocumentString<Types.MediaFieldsFragment, unknown>;
export const MessageFieldsFragmentDoc = new TypedDocumentString(
  `
    fragment MessageFields on Message {
  id
  index
  author
  body
  attributes
  type
  createdAt
  updatedAt
  conversation {
    id
  }
  media {
    ...MediaFields
  }
}
    fragment MediaPreviewFields on MediaPreview {
  width
  height
  contentType
  temporaryUrl
  temporaryUrlExpiresAt
}
fragment MediaFields on Media {
  id
  category
  filename
  contentType
  size
  sha256
  temporaryUrl
  temporaryUrlExpiresAt
  width
  height
  placeholder
  preview {
    ...MediaPreviewFields
  }
}`,
  { fragmentName: "MessageFields" },
) as unknown as TypedDocumentString<Types.MessageFieldsFragment, unknown>;
export const RemovedMessageFieldsFragmentDoc = new TypedDocumentString(
  `
    fragment RemovedMessageFields on RemovedMessage {
  id
  index
  conversationId
  removedAt
}
    `,
  { fragmentName: "RemovedMessageFields" },
) as unknown as TypedDocumentString<Types.RemovedMessageFieldsFragment, unknown>;
export const MediaUploadFieldsFragmentDoc = new TypedDocumentString(
  `
    fragment MediaUploadFields on MediaUpload {
  id
  conversationId
  size
  partSize
  expiresAt
  parts {
    number
    size
    url
    uploaded
  }
}
    `,
  { fragmentName: "MediaUploadFields" },
) as unknown as TypedDocumentString<Types.MediaUploadFieldsFragment, unknown>;
export const ConversationsDocument = new TypedDocumentString(`
    query Conversations($first: Int, $after: String) {
  conversations(first: $first, after: $after) {
    edges {
      cursor
      node {
        ...ConversationFields
      }
    }
    pageInfo {
      ...PageInfoFields
    }
  }
}
    fragment PageInfoFields on PageInfo {
  hasNextPage
  hasPreviousPage
  startCursor
  endCursor
}
fragment LimitsFields on ConversationLimits {
  mediaAttachmentsCountLimit
  mediaAttachmentSizeLimitInBytes
  mediaAttachmentsTotalSizeLimitInBytes
  bodyMaxLength
}
fragment ParticipantFields on Participant {
  id
  identity
  attributes
  createdAt
  lastReadMessageIndex
}
fragment ConversationFields on Conversation {
  id
  friendlyName
  uniqueName
  attributes
  createdBy
  createdAt
  updatedAt
  unreadMessagesCount
  lastMessageIndex
  participants {
    ...ParticipantFields
  }
  limits {
    ...LimitsFields
  }
}`) as unknown as TypedDocumentString<Types.ConversationsQuery, Types.ConversationsQueryVariables>;
export const ConversationDocument = new TypedDocumentString(`
    query Conversation($id: ID!) {
  conversation(id: $id) {
    ...ConversationFields
  }
}
    fragment LimitsFields on ConversationLimits {
  mediaAttachmentsCountLimit
  mediaAttachmentSizeLimitInBytes
  mediaAttachmentsTotalSizeLimitInBytes
  bodyMaxLength
}
fragment ParticipantFields on Participant {
  id
  identity
  attributes
  createdAt
  lastReadMessageIndex
}
fragment ConversationFields on Conversation {
  id
  friendlyName
  uniqueName
  attributes
  createdBy
  createdAt
  updatedAt
  unreadMessagesCount
  lastMessageIndex
  participants {
    ...ParticipantFields
  }
  limits {
    ...LimitsFields
  }
}`) as unknown as TypedDocumentString<Types.ConversationQuery, Types.ConversationQueryVariables>;
export const ConversationLimitsDocument = new TypedDocumentString(`
    query ConversationLimits($id: ID!) {
  conversation(id: $id) {
    id
    limits {
      ...LimitsFields
    }
  }
}
    fragment LimitsFields on ConversationLimits {
  mediaAttachmentsCountLimit
  mediaAttachmentSizeLimitInBytes
  mediaAttachmentsTotalSizeLimitInBytes
  bodyMaxLength
}`) as unknown as TypedDocumentString<Types.ConversationLimitsQuery, Types.ConversationLimitsQueryVariables>;
export const ParticipantsDocument = new TypedDocumentString(`
    query Participants($id: ID!) {
  conversation(id: $id) {
    id
    participants {
      ...ParticipantFields
    }
  }
}
    fragment ParticipantFields on Participant {
  id
  identity
  attributes
  createdAt
  lastReadMessageIndex
}`) as unknown as TypedDocumentString<Types.ParticipantsQuery, Types.ParticipantsQueryVariables>;
export const CreateConversationDocument = new TypedDocumentString(`
    mutation CreateConversation($input: CreateConversationInput!) {
  createConversation(input: $input) {
    ...ConversationFields
  }
}
    fragment LimitsFields on ConversationLimits {
  mediaAttachmentsCountLimit
  mediaAttachmentSizeLimitInBytes
  mediaAttachmentsTotalSizeLimitInBytes
  bodyMaxLength
}
fragment ParticipantFields on Participant {
  id
  identity
  attributes
  createdAt
  lastReadMessageIndex
}
fragment ConversationFields on Conversation {
  id
  friendlyName
  uniqueName
  attributes
  createdBy
  createdAt
  updatedAt
  unreadMessagesCount
  lastMessageIndex
  participants {
    ...ParticipantFields
  }
  limits {
    ...LimitsFields
  }
}`) as unknown as TypedDocumentString<Types.CreateConversationMutation, Types.CreateConversationMutationVariables>;
export const AddParticipantDocument = new TypedDocumentString(`
    mutation AddParticipant($input: AddParticipantInput!) {
  addParticipant(input: $input) {
    ...ParticipantFields
  }
}
    fragment ParticipantFields on Participant {
  id
  identity
  attributes
  createdAt
  lastReadMessageIndex
}`) as unknown as TypedDocumentString<Types.AddParticipantMutation, Types.AddParticipantMutationVariables>;
export const RemoveParticipantDocument = new TypedDocumentString(`
    mutation RemoveParticipant($conversationId: ID!, $identity: String!) {
  removeParticipant(conversationId: $conversationId, identity: $identity)
}
    `) as unknown as TypedDocumentString<Types.RemoveParticipantMutation, Types.RemoveParticipantMutationVariables>;
export const UnreadMessagesCountDocument = new TypedDocumentString(`
    query UnreadMessagesCount($id: ID!) {
  viewer {
    identity
  }
  conversation(id: $id) {
    id
    unreadMessagesCount
    participants {
      identity
      lastReadMessageIndex
    }
  }
}
    `) as unknown as TypedDocumentString<Types.UnreadMessagesCountQuery, Types.UnreadMessagesCountQueryVariables>;
export const SetLastReadMessageIndexDocument = new TypedDocumentString(`
    mutation SetLastReadMessageIndex($conversationId: ID!, $index: Int) {
  setLastReadMessageIndex(conversationId: $conversationId, index: $index) {
    ...ParticipantFields
  }
}
    fragment ParticipantFields on Participant {
  id
  identity
  attributes
  createdAt
  lastReadMessageIndex
}`) as unknown as TypedDocumentString<
  Types.SetLastReadMessageIndexMutation,
  Types.SetLastReadMessageIndexMutationVariables
>;
export const AdvanceLastReadMessageIndexDocument = new TypedDocumentString(`
    mutation AdvanceLastReadMessageIndex($conversationId: ID!, $index: Int!) {
  advanceLastReadMessageIndex(conversationId: $conversationId, index: $index) {
    ...ParticipantFields
  }
}
    fragment ParticipantFields on Participant {
  id
  identity
  attributes
  createdAt
  lastReadMessageIndex
}`) as unknown as TypedDocumentString<
  Types.AdvanceLastReadMessageIndexMutation,
  Types.AdvanceLastReadMessageIndexMutationVariables
>;
export const ConversationPositionsDocument = new TypedDocumentString(`
    query ConversationPositions($first: Int, $after: String) {
  conversations(first: $first, after: $after) {
    edges {
      node {
        id
        lastMessageIndex
      }
    }
    pageInfo {
      ...PageInfoFields
    }
  }
}
    fragment PageInfoFields on PageInfo {
  hasNextPage
  hasPreviousPage
  startCursor
  endCursor
}`) as unknown as TypedDocumentString<Types.ConversationPositionsQuery, Types.ConversationPositionsQueryVariables>;
export const ViewerJoinedAtDocument = new TypedDocumentString(`
    query ViewerJoinedAt($id: ID!) {
  viewer {
    identity
  }
  conversation(id: $id) {
    id
    participants {
      identity
      createdAt
    }
  }
}
    `) as unknown as TypedDocumentString<Types.ViewerJoinedAtQuery, Types.ViewerJoinedAtQueryVariables>;
export const MessageAddedDocument = new TypedDocumentString(`
    subscription MessageAdded($conversationId: ID!) {
  messageAdded(conversationId: $conversationId) {
    ...MessageFields
  }
}
    fragment MediaPreviewFields on MediaPreview {
  width
  height
  contentType
  temporaryUrl
  temporaryUrlExpiresAt
}
fragment MediaFields on Media {
  id
  category
  filename
  contentType
  size
  sha256
  temporaryUrl
  temporaryUrlExpiresAt
  width
  height
  placeholder
  preview {
    ...MediaPreviewFields
  }
}
fragment MessageFields on Message {
  id
  index
  author
  body
  attributes
  type
  createdAt
  updatedAt
  conversation {
    id
  }
  media {
    ...MediaFields
  }
}`) as unknown as TypedDocumentString<Types.MessageAddedSubscription, Types.MessageAddedSubscriptionVariables>;
export const MessageUpdatedDocument = new TypedDocumentString(`
    subscription MessageUpdated($conversationId: ID!) {
  messageUpdated(conversationId: $conversationId) {
    reasons
    message {
      ...MessageFields
    }
  }
}
    fragment MediaPreviewFields on MediaPreview {
  width
  height
  contentType
  temporaryUrl
  temporaryUrlExpiresAt
}
fragment MediaFields on Media {
  id
  category
  filename
  contentType
  size
  sha256
  temporaryUrl
  temporaryUrlExpiresAt
  width
  height
  placeholder
  preview {
    ...MediaPreviewFields
  }
}
fragment MessageFields on Message {
  id
  index
  author
  body
  attributes
  type
  createdAt
  updatedAt
  conversation {
    id
  }
  media {
    ...MediaFields
  }
}`) as unknown as TypedDocumentString<Types.MessageUpdatedSubscription, Types.MessageUpdatedSubscriptionVariables>;
export const MessageRemovedDocument = new TypedDocumentString(`
    subscription MessageRemoved($conversationId: ID!) {
  messageRemoved(conversationId: $conversationId) {
    ...RemovedMessageFields
  }
}
    fragment RemovedMessageFields on RemovedMessage {
  id
  index
  conversationId
  removedAt
}`) as unknown as TypedDocumentString<Types.MessageRemovedSubscription, Types.MessageRemovedSubscriptionVariables>;
export const ViewerMessageAddedDocument = new TypedDocumentString(`
    subscription ViewerMessageAdded {
  viewerMessageAdded {
    ...MessageFields
  }
}
    fragment MediaPreviewFields on MediaPreview {
  width
  height
  contentType
  temporaryUrl
  temporaryUrlExpiresAt
}
fragment MediaFields on Media {
  id
  category
  filename
  contentType
  size
  sha256
  temporaryUrl
  temporaryUrlExpiresAt
  width
  height
  placeholder
  preview {
    ...MediaPreviewFields
  }
}
fragment MessageFields on Message {
  id
  index
  author
  body
  attributes
  type
  createdAt
  updatedAt
  conversation {
    id
  }
  media {
    ...MediaFields
  }
}`) as unknown as TypedDocumentString<
  Types.ViewerMessageAddedSubscription,
  Types.ViewerMessageAddedSubscriptionVariables
>;
export const ViewerMessageUpdatedDocument = new TypedDocumentString(`
    subscription ViewerMessageUpdated {
  viewerMessageUpdated {
    reasons
    message {
      ...MessageFields
    }
  }
}
    fragment MediaPreviewFields on MediaPreview {
  width
  height
  contentType
  temporaryUrl
  temporaryUrlExpiresAt
}
fragment MediaFields on Media {
  id
  category
  filename
  contentType
  size
  sha256
  temporaryUrl
  temporaryUrlExpiresAt
  width
  height
  placeholder
  preview {
    ...MediaPreviewFields
  }
}
fragment MessageFields on Message {
  id
  index
  author
  body
  attributes
  type
  createdAt
  updatedAt
  conversation {
    id
  }
  media {
    ...MediaFields
  }
}`) as unknown as TypedDocumentString<
  Types.ViewerMessageUpdatedSubscription,
  Types.ViewerMessageUpdatedSubscriptionVariables
>;
export const ViewerMessageRemovedDocument = new TypedDocumentString(`
    subscription ViewerMessageRemoved {
  viewerMessageRemoved {
    ...RemovedMessageFields
  }
}
    fragment RemovedMessageFields on RemovedMessage {
  id
  index
  conversationId
  removedAt
}`) as unknown as TypedDocumentString<
  Types.ViewerMessageRemovedSubscription,
  Types.ViewerMessageRemovedSubscriptionVariables
>;
export const MessagesDocument = new TypedDocumentString(`
    query Messages($conversationId: ID!, $first: Int, $after: String, $last: Int, $before: String) {
  conversation(id: $conversationId) {
    id
    messages(first: $first, after: $after, last: $last, before: $before) {
      edges {
        cursor
        node {
          ...MessageFields
        }
      }
      pageInfo {
        ...PageInfoFields
      }
    }
  }
}
    fragment PageInfoFields on PageInfo {
  hasNextPage
  hasPreviousPage
  startCursor
  endCursor
}
fragment MediaPreviewFields on MediaPreview {
  width
  height
  contentType
  temporaryUrl
  temporaryUrlExpiresAt
}
fragment MediaFields on Media {
  id
  category
  filename
  contentType
  size
  sha256
  temporaryUrl
  temporaryUrlExpiresAt
  width
  height
  placeholder
  preview {
    ...MediaPreviewFields
  }
}
fragment MessageFields on Message {
  id
  index
  author
  body
  attributes
  type
  createdAt
  updatedAt
  conversation {
    id
  }
  media {
    ...MediaFields
  }
}`) as unknown as TypedDocumentString<Types.MessagesQuery, Types.MessagesQueryVariables>;
export const MessageDocument = new TypedDocumentString(`
    query Message($id: ID!) {
  message(id: $id) {
    ...MessageFields
  }
}
    fragment MediaPreviewFields on MediaPreview {
  width
  height
  contentType
  temporaryUrl
  temporaryUrlExpiresAt
}
fragment MediaFields on Media {
  id
  category
  filename
  contentType
  size
  sha256
  temporaryUrl
  temporaryUrlExpiresAt
  width
  height
  placeholder
  preview {
    ...MediaPreviewFields
  }
}
fragment MessageFields on Message {
  id
  index
  author
  body
  attributes
  type
  createdAt
  updatedAt
  conversation {
    id
  }
  media {
    ...MediaFields
  }
}`) as unknown as TypedDocumentString<Types.MessageQuery, Types.MessageQueryVariables>;
export const MessageMediaDocument = new TypedDocumentString(`
    query MessageMedia($id: ID!, $previewMaxSize: Int = 320, $sized: Boolean = false) {
  message(id: $id) {
    id
    media {
      ...MediaFields
      sizedPreview: preview(maxSize: $previewMaxSize) @include(if: $sized) {
        ...MediaPreviewFields
      }
    }
  }
}
    fragment MediaPreviewFields on MediaPreview {
  width
  height
  contentType
  temporaryUrl
  temporaryUrlExpiresAt
}
fragment MediaFields on Media {
  id
  category
  filename
  contentType
  size
  sha256
  temporaryUrl
  temporaryUrlExpiresAt
  width
  height
  placeholder
  preview {
    ...MediaPreviewFields
  }
}`) as unknown as TypedDocumentString<Types.MessageMediaQuery, Types.MessageMediaQueryVariables>;
export const MediaByIdsDocument = new TypedDocumentString(`
    query MediaByIds($ids: [ID!]!) {
  mediaByIds(ids: $ids) {
    ...MediaFields
  }
}
    fragment MediaPreviewFields on MediaPreview {
  width
  height
  contentType
  temporaryUrl
  temporaryUrlExpiresAt
}
fragment MediaFields on Media {
  id
  category
  filename
  contentType
  size
  sha256
  temporaryUrl
  temporaryUrlExpiresAt
  width
  height
  placeholder
  preview {
    ...MediaPreviewFields
  }
}`) as unknown as TypedDocumentString<Types.MediaByIdsQuery, Types.MediaByIdsQueryVariables>;
export const SendMessageDocument = new TypedDocumentString(`
    mutation SendMessage($input: SendMessageInput!) {
  sendMessage(input: $input) {
    ...MessageFields
  }
}
    fragment MediaPreviewFields on MediaPreview {
  width
  height
  contentType
  temporaryUrl
  temporaryUrlExpiresAt
}
fragment MediaFields on Media {
  id
  category
  filename
  contentType
  size
  sha256
  temporaryUrl
  temporaryUrlExpiresAt
  width
  height
  placeholder
  preview {
    ...MediaPreviewFields
  }
}
fragment MessageFields on Message {
  id
  index
  author
  body
  attributes
  type
  createdAt
  updatedAt
  conversation {
    id
  }
  media {
    ...MediaFields
  }
}`) as unknown as TypedDocumentString<Types.SendMessageMutation, Types.SendMessageMutationVariables>;
export const SendMediaMessageDocument = new TypedDocumentString(`
    mutation SendMediaMessage($input: SendMediaMessageInput!) {
  sendMediaMessage(input: $input) {
    ...MessageFields
  }
}
    fragment MediaPreviewFields on MediaPreview {
  width
  height
  contentType
  temporaryUrl
  temporaryUrlExpiresAt
}
fragment MediaFields on Media {
  id
  category
  filename
  contentType
  size
  sha256
  temporaryUrl
  temporaryUrlExpiresAt
  width
  height
  placeholder
  preview {
    ...MediaPreviewFields
  }
}
fragment MessageFields on Message {
  id
  index
  author
  body
  attributes
  type
  createdAt
  updatedAt
  conversation {
    id
  }
  media {
    ...MediaFields
  }
}`) as unknown as TypedDocumentString<Types.SendMediaMessageMutation, Types.SendMediaMessageMutationVariables>;
export const UpdateMessageDocument = new TypedDocumentString(`
    mutation UpdateMessage($input: UpdateMessageInput!) {
  updateMessage(input: $input) {
    ...MessageFields
  }
}
    fragment MediaPreviewFields on MediaPreview {
  width
  height
  contentType
  temporaryUrl
  temporaryUrlExpiresAt
}
fragment MediaFields on Media {
  id
  category
  filename
  contentType
  size
  sha256
  temporaryUrl
  temporaryUrlExpiresAt
  width
  height
  placeholder
  preview {
    ...MediaPreviewFields
  }
}
fragment MessageFields on Message {
  id
  index
  author
  body
  attributes
  type
  createdAt
  updatedAt
  conversation {
    id
  }
  media {
    ...MediaFields
  }
}`) as unknown as TypedDocumentString<Types.UpdateMessageMutation, Types.UpdateMessageMutationVariables>;
export const RemoveMessageDocument = new TypedDocumentString(`
    mutation RemoveMessage($id: ID!) {
  removeMessage(id: $id) {
    ...RemovedMessageFields
  }
}
    fragment RemovedMessageFields on RemovedMessage {
  id
  index
  conversationId
  removedAt
}`) as unknown as TypedDocumentString<Types.RemoveMessageMutation, Types.RemoveMessageMutationVariables>;
export const CreateMediaUploadDocument = new TypedDocumentString(`
    mutation CreateMediaUpload($input: CreateMediaUploadInput!) {
  createMediaUpload(input: $input) {
    ...MediaUploadFields
  }
}
    fragment MediaUploadFields on MediaUpload {
  id
  conversationId
  size
  partSize
  expiresAt
  parts {
    number
    size
    url
    uploaded
  }
}`) as unknown as TypedDocumentString<Types.CreateMediaUploadMutation, Types.CreateMediaUploadMutationVariables>;
export const MediaUploadDocument = new TypedDocumentString(`
    query MediaUpload($id: ID!) {
  mediaUpload(id: $id) {
    ...MediaUploadFields
  }
}
    fragment MediaUploadFields on MediaUpload {
  id
  conversationId
  size
  partSize
  expiresAt
  parts {
    number
    size
    url
    uploaded
  }
}`) as unknown as TypedDocumentString<Types.MediaUploadQuery, Types.MediaUploadQueryVariables>;
export const AbortMediaUploadDocument = new TypedDocumentString(`
    mutation AbortMediaUpload($id: ID!) {
  abortMediaUpload(id: $id)
}
    `) as unknown as TypedDocumentString<Types.AbortMediaUploadMutation, Types.AbortMediaUploadMutationVariables>;
export const ViewerDocument = new TypedDocumentString(`
    query Viewer {
  viewer {
    identity
  }
}
    `) as unknown as TypedDocumentString<Types.ViewerQuery, Types.ViewerQueryVariables>;
