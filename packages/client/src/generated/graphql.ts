/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends " $fragmentName" | "__typename" ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from "@graphql-typed-document-node/core";
export type AddParticipantInput = {
  attributes?: Record<string, unknown> | null | undefined;
  conversationId: string | number;
  identity: string;
};

export type CreateConversationInput = {
  attributes?: Record<string, unknown> | null | undefined;
  friendlyName?: string | null | undefined;
  participants?: Array<string> | null | undefined;
  uniqueName?: string | null | undefined;
};

export type CreateMediaUploadInput = {
  contentType?: string | null | undefined;
  conversationId: string | number;
  filename?: string | null | undefined;
  /** exact byte count, checked against the conversation's limits before anything is stored */
  size: number;
};

export type MediaCategory = "MEDIA";

/** Exactly one of file / uploadId. */
export type MediaInput = {
  contentType?: string | null | undefined;
  file?: File | Blob | null | undefined;
  filename?: string | null | undefined;
  /** a MediaUpload of the viewer's in this conversation, every part uploaded */
  uploadId?: string | number | null | undefined;
};

export type MessageType = "MEDIA" | "TEXT";

export type MessageUpdateReason =
  | "ATTRIBUTES"
  | "BODY"
  /** a preview or placeholder of the message's media became ready */
  | "MEDIA";

export type SendMediaMessageInput = {
  attributes?: Record<string, unknown> | null | undefined;
  body?: string | null | undefined;
  conversationId: string | number;
  idempotencyKey?: string | null | undefined;
  media: Array<MediaInput>;
};

export type SendMessageInput = {
  attributes?: Record<string, unknown> | null | undefined;
  body: string;
  conversationId: string | number;
  idempotencyKey?: string | null | undefined;
};

export type UpdateMessageInput = {
  attributes?: Record<string, unknown> | null | undefined;
  body?: string | null | undefined;
  id: string | number;
};

export type ConversationsQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;

export type ConversationsQuery = {
  conversations: {
    edges: Array<{
      cursor: string;
      node: {
        id: string;
        friendlyName: string | null;
        uniqueName: string | null;
        attributes: Record<string, unknown>;
        createdBy: string;
        createdAt: string;
        updatedAt: string;
        unreadMessagesCount: number;
        lastMessageIndex: number | null;
        participants: Array<{
          id: string;
          identity: string;
          attributes: Record<string, unknown>;
          createdAt: string;
          lastReadMessageIndex: number | null;
        }>;
        limits: {
          mediaAttachmentsCountLimit: number;
          mediaAttachmentSizeLimitInBytes: number;
          mediaAttachmentsTotalSizeLimitInBytes: number;
          bodyMaxLength: number;
        };
      };
    }>;
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  };
};

export type ConversationQueryVariables = Exact<{
  id: string | number;
}>;

export type ConversationQuery = {
  conversation: {
    id: string;
    friendlyName: string | null;
    uniqueName: string | null;
    attributes: Record<string, unknown>;
    createdBy: string;
    createdAt: string;
    updatedAt: string;
    unreadMessagesCount: number;
    lastMessageIndex: number | null;
    participants: Array<{
      id: string;
      identity: string;
      attributes: Record<string, unknown>;
      createdAt: string;
      lastReadMessageIndex: number | null;
    }>;
    limits: {
      mediaAttachmentsCountLimit: number;
      mediaAttachmentSizeLimitInBytes: number;
      mediaAttachmentsTotalSizeLimitInBytes: number;
      bodyMaxLength: number;
    };
  } | null;
};

export type ConversationLimitsQueryVariables = Exact<{
  id: string | number;
}>;

export type ConversationLimitsQuery = {
  conversation: {
    id: string;
    limits: {
      mediaAttachmentsCountLimit: number;
      mediaAttachmentSizeLimitInBytes: number;
      mediaAttachmentsTotalSizeLimitInBytes: number;
      bodyMaxLength: number;
    };
  } | null;
};

export type ParticipantsQueryVariables = Exact<{
  id: string | number;
}>;

export type ParticipantsQuery = {
  conversation: {
    id: string;
    participants: Array<{
      id: string;
      identity: string;
      attributes: Record<string, unknown>;
      createdAt: string;
      lastReadMessageIndex: number | null;
    }>;
  } | null;
};

export type CreateConversationMutationVariables = Exact<{
  input: CreateConversationInput;
}>;

export type CreateConversationMutation = {
  createConversation: {
    id: string;
    friendlyName: string | null;
    uniqueName: string | null;
    attributes: Record<string, unknown>;
    createdBy: string;
    createdAt: string;
    updatedAt: string;
    unreadMessagesCount: number;
    lastMessageIndex: number | null;
    participants: Array<{
      id: string;
      identity: string;
      attributes: Record<string, unknown>;
      createdAt: string;
      lastReadMessageIndex: number | null;
    }>;
    limits: {
      mediaAttachmentsCountLimit: number;
      mediaAttachmentSizeLimitInBytes: number;
      mediaAttachmentsTotalSizeLimitInBytes: number;
      bodyMaxLength: number;
    };
  };
};

export type AddParticipantMutationVariables = Exact<{
  input: AddParticipantInput;
}>;

export type AddParticipantMutation = {
  addParticipant: {
    id: string;
    identity: string;
    attributes: Record<string, unknown>;
    createdAt: string;
    lastReadMessageIndex: number | null;
  };
};

export type RemoveParticipantMutationVariables = Exact<{
  conversationId: string | number;
  identity: string;
}>;

export type RemoveParticipantMutation = { removeParticipant: boolean };

export type UnreadMessagesCountQueryVariables = Exact<{
  id: string | number;
}>;

export type UnreadMessagesCountQuery = {
  viewer: { identity: string };
  conversation: {
    id: string;
    unreadMessagesCount: number;
    participants: Array<{ identity: string; lastReadMessageIndex: number | null }>;
  } | null;
};

export type SetLastReadMessageIndexMutationVariables = Exact<{
  conversationId: string | number;
  index?: number | null | undefined;
}>;

export type SetLastReadMessageIndexMutation = {
  setLastReadMessageIndex: {
    id: string;
    identity: string;
    attributes: Record<string, unknown>;
    createdAt: string;
    lastReadMessageIndex: number | null;
  };
};

export type AdvanceLastReadMessageIndexMutationVariables = Exact<{
  conversationId: string | number;
  index: number;
}>;

export type AdvanceLastReadMessageIndexMutation = {
  advanceLastReadMessageIndex: {
    id: string;
    identity: string;
    attributes: Record<string, unknown>;
    createdAt: string;
    lastReadMessageIndex: number | null;
  };
};

export type ConversationPositionsQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;

export type ConversationPositionsQuery = {
  conversations: {
    edges: Array<{ node: { id: string; lastMessageIndex: number | null } }>;
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  };
};

export type ViewerJoinedAtQueryVariables = Exact<{
  id: string | number;
}>;

export type ViewerJoinedAtQuery = {
  viewer: { identity: string };
  conversation: { id: string; participants: Array<{ identity: string; createdAt: string }> } | null;
};

export type MessageAddedSubscriptionVariables = Exact<{
  conversationId: string | number;
}>;

export type MessageAddedSubscription = {
  messageAdded: {
    id: string;
    index: number;
    author: string;
    body: string | null;
    attributes: Record<string, unknown>;
    type: MessageType;
    createdAt: string;
    updatedAt: string;
    conversation: { id: string };
    media: Array<{
      id: string;
      category: MediaCategory;
      filename: string | null;
      contentType: string;
      size: number;
      sha256: string;
      temporaryUrl: string;
      temporaryUrlExpiresAt: string;
      width: number | null;
      height: number | null;
      placeholder: string | null;
      preview: {
        width: number;
        height: number;
        contentType: string;
        temporaryUrl: string;
        temporaryUrlExpiresAt: string;
      } | null;
    }>;
  };
};

export type MessageUpdatedSubscriptionVariables = Exact<{
  conversationId: string | number;
}>;

export type MessageUpdatedSubscription = {
  messageUpdated: {
    reasons: Array<MessageUpdateReason>;
    message: {
      id: string;
      index: number;
      author: string;
      body: string | null;
      attributes: Record<string, unknown>;
      type: MessageType;
      createdAt: string;
      updatedAt: string;
      conversation: { id: string };
      media: Array<{
        id: string;
        category: MediaCategory;
        filename: string | null;
        contentType: string;
        size: number;
        sha256: string;
        temporaryUrl: string;
        temporaryUrlExpiresAt: string;
        width: number | null;
        height: number | null;
        placeholder: string | null;
        preview: {
          width: number;
          height: number;
          contentType: string;
          temporaryUrl: string;
          temporaryUrlExpiresAt: string;
        } | null;
      }>;
    };
  };
};

export type MessageRemovedSubscriptionVariables = Exact<{
  conversationId: string | number;
}>;

export type MessageRemovedSubscription = {
  messageRemoved: { id: string; index: number; conversationId: string; removedAt: string };
};

export type ViewerMessageAddedSubscriptionVariables = Exact<{ [key: string]: never }>;

