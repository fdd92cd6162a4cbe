/**
 * The contract's error codes: every GraphQL error's extensions.code is one of these (docs/design.md, "Errors").
 * RATE_LIMITED errors also carry extensions.retryAfterSeconds (and the HTTP answer a Retry-After header).
 */
export const ErrorCode = {
  BAD_USER_INPUT: "BAD_USER_INPUT",
  /** not a participant, or not the author */
  FORBIDDEN: "FORBIDDEN",
  INTERNAL_SERVER_ERROR: "INTERNAL_SERVER_ERROR",
  NOT_FOUND: "NOT_FOUND",
  /** more files or bytes than the conversation's limits */
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  /** too many messages or upload bytes this minute; retry after extensions.retryAfterSeconds */
  RATE_LIMITED: "RATE_LIMITED",
  /** object storage or the database cannot be reached right now; retry */
  STORAGE_UNAVAILABLE: "STORAGE_UNAVAILABLE",
  /** no, invalid or expired token */
  UNAUTHENTICATED: "UNAUTHENTICATED",
  UNSUPPORTED_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
export const MediaCategory = {
  MEDIA: "MEDIA",
} as const;

export type MediaCategory = (typeof MediaCategory)[keyof typeof MediaCategory];
export const MessageType = {
  MEDIA: "MEDIA",
  TEXT: "TEXT",
} as const;

export type MessageType = (typeof MessageType)[keyof typeof MessageType];
export const MessageUpdateReason = {
  ATTRIBUTES: "ATTRIBUTES",
  BODY: "BODY",
  /** a preview or placeholder of the message's media became ready */
  MEDIA: "MEDIA",
} as const;

export type MessageUpdateReason = (typeof MessageUpdateReason)[keyof typeof MessageUpdateReason];
