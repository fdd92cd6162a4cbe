import type { ConversationLimits } from "@parley/client";
import { codePointLength, formatBytes } from "./format.ts";

/** A problem with the draft that the API would refuse; `file` is the index of the file at fault. */
export interface DraftProblem {
  message: string;
  file?: number;
}

export interface DraftFile {
  name: string;
  size: number;
}

/**
 * The same checks the API makes (count, per-file size, total size, body length), done before any
 * byte is sent so the person can fix the draft right away.
 */
export function checkDraft(limits: ConversationLimits, body: string, files: readonly DraftFile[]): DraftProblem[] {
  const problems: DraftProblem[] = [];
  const length = codePointLength(body);
  if (length > limits.bodyMaxLength) {
    problems.push({
      message: `The message is ${length.toLocaleString()} characters long; this conversation allows ${limits.bodyMaxLength.toLocaleString()}. Shorten it by ${(length - limits.bodyMaxLength).toLocaleString()}.`,
    });
  }
  if (files.length > limits.mediaAttachmentsCountLimit) {
    problems.push({
      message: `${files.length} files are attached; this conversation allows ${limits.mediaAttachmentsCountLimit} per message. Remove ${files.length - limits.mediaAttachmentsCountLimit}.`,
    });
  }
  let total = 0;
  files.forEach((file, index) => {
    total += file.size;
    if (file.size > limits.mediaAttachmentSizeLimitInBytes) {
      problems.push({
        file: index,
        message: `${file.name} is ${formatBytes(file.size)}; this conversation allows ${formatBytes(limits.mediaAttachmentSizeLimitInBytes)} per file.`,
      });
    }
  });
  const alreadySaid = files.length === 1 && problems.some((p) => p.file === 0);
  if (total > limits.mediaAttachmentsTotalSizeLimitInBytes && !alreadySaid) {
    problems.push({
      message: `The files add up to ${formatBytes(total)}; this conversation allows ${formatBytes(limits.mediaAttachmentsTotalSizeLimitInBytes)} per message.`,
    });
  }
  return problems;
}

export interface LengthCounter {
  length: number;
  max: number;
  /** Shown once the draft is within 10% (at least 100 characters) of the limit. */
  visible: boolean;
  over: boolean;
}

export function lengthCounter(limits: Pick<ConversationLimits, "bodyMaxLength">, body: string): LengthCounter {
  const max = limits.bodyMaxLength;
  // Cheap upper bound first: UTF-16 length is never below the code point count.
  const threshold = max - Math.max(100, Math.floor(max / 10));
  if (body.length < threshold) return { length: body.length, max, visible: false, over: false };
  const length = codePointLength(body);
  return { length, max, visible: length >= threshold, over: length > max };
}