export type ViewerMessageAddedSubscription = {
  viewerMessageAdded: {
    id: string;
    index: number;
    author: string;
    body: string | null;
    attributes: Record<string, unknown>;
    type: MessageType;
    createdAt: string;
    updatedAt: string;
    conversation: { id: string };
    media: Array<{
      id: string;
      category: MediaCategory;
      filename: string | null;
      contentType: string;
      size: number;
      sha256: string;
      temporaryUrl: string;
      temporaryUrlExpiresAt: string;
      width: number | null;
      height: number | null;
      placeholder: string | null;
      preview: {
        width: number;
        height: number;
        contentType: string;
        temporaryUrl: string;
        temporaryUrlExpiresAt: string;
      } | null;
    }>;
  };
};

export type ViewerMessageUpdatedSubscriptionVariables = Exact<{ [key: string]: never }>;

export type ViewerMessageUpdatedSubscription = {
  viewerMessageUpdated: {
    reasons: Array<MessageUpdateReason>;
    message: {
      id: string;
      index: number;
      author: string;
      body: string | null;
      attributes: Record<string, unknown>;
      type: MessageType;
      createdAt: string;
      updatedAt: string;
      conversation: { id: string };
      media: Array<{
        id: string;
        category: MediaCategory;
        filename: string | null;
        contentType: string;
        size: number;
        sha256: string;
        temporaryUrl: string;
        temporaryUrlExpiresAt: string;
        width: number | null;
        height: number | null;
        placeholder: string | null;
        preview: {
          width: number;
          height: number;
          contentType: string;
          temporaryUrl: string;
          temporaryUrlExpiresAt: string;
        } | null;
      }>;
    };
  };
};

export type ViewerMessageRemovedSubscriptionVariables = Exact<{ [key: string]: never }>;

export type ViewerMessageRemovedSubscription = {
  viewerMessageRemoved: { id: string; index: number; conversationId: string; removedAt: string };
};

export type PageInfoFieldsFragment = {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
};

export type LimitsFieldsFragment = {
  mediaAttachmentsCountLimit: number;
  mediaAttachmentSizeLimitInBytes: number;
  mediaAttachmentsTotalSizeLimitInBytes: number;
  bodyMaxLength: number;
};

export type ParticipantFieldsFragment = {
  id: string;
  identity: string;
  attributes: Record<string, unknown>;
  createdAt: string;
  lastReadMessageIndex: number | null;
};

export type ConversationFieldsFragment = {
  id: string;
  friendlyName: string | null;
  uniqueName: string | null;
  attributes: Record<string, unknown>;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  unreadMessagesCount: number;
  lastMessageIndex: number | null;
  participants: Array<{
    id: string;
    identity: string;
    attributes: Record<string, unknown>;
    createdAt: string;
    lastReadMessageIndex: number | null;
  }>;
  limits: {
    mediaAttachmentsCountLimit: number;
    mediaAttachmentSizeLimitInBytes: number;
    mediaAttachmentsTotalSizeLimitInBytes: number;
    bodyMaxLength: number;
  };
};

export type MediaPreviewFieldsFragment = {
  width: number;
  height: number;
  contentType: string;
  temporaryUrl: string;
  temporaryUrlExpiresAt: string;
};

export type MediaFieldsFragment = {
  id: string;
  category: MediaCategory;
  filename: string | null;
  contentType: string;
  size: number;
  sha256: string;
  temporaryUrl: string;
  temporaryUrlExpiresAt: string;
  width: number | null;
  height: number | null;
  placeholder: string | null;
  preview: {
    width: number;
    height: number;
    contentType: string;
    temporaryUrl: string;
    temporaryUrlExpiresAt: string;
  } | null;
};

export type MessageFieldsFragment = {
  id: string;
  index: number;
  author: string;
  body: string | null;
  attributes: Record<string, unknown>;
  type: MessageType;
  createdAt: string;
  updatedAt: string;
  conversation: { id: string };
  media: Array<{
    id: string;
    category: MediaCategory;
    filename: string | null;
    contentType: string;
    size: number;
    sha256: string;
    temporaryUrl: string;
    temporaryUrlExpiresAt: string;
    width: number | null;
    height: number | null;
    placeholder: string | null;
    preview: {
      width: number;
      height: number;
      contentType: string;
      temporaryUrl: string;
      temporaryUrlExpiresAt: string;
    } | null;
  }>;
};

export type RemovedMessageFieldsFragment = { id: string; index: number; conversationId: string; removedAt: string };

export type MessagesQueryVariables = Exact<{
  conversationId: string | number;
  first?: number | null | undefined;
  after?: string | null | undefined;
  last?: number | null | undefined;
  before?: string | null | undefined;
}>;

export type MessagesQuery = {
  conversation: {
    id: string;
    messages: {
      edges: Array<{
        cursor: string;
        node: {
          id: string;
          index: number;
          author: string;
          body: string | null;
          attributes: Record<string, unknown>;
          type: MessageType;
          createdAt: string;
          updatedAt: string;
          conversation: { id: string };
          media: Array<{
            id: string;
            category: MediaCategory;
            filename: string | null;
            contentType: string;
            size: number;
            sha256: string;
            temporaryUrl: string;
            temporaryUrlExpiresAt: string;
            width: number | null;
            height: number | null;
            placeholder: string | null;
            preview: {
              width: number;
              height: number;
              contentType: string;
              temporaryUrl: string;
              temporaryUrlExpiresAt: string;
            } | null;
          }>;
        };
      }>;
      pageInfo: {
        hasNextPage: boolean;
        hasPreviousPage: boolean;
        startCursor: string | null;
        endCursor: string | null;
      };
    };
  } | null;
};

export type MessageQueryVariables = Exact<{
  id: string | number;
}>;

export type MessageQuery = {
  message: {
    id: string;
    index: number;
    author: string;
    body: string | null;
    attributes: Record<string, unknown>;
    type: MessageType;
    createdAt: string;
    updatedAt: string;
    conversation: { id: string };
    media: Array<{
      id: string;
      category: MediaCategory;
      filename: string | null;
      contentType: string;
      size: number;
      sha256: string;
      temporaryUrl: string;
      temporaryUrlExpiresAt: string;
      width: number | null;
      height: number | null;
      placeholder: string | null;
      preview: {
        width: number;
        height: number;
        contentType: string;
        temporaryUrl: string;
        temporaryUrlExpiresAt: string;
      } | null;
    }>;
  } | null;
};

export type MessageMediaQueryVariables = Exact<{
  id: string | number;
  previewMaxSize?: number | null | undefined;
  sized?: boolean | null | undefined;
}>;

export type MessageMediaQuery = {
  message: {
    id: string;
    media: Array<{
      id: string;
      category: MediaCategory;
      filename: string | null;
      contentType: string;
      size: number;
      sha256: string;
      temporaryUrl: string;
      temporaryUrlExpiresAt: string;
      width: number | null;
      height: number | null;
      placeholder: string | null;
      sizedPreview?: {
        width: number;
        height: number;
        contentType: string;
        temporaryUrl: string;
        temporaryUrlExpiresAt: string;
      } | null;
      preview: {
        width: number;
        height: number;
        contentType: string;
        temporaryUrl: string;
        temporaryUrlExpiresAt: string;
      } | null;
    }>;
  } | null;
};

export type MediaByIdsQueryVariables = Exact<{
  ids: Array<string | number> | string | number;
}>;

export type MediaByIdsQuery = {
  mediaByIds: Array<{
    id: string;
    category: MediaCategory;
    filename: string | null;
    contentType: string;
    size: number;
    sha256: string;
    temporaryUrl: string;
    temporaryUrlExpiresAt: string;
    width: number | null;
    height: number | null;
    placeholder: string | null;
    preview: {
      width: number;
      height: number;
      contentType: string;
      temporaryUrl: string;
      temporaryUrlExpiresAt: string;
    } | null;
  }>;
};

export type SendMessageMutationVariables = Exact<{
  input: SendMessageInput;
}>;

export type SendMessageMutation = {
  sendMessage: {
    id: string;
    index: number;
    author: string;
    body: string | null;
    attributes: Record<string, unknown>;
    type: MessageType;
    createdAt: string;
    updatedAt: string;
    conversation: { id: string };
    media: Array<{
      id: string;
      category: MediaCategory;
      filename: string | null;
      contentType: string;
      size: number;
      sha256: string;
      temporaryUrl: string;
      temporaryUrlExpiresAt: string;
      width: number | null;
      height: number | null;
      placeholder: string | null;
      preview: {
        width: number;
        height: number;
        contentType: string;
        temporaryUrl: string;
        temporaryUrlExpiresAt: string;
      } | null;
    }>;
  };
};

export type SendMediaMessageMutationVariables = Exact<{
  input: SendMediaMessageInput;
}>;

export type SendMediaMessageMutation = {
  sendMediaMessage: {
    id: string;
    index: number;
    author: string;
    body: string | null;
    attributes: Record<string, unknown>;
    type: MessageType;
    createdAt: string;
    updatedAt: string;
    conversation: { id: string };
    media: Array<{
      id: string;
      category: MediaCategory;
      filename: string | null;
      contentType: string;
      size: number;
      sha256: string;
      temporaryUrl: string;
      temporaryUrlExpiresAt: string;
      width: number | null;
      height: number | null;
      placeholder: string | null;
      preview: {
        width: number;
        height: number;
        contentType: string;
        temporaryUrl: string;
        temporaryUrlExpiresAt: string;
      } | null;
    }>;
  };
};

