import type { LimitsFieldsFragment } from "./generated/graphql.ts";

/** A conversation's limits, as `conversation.limits` and `getLimits()` give them. */
export type ConversationLimits = LimitsFieldsFragment;

/** The contract's cap on `attributes`: UTF-8 bytes of its JSON (the same for every conversation). */
export const ATTRIBUTES_MAX_BYTES = 16 * 1024;

/** What a message would send, as far as the limits care. */
export interface MessageDraft {
  body?: string | null;
  attributes?: Record<string, unknown> | null;
  /** Attachments in order; `size` null for a stream of unknown length (checked while streaming). */
  files?: readonly { size: number | null; filename?: string | null }[];
}

/** One limit a draft breaks: what was measured, against which limit, and the code the API would answer. */
export interface LimitProblem {
  limit:
    | "notEmpty"
    | "attributes"
    | "attributesMaxBytes"
    | "bodyMaxLength"
    | "mediaAttachmentsCountLimit"
    | "mediaAttachmentSizeLimitInBytes"
    | "mediaAttachmentsTotalSizeLimitInBytes";
  code: "BAD_USER_INPUT" | "PAYLOAD_TOO_LARGE";
  /** The measured value (code points, bytes, files); 0 for `notEmpty` and `attributes`. */
  actual: number;
  /** The limit it breaks; 0 for `notEmpty` and `attributes`. */
  max: number;
  /** Index of the attachment at fault (per-file size). */
  file?: number;
  /** For a person, e.g. "media #2 (clip.mov) is 200000000 bytes; this conversation allows …". */
  message: string;
}

/** Lengths count Unicode code points, as the API does (an emoji is one character). */
export function codePointLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/**
 * Every rule the API applies to a message's size, checked locally so a draft can be fixed before
 * any byte is sent: something to send, attributes a JSON object of at most 16 KiB, the body's
 * length in code points, the number of attachments and their sizes. Without `limits` (not loaded
 * yet) only the rules that do not depend on the conversation are checked. Used by the message
 * builder and by the web app; the server checks the same again.
 */
export function limitProblems(limits: ConversationLimits | null, draft: MessageDraft): LimitProblem[] {
  const problems: LimitProblem[] = [];
  const body = draft.body === "" ? null : (draft.body ?? null);
  const files = draft.files ?? [];
  if (body === null && files.length === 0) {
    problems.push({
      limit: "notEmpty",
      code: "BAD_USER_INPUT",
      actual: 0,
      max: 0,
      message: "A message needs a body or at least one media attachment.",
    });
  }
  const attributes = draft.attributes;
  if (attributes != null) {
    if (typeof attributes !== "object" || Array.isArray(attributes)) {
      problems.push({
        limit: "attributes",
        code: "BAD_USER_INPUT",
        actual: 0,
        max: 0,
        message: "attributes must be a JSON object.",
      });
    } else {
      const bytes = new TextEncoder().encode(JSON.stringify(attributes)).byteLength;
      if (bytes > ATTRIBUTES_MAX_BYTES) {
        problems.push({
          limit: "attributesMaxBytes",
          code: "BAD_USER_INPUT",
          actual: bytes,
          max: ATTRIBUTES_MAX_BYTES,
          message: `attributes are ${bytes} bytes of JSON; the limit is ${ATTRIBUTES_MAX_BYTES}.`,
        });
      }
    }
  }
  if (!limits) return problems;
  if (body !== null) {
    // Cheap first: UTF-16 length is never below the code point count.
    const length = body.length > limits.bodyMaxLength ? codePointLength(body) : body.length;
    if (length > limits.bodyMaxLength) {
      problems.push({
        limit: "bodyMaxLength",
        code: "BAD_USER_INPUT",
        actual: length,
        max: limits.bodyMaxLength,
        message: `The body has ${length} characters; this conversation allows ${limits.bodyMaxLength}.`,
      });
    }
  }
  if (files.length > limits.mediaAttachmentsCountLimit) {
    problems.push({
      limit: "mediaAttachmentsCountLimit",
      code: "PAYLOAD_TOO_LARGE",
      actual: files.length,
      max: limits.mediaAttachmentsCountLimit,
      message: `The message has ${files.length} attachments; this conversation allows ${limits.mediaAttachmentsCountLimit}.`,
    });
  }
  let total = 0;
  files.forEach((f, i) => {
    if (f.size === null) return;
    total += f.size;
    if (f.size > limits.mediaAttachmentSizeLimitInBytes) {
      problems.push({
        limit: "mediaAttachmentSizeLimitInBytes",
        code: "PAYLOAD_TOO_LARGE",
        actual: f.size,
        max: limits.mediaAttachmentSizeLimitInBytes,
        file: i,
        message: `media #${i + 1}${f.filename ? ` (${f.filename})` : ""} is ${f.size} bytes; this conversation allows ${limits.mediaAttachmentSizeLimitInBytes} per file.`,
      });
    }
  });
  if (total > limits.mediaAttachmentsTotalSizeLimitInBytes) {
    problems.push({
      limit: "mediaAttachmentsTotalSizeLimitInBytes",
      code: "PAYLOAD_TOO_LARGE",
      actual: total,
      max: limits.mediaAttachmentsTotalSizeLimitInBytes,
      message: `The attachments add up to ${total} bytes; this conversation allows ${limits.mediaAttachmentsTotalSizeLimitInBytes} in one message.`,
    });
  }
  return problems;
}