export type UpdateMessageMutationVariables = Exact<{
  input: UpdateMessageInput;
}>;

export type UpdateMessageMutation = {
  updateMessage: {
    id: string;
    index: number;
    author: string;
    body: string | null;
    attributes: Record<string, unknown>;
    type: MessageType;
    createdAt: string;
    updatedAt: string;
    conversation: { id: string };
    media: Array<{
      id: string;
      category: MediaCategory;
      filename: string | null;
      contentType: string;
      size: number;
      sha256: string;
      temporaryUrl: string;
      temporaryUrlExpiresAt: string;
      width: number | null;
      height: number | null;
      placeholder: string | null;
      preview: {
        width: number;
        height: number;
        contentType: string;
        temporaryUrl: string;
        temporaryUrlExpiresAt: string;
      } | null;
    }>;
  };
};

export type RemoveMessageMutationVariables = Exact<{
  id: string | number;
}>;

export type RemoveMessageMutation = {
  removeMessage: { id: string; index: number; conversationId: string; removedAt: string };
};

export type MediaUploadFieldsFragment = {
  id: string;
  conversationId: string;
  size: number;
  partSize: number;
  expiresAt: string;
  parts: Array<{ number: number; size: number; url: string; uploaded: boolean }>;
};

export type CreateMediaUploadMutationVariables = Exact<{
  input: CreateMediaUploadInput;
}>;

export type CreateMediaUploadMutation = {
  createMediaUpload: {
    id: string;
    conversationId: string;
    size: number;
    partSize: number;
    expiresAt: string;
    parts: Array<{ number: number; size: number; url: string; uploaded: boolean }>;
  };
};

export type MediaUploadQueryVariables = Exact<{
  id: string | number;
}>;

export type MediaUploadQuery = {
  mediaUpload: {
    id: string;
    conversationId: string;
    size: number;
    partSize: number;
    expiresAt: string;
    parts: Array<{ number: number; size: number; url: string; uploaded: boolean }>;
  } | null;
};

export type AbortMediaUploadMutationVariables = Exact<{
  id: string | number;
}>;

export type AbortMediaUploadMutation = { abortMediaUpload: boolean };

export type ViewerQueryVariables = Exact<{ [key: string]: never }>;

export type ViewerQuery = { viewer: { identity: string } };

export const PageInfoFieldsFragmentDoc = {
  kind: "Document",
  definitions: [
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "PageInfoFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "PageInfo" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "hasNextPage" } },
          { kind: "Field", name: { kind: "Name", value: "hasPreviousPage" } },
          { kind: "Field", name: { kind: "Name", value: "startCursor" } },
          { kind: "Field", name: { kind: "Name", value: "endCursor" } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<PageInfoFieldsFragment, unknown>;
export const ParticipantFieldsFragmentDoc = {
  kind: "Document",
  definitions: [
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "ParticipantFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "Participant" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "identity" } },
          { kind: "Field", name: { kind: "Name", value: "attributes" } },
          { kind: "Field", name: { kind: "Name", value: "createdAt" } },
          { kind: "Field", name: { kind: "Name", value: "lastReadMessageIndex" } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<ParticipantFieldsFragment, unknown>;
export const LimitsFieldsFragmentDoc = {
  kind: "Document",
  definitions: [
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "LimitsFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "ConversationLimits" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "mediaAttachmentsCountLimit" } },
          { kind: "Field", name: { kind: "Name", value: "mediaAttachmentSizeLimitInBytes" } },
          { kind: "Field", name: { kind: "Name", value: "mediaAttachmentsTotalSizeLimitInBytes" } },
          { kind: "Field", name: { kind: "Name", value: "bodyMaxLength" } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<LimitsFieldsFragment, unknown>;
export const ConversationFieldsFragmentDoc = {
  kind: "Document",
  definitions: [
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "ConversationFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "Conversation" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "friendlyName" } },
          { kind: "Field", name: { kind: "Name", value: "uniqueName" } },
          { kind: "Field", name: { kind: "Name", value: "attributes" } },
          { kind: "Field", name: { kind: "Name", value: "createdBy" } },
          { kind: "Field", name: { kind: "Name", value: "createdAt" } },
          { kind: "Field", name: { kind: "Name", value: "updatedAt" } },
          { kind: "Field", name: { kind: "Name", value: "unreadMessagesCount" } },
          { kind: "Field", name: { kind: "Name", value: "lastMessageIndex" } },
          {
            kind: "Field",
            name: { kind: "Name", value: "participants" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "ParticipantFields" } }],
            },
          },
          {
            kind: "Field",
            name: { kind: "Name", value: "limits" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "LimitsFields" } }],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "ParticipantFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "Participant" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "identity" } },
          { kind: "Field", name: { kind: "Name", value: "attributes" } },
          { kind: "Field", name: { kind: "Name", value: "createdAt" } },
          { kind: "Field", name: { kind: "Name", value: "lastReadMessageIndex" } },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "LimitsFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "ConversationLimits" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "mediaAttachmentsCountLimit" } },
          { kind: "Field", name: { kind: "Name", value: "mediaAttachmentSizeLimitInBytes" } },
          { kind: "Field", name: { kind: "Name", value: "mediaAttachmentsTotalSizeLimitInBytes" } },
          { kind: "Field", name: { kind: "Name", value: "bodyMaxLength" } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<ConversationFieldsFragment, unknown>;
export const MediaPreviewFieldsFragmentDoc = {
  kind: "Document",
  definitions: [
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "MediaPreviewFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "MediaPreview" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "width" } },
          { kind: "Field", name: { kind: "Name", value: "height" } },
          { kind: "Field", name: { kind: "Name", value: "contentType" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrl" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrlExpiresAt" } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<MediaPreviewFieldsFragment, unknown>;
export const MediaFieldsFragmentDoc = {
  kind: "Document",
  definitions: [
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "MediaFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "Media" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "category" } },
          { kind: "Field", name: { kind: "Name", value: "filename" } },
          { kind: "Field", name: { kind: "Name", value: "contentType" } },
          { kind: "Field", name: { kind: "Name", value: "size" } },
          { kind: "Field", name: { kind: "Name", value: "sha256" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrl" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrlExpiresAt" } },
          { kind: "Field", name: { kind: "Name", value: "width" } },
          { kind: "Field", name: { kind: "Name", value: "height" } },
          { kind: "Field", name: { kind: "Name", value: "placeholder" } },
          {
            kind: "Field",
            name: { kind: "Name", value: "preview" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "MediaPreviewFields" } }],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "MediaPreviewFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "MediaPreview" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "width" } },
          { kind: "Field", name: { kind: "Name", value: "height" } },
          { kind: "Field", name: { kind: "Name", value: "contentType" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrl" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrlExpiresAt" } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<MediaFieldsFragment, unknown>;
export const MessageFieldsFragmentDoc = {
  kind: "Document",
  definitions: [
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "MessageFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "Message" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "index" } },
          { kind: "Field", name: { kind: "Name", value: "author" } },
          { kind: "Field", name: { kind: "Name", value: "body" } },
          { kind: "Field", name: { kind: "Name", value: "attributes" } },
          { kind: "Field", name: { kind: "Name", value: "type" } },
          { kind: "Field", name: { kind: "Name", value: "createdAt" } },
          { kind: "Field", name: { kind: "Name", value: "updatedAt" } },
          {
            kind: "Field",
            name: { kind: "Name", value: "conversation" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "Field", name: { kind: "Name", value: "id" } }],
            },
          },
          {
            kind: "Field",
            name: { kind: "Name", value: "media" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "MediaFields" } }],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "MediaPreviewFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "MediaPreview" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "width" } },
          { kind: "Field", name: { kind: "Name", value: "height" } },
          { kind: "Field", name: { kind: "Name", value: "contentType" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrl" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrlExpiresAt" } },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "MediaFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "Media" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "category" } },
          { kind: "Field", name: { kind: "Name", value: "filename" } },
          { kind: "Field", name: { kind: "Name", value: "contentType" } },
          { kind: "Field", name: { kind: "Name", value: "size" } },
          { kind: "Field", name: { kind: "Name", value: "sha256" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrl" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrlExpiresAt" } },
          { kind: "Field", name: { kind: "Name", value: "width" } },
          { kind: "Field", name: { kind: "Name", value: "height" } },
          { kind: "Field", name: { kind: "Name", value: "placeholder" } },
          {
            kind: "Field",
            name: { kind: "Name", value: "preview" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "MediaPreviewFields" } }],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<MessageFieldsFragment, unknown>;
export const RemovedMessageFieldsFragmentDoc = {
  kind: "Document",
  definitions: [
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "RemovedMessageFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "RemovedMessage" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "index" } },
          { kind: "Field", name: { kind: "Name", value: "conversationId" } },
          { kind: "Field", name: { kind: "Name", value: "removedAt" } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<RemovedMessageFieldsFragment, unknown>;
export const MediaUploadFieldsFragmentDoc = {
  kind: "Document",
  definitions: [
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "MediaUploadFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "MediaUpload" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "conversationId" } },
          { kind: "Field", name: { kind: "Name", value: "size" } },
          { kind: "Field", name: { kind: "Name", value: "partSize" } },
          { kind: "Field", name: { kind: "Name", value: "expiresAt" } },
          {
            kind: "Field",
            name: { kind: "Name", value: "parts" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "Field", name: { kind: "Name", value: "number" } },
                { kind: "Field", name: { kind: "Name", value: "size" } },
                { kind: "Field", name: { kind: "Name", value: "url" } },
                { kind: "Field", name: { kind: "Name", value: "uploaded" } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<MediaUploadFieldsFragment, unknown>;
export const ConversationsDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "query",
      name: { kind: "Name", value: "Conversations" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "first" } },
          type: { kind: "NamedType", name: { kind: "Name", value: "Int" } },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "after" } },
          type: { kind: "NamedType", name: { kind: "Name", value: "String" } },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "conversations" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "first" },
                value: { kind: "Variable", name: { kind: "Name", value: "first" } },
              },
              {
                kind: "Argument",
                name: { kind: "Name", value: "after" },
                value: { kind: "Variable", name: { kind: "Name", value: "after" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                {
                  kind: "Field",
                  name: { kind: "Name", value: "edges" },
                  selectionSet: {
                    kind: "SelectionSet",
                    selections: [
                      { kind: "Field", name: { kind: "Name", value: "cursor" } },
                      {
                        kind: "Field",
                        name: { kind: "Name", value: "node" },
                        selectionSet: {
                          kind: "SelectionSet",
                          selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "ConversationFields" } }],
                        },
                      },
                    ],
                  },
                },
                {
                  kind: "Field",
                  name: { kind: "Name", value: "pageInfo" },
                  selectionSet: {
                    kind: "SelectionSet",
                    selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "PageInfoFields" } }],
                  },
                },
              ],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "ParticipantFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "Participant" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "identity" } },
          { kind: "Field", name: { kind: "Name", value: "attributes" } },
          { kind: "Field", name: { kind: "Name", value: "createdAt" } },
          { kind: "Field", name: { kind: "Name", value: "lastReadMessageIndex" } },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "LimitsFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "ConversationLimits" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "mediaAttachmentsCountLimit" } },
          { kind: "Field", name: { kind: "Name", value: "mediaAttachmentSizeLimitInBytes" } },
          { kind: "Field", name: { kind: "Name", value: "mediaAttachmentsTotalSizeLimitInBytes" } },
          { kind: "Field", name: { kind: "Name", value: "bodyMaxLength" } },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "ConversationFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "Conversation" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "friendlyName" } },
          { kind: "Field", name: { kind: "Name", value: "uniqueName" } },
          { kind: "Field", name: { kind: "Name", value: "attributes" } },
          { kind: "Field", name: { kind: "Name", value: "createdBy" } },
          { kind: "Field", name: { kind: "Name", value: "createdAt" } },
          { kind: "Field", name: { kind: "Name", value: "updatedAt" } },
          { kind: "Field", name: { kind: "Name", value: "unreadMessagesCount" } },
          { kind: "Field", name: { kind: "Name", value: "lastMessageIndex" } },
          {
            kind: "Field",
            name: { kind: "Name", value: "participants" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "ParticipantFields" } }],
            },
          },
          {
            kind: "Field",
            name: { kind: "Name", value: "limits" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "LimitsFields" } }],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "PageInfoFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "PageInfo" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "hasNextPage" } },
          { kind: "Field", name: { kind: "Name", value: "hasPreviousPage" } },
          { kind: "Field", name: { kind: "Name", value: "startCursor" } },
          { kind: "Field", name: { kind: "Name", value: "endCursor" } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<ConversationsQuery, ConversationsQueryVariables>;
export const ConversationDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "query",
      name: { kind: "Name", value: "Conversation" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "id" } },
          type: { kind: "NonNullType", type: { kind: "NamedType", name: { kind: "Name", value: "ID" } } },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "conversation" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "id" },
                value: { kind: "Variable", name: { kind: "Name", value: "id" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "ConversationFields" } }],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "ParticipantFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "Participant" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "identity" } },
          { kind: "Field", name: { kind: "Name", value: "attributes" } },
          { kind: "Field", name: { kind: "Name", value: "createdAt" } },
          { kind: "Field", name: { kind: "Name", value: "lastReadMessageIndex" } },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "LimitsFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "ConversationLimits" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "mediaAttachmentsCountLimit" } },
          { kind: "Field", name: { kind: "Name", value: "mediaAttachmentSizeLimitInBytes" } },
          { kind: "Field", name: { kind: "Name", value: "mediaAttachmentsTotalSizeLimitInBytes" } },
          { kind: "Field", name: { kind: "Name", value: "bodyMaxLength" } },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "ConversationFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "Conversation" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "friendlyName" } },
          { kind: "Field", name: { kind: "Name", value: "uniqueName" } },
          { kind: "Field", name: { kind: "Name", value: "attributes" } },
          { kind: "Field", name: { kind: "Name", value: "createdBy" } },
          { kind: "Field", name: { kind: "Name", value: "createdAt" } },
          { kind: "Field", name: { kind: "Name", value: "updatedAt" } },
          { kind: "Field", name: { kind: "Name", value: "unreadMessagesCount" } },
          { kind: "Field", name: { kind: "Name", value: "lastMessageIndex" } },
          {
            kind: "Field",
            name: { kind: "Name", value: "participants" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "ParticipantFields" } }],
            },
          },
          {
            kind: "Field",
            name: { kind: "Name", value: "limits" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "LimitsFields" } }],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<ConversationQuery, ConversationQueryVariables>;
export const ConversationLimitsDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "query",
      name: { kind: "Name", value: "ConversationLimits" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "id" } },
          type: { kind: "NonNullType", type: { kind: "NamedType", name: { kind: "Name", value: "ID" } } },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "conversation" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "id" },
                value: { kind: "Variable", name: { kind: "Name", value: "id" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "Field", name: { kind: "Name", value: "id" } },
                {
                  kind: "Field",
                  name: { kind: "Name", value: "limits" },
                  selectionSet: {
                    kind: "SelectionSet",
                    selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "LimitsFields" } }],
                  },
                },
              ],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "LimitsFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "ConversationLimits" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "mediaAttachmentsCountLimit" } },
          { kind: "Field", name: { kind: "Name", value: "mediaAttachmentSizeLimitInBytes" } },
          { kind: "Field", name: { kind: "Name", value: "mediaAttachmentsTotalSizeLimitInBytes" } },
          { kind: "Field", name: { kind: "Name", value: "bodyMaxLength" } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<ConversationLimitsQuery, ConversationLimitsQueryVariables>;
export const ParticipantsDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "query",
      name: { kind: "Name", value: "Participants" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "id" } },
          type: { kind: "NonNullType", type: { kind: "NamedType", name: { kind: "Name", value: "ID" } } },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "conversation" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "id" },
                value: { kind: "Variable", name: { kind: "Name", value: "id" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "Field", name: { kind: "Name", value: "id" } },
                {
                  kind: "Field",
                  name: { kind: "Name", value: "participants" },
                  selectionSet: {
                    kind: "SelectionSet",
                    selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "ParticipantFields" } }],
                  },
                },
              ],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "ParticipantFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "Participant" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "identity" } },
          { kind: "Field", name: { kind: "Name", value: "attributes" } },
          { kind: "Field", name: { kind: "Name", value: "createdAt" } },
          { kind: "Field", name: { kind: "Name", value: "lastReadMessageIndex" } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<ParticipantsQuery, ParticipantsQueryVariables>;
export const CreateConversationDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "mutation",
      name: { kind: "Name", value: "CreateConversation" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "input" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "CreateConversationInput" } },
          },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "createConversation" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "input" },
                value: { kind: "Variable", name: { kind: "Name", value: "input" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "ConversationFields" } }],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "ParticipantFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "Participant" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "identity" } },
          { kind: "Field", name: { kind: "Name", value: "attributes" } },
          { kind: "Field", name: { kind: "Name", value: "createdAt" } },
          { kind: "Field", name: { kind: "Name", value: "lastReadMessageIndex" } },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "LimitsFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "ConversationLimits" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "mediaAttachmentsCountLimit" } },
          { kind: "Field", name: { kind: "Name", value: "mediaAttachmentSizeLimitInBytes" } },
          { kind: "Field", name: { kind: "Name", value: "mediaAttachmentsTotalSizeLimitInBytes" } },
          { kind: "Field", name: { kind: "Name", value: "bodyMaxLength" } },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "ConversationFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "Conversation" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "friendlyName" } },
          { kind: "Field", name: { kind: "Name", value: "uniqueName" } },
          { kind: "Field", name: { kind: "Name", value: "attributes" } },
          { kind: "Field", name: { kind: "Name", value: "createdBy" } },
          { kind: "Field", name: { kind: "Name", value: "createdAt" } },
          { kind: "Field", name: { kind: "Name", value: "updatedAt" } },
          { kind: "Field", name: { kind: "Name", value: "unreadMessagesCount" } },
          { kind: "Field", name: { kind: "Name", value: "lastMessageIndex" } },
          {
            kind: "Field",
            name: { kind: "Name", value: "participants" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "ParticipantFields" } }],
            },
          },
          {
            kind: "Field",
            name: { kind: "Name", value: "limits" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "LimitsFields" } }],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<CreateConversationMutation, CreateConversationMutationVariables>;
export const AddParticipantDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "mutation",
      name: { kind: "Name", value: "AddParticipant" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "input" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "AddParticipantInput" } },
          },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "addParticipant" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "input" },
                value: { kind: "Variable", name: { kind: "Name", value: "input" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "ParticipantFields" } }],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "ParticipantFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "Participant" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "identity" } },
          { kind: "Field", name: { kind: "Name", value: "attributes" } },
          { kind: "Field", name: { kind: "Name", value: "createdAt" } },
          { kind: "Field", name: { kind: "Name", value: "lastReadMessageIndex" } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<AddParticipantMutation, AddParticipantMutationVariables>;
export const RemoveParticipantDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "mutation",
      name: { kind: "Name", value: "RemoveParticipant" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "conversationId" } },
          type: { kind: "NonNullType", type: { kind: "NamedType", name: { kind: "Name", value: "ID" } } },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "identity" } },
          type: { kind: "NonNullType", type: { kind: "NamedType", name: { kind: "Name", value: "String" } } },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "removeParticipant" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "conversationId" },
                value: { kind: "Variable", name: { kind: "Name", value: "conversationId" } },
              },
              {
                kind: "Argument",
                name: { kind: "Name", value: "identity" },
                value: { kind: "Variable", name: { kind: "Name", value: "identity" } },
              },
            ],
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<RemoveParticipantMutation, RemoveParticipantMutationVariables>;
export const UnreadMessagesCountDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "query",
      name: { kind: "Name", value: "UnreadMessagesCount" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "id" } },
          type: { kind: "NonNullType", type: { kind: "NamedType", name: { kind: "Name", value: "ID" } } },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "viewer" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "Field", name: { kind: "Name", value: "identity" } }],
            },
          },
          {
            kind: "Field",
            name: { kind: "Name", value: "conversation" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "id" },
                value: { kind: "Variable", name: { kind: "Name", value: "id" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "Field", name: { kind: "Name", value: "id" } },
                { kind: "Field", name: { kind: "Name", value: "unreadMessagesCount" } },
                {
                  kind: "Field",
                  name: { kind: "Name", value: "participants" },
                  selectionSet: {
                    kind: "SelectionSet",
                    selections: [
                      { kind: "Field", name: { kind: "Name", value: "identity" } },
                      { kind: "Field", name: { kind: "Name", value: "lastReadMessageIndex" } },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<UnreadMessagesCountQuery, UnreadMessagesCountQueryVariables>;
export const SetLastReadMessageIndexDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "mutation",
      name: { kind: "Name", value: "SetLastReadMessageIndex" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "conversationId" } },
          type: { kind: "NonNullType", type: { kind: "NamedType", name: { kind: "Name", value: "ID" } } },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "index" } },
          type: { kind: "NamedType", name: { kind: "Name", value: "Int" } },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "setLastReadMessageIndex" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "conversationId" },
                value: { kind: "Variable", name: { kind: "Name", value: "conversationId" } },
              },
              {
                kind: "Argument",
                name: { kind: "Name", value: "index" },
                value: { kind: "Variable", name: { kind: "Name", value: "index" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "ParticipantFields" } }],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "ParticipantFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "Participant" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "identity" } },
          { kind: "Field", name: { kind: "Name", value: "attributes" } },
          { kind: "Field", name: { kind: "Name", value: "createdAt" } },
          { kind: "Field", name: { kind: "Name", value: "lastReadMessageIndex" } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<SetLastReadMessageIndexMutation, SetLastReadMessageIndexMutationVariables>;
export const AdvanceLastReadMessageIndexDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "mutation",
      name: { kind: "Name", value: "AdvanceLastReadMessageIndex" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "conversationId" } },
          type: { kind: "NonNullType", type: { kind: "NamedType", name: { kind: "Name", value: "ID" } } },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "index" } },
          type: { kind: "NonNullType", type: { kind: "NamedType", name: { kind: "Name", value: "Int" } } },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "advanceLastReadMessageIndex" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "conversationId" },
                value: { kind: "Variable", name: { kind: "Name", value: "conversationId" } },
              },
              {
                kind: "Argument",
                name: { kind: "Name", value: "index" },
                value: { kind: "Variable", name: { kind: "Name", value: "index" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "ParticipantFields" } }],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "ParticipantFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "Participant" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "identity" } },
          { kind: "Field", name: { kind: "Name", value: "attributes" } },
          { kind: "Field", name: { kind: "Name", value: "createdAt" } },
          { kind: "Field", name: { kind: "Name", value: "lastReadMessageIndex" } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<AdvanceLastReadMessageIndexMutation, AdvanceLastReadMessageIndexMutationVariables>;
export const ConversationPositionsDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "query",
      name: { kind: "Name", value: "ConversationPositions" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "first" } },
          type: { kind: "NamedType", name: { kind: "Name", value: "Int" } },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "after" } },
          type: { kind: "NamedType", name: { kind: "Name", value: "String" } },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "conversations" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "first" },
                value: { kind: "Variable", name: { kind: "Name", value: "first" } },
              },
              {
                kind: "Argument",
                name: { kind: "Name", value: "after" },
                value: { kind: "Variable", name: { kind: "Name", value: "after" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                {
                  kind: "Field",
                  name: { kind: "Name", value: "edges" },
                  selectionSet: {
                    kind: "SelectionSet",
                    selections: [
                      {
                        kind: "Field",
                        name: { kind: "Name", value: "node" },
                        selectionSet: {
                          kind: "SelectionSet",
                          selections: [
                            { kind: "Field", name: { kind: "Name", value: "id" } },
                            { kind: "Field", name: { kind: "Name", value: "lastMessageIndex" } },
                          ],
                        },
                      },
                    ],
                  },
                },
                {
                  kind: "Field",
                  name: { kind: "Name", value: "pageInfo" },
                  selectionSet: {
                    kind: "SelectionSet",
                    selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "PageInfoFields" } }],
                  },
                },
              ],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "PageInfoFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "PageInfo" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "hasNextPage" } },
          { kind: "Field", name: { kind: "Name", value: "hasPreviousPage" } },
          { kind: "Field", name: { kind: "Name", value: "startCursor" } },
          { kind: "Field", name: { kind: "Name", value: "endCursor" } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<ConversationPositionsQuery, ConversationPositionsQueryVariables>;
export const ViewerJoinedAtDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "query",
      name: { kind: "Name", value: "ViewerJoinedAt" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "id" } },
          type: { kind: "NonNullType", type: { kind: "NamedType", name: { kind: "Name", value: "ID" } } },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "viewer" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "Field", name: { kind: "Name", value: "identity" } }],
            },
          },
          {
            kind: "Field",
            name: { kind: "Name", value: "conversation" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "id" },
                value: { kind: "Variable", name: { kind: "Name", value: "id" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "Field", name: { kind: "Name", value: "id" } },
                {
                  kind: "Field",
                  name: { kind: "Name", value: "participants" },
                  selectionSet: {
                    kind: "SelectionSet",
                    selections: [
                      { kind: "Field", name: { kind: "Name", value: "identity" } },
                      { kind: "Field", name: { kind: "Name", value: "createdAt" } },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<ViewerJoinedAtQuery, ViewerJoinedAtQueryVariables>;
export const MessageAddedDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "subscription",
      name: { kind: "Name", value: "MessageAdded" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "conversationId" } },
          type: { kind: "NonNullType", type: { kind: "NamedType", name: { kind: "Name", value: "ID" } } },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "messageAdded" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "conversationId" },
                value: { kind: "Variable", name: { kind: "Name", value: "conversationId" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "MessageFields" } }],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "MediaPreviewFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "MediaPreview" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "width" } },
          { kind: "Field", name: { kind: "Name", value: "height" } },
          { kind: "Field", name: { kind: "Name", value: "contentType" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrl" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrlExpiresAt" } },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "MediaFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "Media" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "category" } },
          { kind: "Field", name: { kind: "Name", value: "filename" } },
          { kind: "Field", name: { kind: "Name", value: "contentType" } },
          { kind: "Field", name: { kind: "Name", value: "size" } },
          { kind: "Field", name: { kind: "Name", value: "sha256" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrl" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrlExpiresAt" } },
          { kind: "Field", name: { kind: "Name", value: "width" } },
          { kind: "Field", name: { kind: "Name", value: "height" } },
          { kind: "Field", name: { kind: "Name", value: "placeholder" } },
          {
            kind: "Field",
            name: { kind: "Name", value: "preview" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "MediaPreviewFields" } }],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "MessageFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "Message" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "index" } },
          { kind: "Field", name: { kind: "Name", value: "author" } },
          { kind: "Field", name: { kind: "Name", value: "body" } },
          { kind: "Field", name: { kind: "Name", value: "attributes" } },
          { kind: "Field", name: { kind: "Name", value: "type" } },
          { kind: "Field", name: { kind: "Name", value: "createdAt" } },
          { kind: "Field", name: { kind: "Name", value: "updatedAt" } },
          {
            kind: "Field",
            name: { kind: "Name", value: "conversation" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "Field", name: { kind: "Name", value: "id" } }],
            },
          },
          {
            kind: "Field",
            name: { kind: "Name", value: "media" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "MediaFields" } }],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<MessageAddedSubscription, MessageAddedSubscriptionVariables>;
export const MessageUpdatedDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "subscription",
      name: { kind: "Name", value: "MessageUpdated" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "conversationId" } },
          type: { kind: "NonNullType", type: { kind: "NamedType", name: { kind: "Name", value: "ID" } } },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "messageUpdated" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "conversationId" },
                value: { kind: "Variable", name: { kind: "Name", value: "conversationId" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "Field", name: { kind: "Name", value: "reasons" } },
                {
                  kind: "Field",
                  name: { kind: "Name", value: "message" },
                  selectionSet: {
                    kind: "SelectionSet",
                    selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "MessageFields" } }],
                  },
                },
              ],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "MediaPreviewFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "MediaPreview" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "width" } },
          { kind: "Field", name: { kind: "Name", value: "height" } },
          { kind: "Field", name: { kind: "Name", value: "contentType" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrl" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrlExpiresAt" } },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "MediaFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "Media" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "category" } },
          { kind: "Field", name: { kind: "Name", value: "filename" } },
          { kind: "Field", name: { kind: "Name", value: "contentType" } },
          { kind: "Field", name: { kind: "Name", value: "size" } },
          { kind: "Field", name: { kind: "Name", value: "sha256" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrl" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrlExpiresAt" } },
          { kind: "Field", name: { kind: "Name", value: "width" } },
          { kind: "Field", name: { kind: "Name", value: "height" } },
          { kind: "Field", name: { kind: "Name", value: "placeholder" } },
          {
            kind: "Field",
            name: { kind: "Name", value: "preview" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "MediaPreviewFields" } }],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "MessageFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "Message" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "index" } },
          { kind: "Field", name: { kind: "Name", value: "author" } },
          { kind: "Field", name: { kind: "Name", value: "body" } },
          { kind: "Field", name: { kind: "Name", value: "attributes" } },
          { kind: "Field", name: { kind: "Name", value: "type" } },
          { kind: "Field", name: { kind: "Name", value: "createdAt" } },
          { kind: "Field", name: { kind: "Name", value: "updatedAt" } },
          {
            kind: "Field",
            name: { kind: "Name", value: "conversation" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "Field", name: { kind: "Name", value: "id" } }],
            },
          },
          {
            kind: "Field",
            name: { kind: "Name", value: "media" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "MediaFields" } }],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<MessageUpdatedSubscription, MessageUpdatedSubscriptionVariables>;
export const MessageRemovedDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "subscription",
      name: { kind: "Name", value: "MessageRemoved" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "conversationId" } },
          type: { kind: "NonNullType", type: { kind: "NamedType", name: { kind: "Name", value: "ID" } } },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "messageRemoved" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "conversationId" },
                value: { kind: "Variable", name: { kind: "Name", value: "conversationId" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "RemovedMessageFields" } }],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "RemovedMessageFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "RemovedMessage" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "index" } },
          { kind: "Field", name: { kind: "Name", value: "conversationId" } },
          { kind: "Field", name: { kind: "Name", value: "removedAt" } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<MessageRemovedSubscription, MessageRemovedSubscriptionVariables>;
export const ViewerMessageAddedDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "subscription",
      name: { kind: "Name", value: "ViewerMessageAdded" },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "viewerMessageAdded" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "MessageFields" } }],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "MediaPreviewFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "MediaPreview" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "width" } },
          { kind: "Field", name: { kind: "Name", value: "height" } },
          { kind: "Field", name: { kind: "Name", value: "contentType" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrl" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrlExpiresAt" } },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "MediaFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "Media" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "category" } },
          { kind: "Field", name: { kind: "Name", value: "filename" } },
          { kind: "Field", name: { kind: "Name", value: "contentType" } },
          { kind: "Field", name: { kind: "Name", value: "size" } },
          { kind: "Field", name: { kind: "Name", value: "sha256" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrl" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrlExpiresAt" } },
          { kind: "Field", name: { kind: "Name", value: "width" } },
          { kind: "Field", name: { kind: "Name", value: "height" } },
          { kind: "Field", name: { kind: "Name", value: "placeholder" } },
          {
            kind: "Field",
            name: { kind: "Name", value: "preview" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "MediaPreviewFields" } }],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "MessageFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "Message" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "index" } },
          { kind: "Field", name: { kind: "Name", value: "author" } },
          { kind: "Field", name: { kind: "Name", value: "body" } },
          { kind: "Field", name: { kind: "Name", value: "attributes" } },
          { kind: "Field", name: { kind: "Name", value: "type" } },
          { kind: "Field", name: { kind: "Name", value: "createdAt" } },
          { kind: "Field", name: { kind: "Name", value: "updatedAt" } },
          {
            kind: "Field",
            name: { kind: "Name", value: "conversation" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "Field", name: { kind: "Name", value: "id" } }],
            },
          },
          {
            kind: "Field",
            name: { kind: "Name", value: "media" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "MediaFields" } }],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<ViewerMessageAddedSubscription, ViewerMessageAddedSubscriptionVariables>;
export const ViewerMessageUpdatedDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "subscription",
      name: { kind: "Name", value: "ViewerMessageUpdated" },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "viewerMessageUpdated" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "Field", name: { kind: "Name", value: "reasons" } },
                {
                  kind: "Field",
                  name: { kind: "Name", value: "message" },
                  selectionSet: {
                    kind: "SelectionSet",
                    selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "MessageFields" } }],
                  },
                },
              ],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "MediaPreviewFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "MediaPreview" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "width" } },
          { kind: "Field", name: { kind: "Name", value: "height" } },
          { kind: "Field", name: { kind: "Name", value: "contentType" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrl" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrlExpiresAt" } },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "MediaFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "Media" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "category" } },
          { kind: "Field", name: { kind: "Name", value: "filename" } },
          { kind: "Field", name: { kind: "Name", value: "contentType" } },
          { kind: "Field", name: { kind: "Name", value: "size" } },
          { kind: "Field", name: { kind: "Name", value: "sha256" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrl" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrlExpiresAt" } },
          { kind: "Field", name: { kind: "Name", value: "width" } },
          { kind: "Field", name: { kind: "Name", value: "height" } },
          { kind: "Field", name: { kind: "Name", value: "placeholder" } },
          {
            kind: "Field",
            name: { kind: "Name", value: "preview" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "MediaPreviewFields" } }],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "MessageFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "Message" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "index" } },
          { kind: "Field", name: { kind: "Name", value: "author" } },
          { kind: "Field", name: { kind: "Name", value: "body" } },
          { kind: "Field", name: { kind: "Name", value: "attributes" } },
          { kind: "Field", name: { kind: "Name", value: "type" } },
          { kind: "Field", name: { kind: "Name", value: "createdAt" } },
          { kind: "Field", name: { kind: "Name", value: "updatedAt" } },
          {
            kind: "Field",
            name: { kind: "Name", value: "conversation" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "Field", name: { kind: "Name", value: "id" } }],
            },
          },
          {
            kind: "Field",
            name: { kind: "Name", value: "media" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "MediaFields" } }],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<ViewerMessageUpdatedSubscription, ViewerMessageUpdatedSubscriptionVariables>;
export const ViewerMessageRemovedDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "subscription",
      name: { kind: "Name", value: "ViewerMessageRemoved" },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "viewerMessageRemoved" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "RemovedMessageFields" } }],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "RemovedMessageFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "RemovedMessage" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "index" } },
          { kind: "Field", name: { kind: "Name", value: "conversationId" } },
          { kind: "Field", name: { kind: "Name", value: "removedAt" } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<ViewerMessageRemovedSubscription, ViewerMessageRemovedSubscriptionVariables>;
export const MessagesDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "query",
      name: { kind: "Name", value: "Messages" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "conversationId" } },
          type: { kind: "NonNullType", type: { kind: "NamedType", name: { kind: "Name", value: "ID" } } },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "first" } },
          type: { kind: "NamedType", name: { kind: "Name", value: "Int" } },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "after" } },
          type: { kind: "NamedType", name: { kind: "Name", value: "String" } },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "last" } },
          type: { kind: "NamedType", name: { kind: "Name", value: "Int" } },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "before" } },
          type: { kind: "NamedType", name: { kind: "Name", value: "String" } },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "conversation" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "id" },
                value: { kind: "Variable", name: { kind: "Name", value: "conversationId" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "Field", name: { kind: "Name", value: "id" } },
                {
                  kind: "Field",
                  name: { kind: "Name", value: "messages" },
                  arguments: [
                    {
                      kind: "Argument",
                      name: { kind: "Name", value: "first" },
                      value: { kind: "Variable", name: { kind: "Name", value: "first" } },
                    },
                    {
                      kind: "Argument",
                      name: { kind: "Name", value: "after" },
                      value: { kind: "Variable", name: { kind: "Name", value: "after" } },
                    },
                    {
                      kind: "Argument",
                      name: { kind: "Name", value: "last" },
                      value: { kind: "Variable", name: { kind: "Name", value: "last" } },
                    },
                    {
                      kind: "Argument",
                      name: { kind: "Name", value: "before" },
                      value: { kind: "Variable", name: { kind: "Name", value: "before" } },
                    },
                  ],
                  selectionSet: {
                    kind: "SelectionSet",
                    selections: [
                      {
                        kind: "Field",
                        name: { kind: "Name", value: "edges" },
                        selectionSet: {
                          kind: "SelectionSet",
                          selections: [
                            { kind: "Field", name: { kind: "Name", value: "cursor" } },
                            {
                              kind: "Field",
                              name: { kind: "Name", value: "node" },
                              selectionSet: {
                                kind: "SelectionSet",
                                selections: [
                                  { kind: "FragmentSpread", name: { kind: "Name", value: "MessageFields" } },
                                ],
                              },
                            },
                          ],
                        },
                      },
                      {
                        kind: "Field",
                        name: { kind: "Name", value: "pageInfo" },
                        selectionSet: {
                          kind: "SelectionSet",
                          selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "PageInfoFields" } }],
                        },
                      },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "MediaPreviewFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "MediaPreview" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "width" } },
          { kind: "Field", name: { kind: "Name", value: "height" } },
          { kind: "Field", name: { kind: "Name", value: "contentType" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrl" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrlExpiresAt" } },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "MediaFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "Media" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "category" } },
          { kind: "Field", name: { kind: "Name", value: "filename" } },
          { kind: "Field", name: { kind: "Name", value: "contentType" } },
          { kind: "Field", name: { kind: "Name", value: "size" } },
          { kind: "Field", name: { kind: "Name", value: "sha256" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrl" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrlExpiresAt" } },
          { kind: "Field", name: { kind: "Name", value: "width" } },
          { kind: "Field", name: { kind: "Name", value: "height" } },
          { kind: "Field", name: { kind: "Name", value: "placeholder" } },
          {
            kind: "Field",
            name: { kind: "Name", value: "preview" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "MediaPreviewFields" } }],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "MessageFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "Message" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "index" } },
          { kind: "Field", name: { kind: "Name", value: "author" } },
          { kind: "Field", name: { kind: "Name", value: "body" } },
          { kind: "Field", name: { kind: "Name", value: "attributes" } },
          { kind: "Field", name: { kind: "Name", value: "type" } },
          { kind: "Field", name: { kind: "Name", value: "createdAt" } },
          { kind: "Field", name: { kind: "Name", value: "updatedAt" } },
          {
            kind: "Field",
            name: { kind: "Name", value: "conversation" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "Field", name: { kind: "Name", value: "id" } }],
            },
          },
          {
            kind: "Field",
            name: { kind: "Name", value: "media" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "MediaFields" } }],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "PageInfoFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "PageInfo" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "hasNextPage" } },
          { kind: "Field", name: { kind: "Name", value: "hasPreviousPage" } },
          { kind: "Field", name: { kind: "Name", value: "startCursor" } },
          { kind: "Field", name: { kind: "Name", value: "endCursor" } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<MessagesQuery, MessagesQueryVariables>;
export const MessageDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "query",
      name: { kind: "Name", value: "Message" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "id" } },
          type: { kind: "NonNullType", type: { kind: "NamedType", name: { kind: "Name", value: "ID" } } },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "message" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "id" },
                value: { kind: "Variable", name: { kind: "Name", value: "id" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "MessageFields" } }],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "MediaPreviewFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "MediaPreview" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "width" } },
          { kind: "Field", name: { kind: "Name", value: "height" } },
          { kind: "Field", name: { kind: "Name", value: "contentType" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrl" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrlExpiresAt" } },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "MediaFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "Media" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "category" } },
          { kind: "Field", name: { kind: "Name", value: "filename" } },
          { kind: "Field", name: { kind: "Name", value: "contentType" } },
          { kind: "Field", name: { kind: "Name", value: "size" } },
          { kind: "Field", name: { kind: "Name", value: "sha256" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrl" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrlExpiresAt" } },
          { kind: "Field", name: { kind: "Name", value: "width" } },
          { kind: "Field", name: { kind: "Name", value: "height" } },
          { kind: "Field", name: { kind: "Name", value: "placeholder" } },
          {
            kind: "Field",
            name: { kind: "Name", value: "preview" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "MediaPreviewFields" } }],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "MessageFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "Message" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "index" } },
          { kind: "Field", name: { kind: "Name", value: "author" } },
          { kind: "Field", name: { kind: "Name", value: "body" } },
          { kind: "Field", name: { kind: "Name", value: "attributes" } },
          { kind: "Field", name: { kind: "Name", value: "type" } },
          { kind: "Field", name: { kind: "Name", value: "createdAt" } },
          { kind: "Field", name: { kind: "Name", value: "updatedAt" } },
          {
            kind: "Field",
            name: { kind: "Name", value: "conversation" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "Field", name: { kind: "Name", value: "id" } }],
            },
          },
          {
            kind: "Field",
            name: { kind: "Name", value: "media" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "MediaFields" } }],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<MessageQuery, MessageQueryVariables>;
export const MessageMediaDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "query",
      name: { kind: "Name", value: "MessageMedia" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "id" } },
          type: { kind: "NonNullType", type: { kind: "NamedType", name: { kind: "Name", value: "ID" } } },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "previewMaxSize" } },
          type: { kind: "NamedType", name: { kind: "Name", value: "Int" } },
          defaultValue: { kind: "IntValue", value: "320" },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "sized" } },
          type: { kind: "NamedType", name: { kind: "Name", value: "Boolean" } },
          defaultValue: { kind: "BooleanValue", value: false },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "message" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "id" },
                value: { kind: "Variable", name: { kind: "Name", value: "id" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "Field", name: { kind: "Name", value: "id" } },
                {
                  kind: "Field",
                  name: { kind: "Name", value: "media" },
                  selectionSet: {
                    kind: "SelectionSet",
                    selections: [
                      { kind: "FragmentSpread", name: { kind: "Name", value: "MediaFields" } },
                      {
                        kind: "Field",
                        alias: { kind: "Name", value: "sizedPreview" },
                        name: { kind: "Name", value: "preview" },
                        arguments: [
                          {
                            kind: "Argument",
                            name: { kind: "Name", value: "maxSize" },
                            value: { kind: "Variable", name: { kind: "Name", value: "previewMaxSize" } },
                          },
                        ],
                        directives: [
                          {
                            kind: "Directive",
                            name: { kind: "Name", value: "include" },
                            arguments: [
                              {
                                kind: "Argument",
                                name: { kind: "Name", value: "if" },
                                value: { kind: "Variable", name: { kind: "Name", value: "sized" } },
                              },
                            ],
                          },
                        ],
                        selectionSet: {
                          kind: "SelectionSet",
                          selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "MediaPreviewFields" } }],
                        },
                      },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "MediaPreviewFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "MediaPreview" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "width" } },
          { kind: "Field", name: { kind: "Name", value: "height" } },
          { kind: "Field", name: { kind: "Name", value: "contentType" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrl" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrlExpiresAt" } },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "MediaFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "Media" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "category" } },
          { kind: "Field", name: { kind: "Name", value: "filename" } },
          { kind: "Field", name: { kind: "Name", value: "contentType" } },
          { kind: "Field", name: { kind: "Name", value: "size" } },
          { kind: "Field", name: { kind: "Name", value: "sha256" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrl" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrlExpiresAt" } },
          { kind: "Field", name: { kind: "Name", value: "width" } },
          { kind: "Field", name: { kind: "Name", value: "height" } },
          { kind: "Field", name: { kind: "Name", value: "placeholder" } },
          {
            kind: "Field",
            name: { kind: "Name", value: "preview" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "MediaPreviewFields" } }],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<MessageMediaQuery, MessageMediaQueryVariables>;
export const MediaByIdsDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "query",
      name: { kind: "Name", value: "MediaByIds" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "ids" } },
          type: {
            kind: "NonNullType",
            type: {
              kind: "ListType",
              type: { kind: "NonNullType", type: { kind: "NamedType", name: { kind: "Name", value: "ID" } } },
            },
          },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "mediaByIds" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "ids" },
                value: { kind: "Variable", name: { kind: "Name", value: "ids" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "MediaFields" } }],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "MediaPreviewFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "MediaPreview" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "width" } },
          { kind: "Field", name: { kind: "Name", value: "height" } },
          { kind: "Field", name: { kind: "Name", value: "contentType" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrl" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrlExpiresAt" } },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "MediaFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "Media" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "category" } },
          { kind: "Field", name: { kind: "Name", value: "filename" } },
          { kind: "Field", name: { kind: "Name", value: "contentType" } },
          { kind: "Field", name: { kind: "Name", value: "size" } },
          { kind: "Field", name: { kind: "Name", value: "sha256" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrl" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrlExpiresAt" } },
          { kind: "Field", name: { kind: "Name", value: "width" } },
          { kind: "Field", name: { kind: "Name", value: "height" } },
          { kind: "Field", name: { kind: "Name", value: "placeholder" } },
          {
            kind: "Field",
            name: { kind: "Name", value: "preview" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "MediaPreviewFields" } }],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<MediaByIdsQuery, MediaByIdsQueryVariables>;
export const SendMessageDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "mutation",
      name: { kind: "Name", value: "SendMessage" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "input" } },
          type: { kind: "NonNullType", type: { kind: "NamedType", name: { kind: "Name", value: "SendMessageInput" } } },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "sendMessage" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "input" },
                value: { kind: "Variable", name: { kind: "Name", value: "input" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "MessageFields" } }],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "MediaPreviewFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "MediaPreview" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "width" } },
          { kind: "Field", name: { kind: "Name", value: "height" } },
          { kind: "Field", name: { kind: "Name", value: "contentType" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrl" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrlExpiresAt" } },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "MediaFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "Media" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "category" } },
          { kind: "Field", name: { kind: "Name", value: "filename" } },
          { kind: "Field", name: { kind: "Name", value: "contentType" } },
          { kind: "Field", name: { kind: "Name", value: "size" } },
          { kind: "Field", name: { kind: "Name", value: "sha256" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrl" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrlExpiresAt" } },
          { kind: "Field", name: { kind: "Name", value: "width" } },
          { kind: "Field", name: { kind: "Name", value: "height" } },
          { kind: "Field", name: { kind: "Name", value: "placeholder" } },
          {
            kind: "Field",
            name: { kind: "Name", value: "preview" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "MediaPreviewFields" } }],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "MessageFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "Message" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "index" } },
          { kind: "Field", name: { kind: "Name", value: "author" } },
          { kind: "Field", name: { kind: "Name", value: "body" } },
          { kind: "Field", name: { kind: "Name", value: "attributes" } },
          { kind: "Field", name: { kind: "Name", value: "type" } },
          { kind: "Field", name: { kind: "Name", value: "createdAt" } },
          { kind: "Field", name: { kind: "Name", value: "updatedAt" } },
          {
            kind: "Field",
            name: { kind: "Name", value: "conversation" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "Field", name: { kind: "Name", value: "id" } }],
            },
          },
          {
            kind: "Field",
            name: { kind: "Name", value: "media" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "MediaFields" } }],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<SendMessageMutation, SendMessageMutationVariables>;
export const SendMediaMessageDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "mutation",
      name: { kind: "Name", value: "SendMediaMessage" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "input" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "SendMediaMessageInput" } },
          },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "sendMediaMessage" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "input" },
                value: { kind: "Variable", name: { kind: "Name", value: "input" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "MessageFields" } }],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "MediaPreviewFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "MediaPreview" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "width" } },
          { kind: "Field", name: { kind: "Name", value: "height" } },
          { kind: "Field", name: { kind: "Name", value: "contentType" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrl" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrlExpiresAt" } },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "MediaFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "Media" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "category" } },
          { kind: "Field", name: { kind: "Name", value: "filename" } },
          { kind: "Field", name: { kind: "Name", value: "contentType" } },
          { kind: "Field", name: { kind: "Name", value: "size" } },
          { kind: "Field", name: { kind: "Name", value: "sha256" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrl" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrlExpiresAt" } },
          { kind: "Field", name: { kind: "Name", value: "width" } },
          { kind: "Field", name: { kind: "Name", value: "height" } },
          { kind: "Field", name: { kind: "Name", value: "placeholder" } },
          {
            kind: "Field",
            name: { kind: "Name", value: "preview" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "MediaPreviewFields" } }],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "MessageFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "Message" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "index" } },
          { kind: "Field", name: { kind: "Name", value: "author" } },
          { kind: "Field", name: { kind: "Name", value: "body" } },
          { kind: "Field", name: { kind: "Name", value: "attributes" } },
          { kind: "Field", name: { kind: "Name", value: "type" } },
          { kind: "Field", name: { kind: "Name", value: "createdAt" } },
          { kind: "Field", name: { kind: "Name", value: "updatedAt" } },
          {
            kind: "Field",
            name: { kind: "Name", value: "conversation" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "Field", name: { kind: "Name", value: "id" } }],
            },
          },
          {
            kind: "Field",
            name: { kind: "Name", value: "media" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "MediaFields" } }],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<SendMediaMessageMutation, SendMediaMessageMutationVariables>;
export const UpdateMessageDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "mutation",
      name: { kind: "Name", value: "UpdateMessage" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "input" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "UpdateMessageInput" } },
          },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "updateMessage" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "input" },
                value: { kind: "Variable", name: { kind: "Name", value: "input" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "MessageFields" } }],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "MediaPreviewFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "MediaPreview" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "width" } },
          { kind: "Field", name: { kind: "Name", value: "height" } },
          { kind: "Field", name: { kind: "Name", value: "contentType" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrl" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrlExpiresAt" } },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "MediaFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "Media" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "category" } },
          { kind: "Field", name: { kind: "Name", value: "filename" } },
          { kind: "Field", name: { kind: "Name", value: "contentType" } },
          { kind: "Field", name: { kind: "Name", value: "size" } },
          { kind: "Field", name: { kind: "Name", value: "sha256" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrl" } },
          { kind: "Field", name: { kind: "Name", value: "temporaryUrlExpiresAt" } },
          { kind: "Field", name: { kind: "Name", value: "width" } },
          { kind: "Field", name: { kind: "Name", value: "height" } },
          { kind: "Field", name: { kind: "Name", value: "placeholder" } },
          {
            kind: "Field",
            name: { kind: "Name", value: "preview" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "MediaPreviewFields" } }],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "MessageFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "Message" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "index" } },
          { kind: "Field", name: { kind: "Name", value: "author" } },
          { kind: "Field", name: { kind: "Name", value: "body" } },
          { kind: "Field", name: { kind: "Name", value: "attributes" } },
          { kind: "Field", name: { kind: "Name", value: "type" } },
          { kind: "Field", name: { kind: "Name", value: "createdAt" } },
          { kind: "Field", name: { kind: "Name", value: "updatedAt" } },
          {
            kind: "Field",
            name: { kind: "Name", value: "conversation" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "Field", name: { kind: "Name", value: "id" } }],
            },
          },
          {
            kind: "Field",
            name: { kind: "Name", value: "media" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "MediaFields" } }],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<UpdateMessageMutation, UpdateMessageMutationVariables>;
export const RemoveMessageDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "mutation",
      name: { kind: "Name", value: "RemoveMessage" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "id" } },
          type: { kind: "NonNullType", type: { kind: "NamedType", name: { kind: "Name", value: "ID" } } },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "removeMessage" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "id" },
                value: { kind: "Variable", name: { kind: "Name", value: "id" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "RemovedMessageFields" } }],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "RemovedMessageFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "RemovedMessage" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "index" } },
          { kind: "Field", name: { kind: "Name", value: "conversationId" } },
          { kind: "Field", name: { kind: "Name", value: "removedAt" } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<RemoveMessageMutation, RemoveMessageMutationVariables>;
export const CreateMediaUploadDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "mutation",
      name: { kind: "Name", value: "CreateMediaUpload" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "input" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "CreateMediaUploadInput" } },
          },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "createMediaUpload" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "input" },
                value: { kind: "Variable", name: { kind: "Name", value: "input" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "MediaUploadFields" } }],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "MediaUploadFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "MediaUpload" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "conversationId" } },
          { kind: "Field", name: { kind: "Name", value: "size" } },
          { kind: "Field", name: { kind: "Name", value: "partSize" } },
          { kind: "Field", name: { kind: "Name", value: "expiresAt" } },
          {
            kind: "Field",
            name: { kind: "Name", value: "parts" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "Field", name: { kind: "Name", value: "number" } },
                { kind: "Field", name: { kind: "Name", value: "size" } },
                { kind: "Field", name: { kind: "Name", value: "url" } },
                { kind: "Field", name: { kind: "Name", value: "uploaded" } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<CreateMediaUploadMutation, CreateMediaUploadMutationVariables>;
export const MediaUploadDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "query",
      name: { kind: "Name", value: "MediaUpload" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "id" } },
          type: { kind: "NonNullType", type: { kind: "NamedType", name: { kind: "Name", value: "ID" } } },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "mediaUpload" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "id" },
                value: { kind: "Variable", name: { kind: "Name", value: "id" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "FragmentSpread", name: { kind: "Name", value: "MediaUploadFields" } }],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "MediaUploadFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "MediaUpload" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "conversationId" } },
          { kind: "Field", name: { kind: "Name", value: "size" } },
          { kind: "Field", name: { kind: "Name", value: "partSize" } },
          { kind: "Field", name: { kind: "Name", value: "expiresAt" } },
          {
            kind: "Field",
            name: { kind: "Name", value: "parts" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "Field", name: { kind: "Name", value: "number" } },
                { kind: "Field", name: { kind: "Name", value: "size" } },
                { kind: "Field", name: { kind: "Name", value: "url" } },
                { kind: "Field", name: { kind: "Name", value: "uploaded" } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<MediaUploadQuery, MediaUploadQueryVariables>;
export const AbortMediaUploadDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "mutation",
      name: { kind: "Name", value: "AbortMediaUpload" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "id" } },
          type: { kind: "NonNullType", type: { kind: "NamedType", name: { kind: "Name", value: "ID" } } },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "abortMediaUpload" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "id" },
                value: { kind: "Variable", name: { kind: "Name", value: "id" } },
              },
            ],
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<AbortMediaUploadMutation, AbortMediaUploadMutationVariables>;
export const ViewerDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "query",
      name: { kind: "Name", value: "Viewer" },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "viewer" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [{ kind: "Field", name: { kind: "Name", value: "identity" } }],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<ViewerQuery, ViewerQueryVariables>;
