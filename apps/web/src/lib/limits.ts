import { limitProblems, type ConversationLimits } from "@parley/client";
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
 * The SDK's limitProblems() (the same checks the message builder and the API make: count,
 * per-file size, total size, body length in code points), worded for the composer, done before
 * any byte is sent so the person can fix the draft right away.
 */
export function checkDraft(limits: ConversationLimits, body: string, files: readonly DraftFile[]): DraftProblem[] {
  const problems: DraftProblem[] = [];
  const found = limitProblems(limits, { body, files: files.map((f) => ({ size: f.size, filename: f.name })) });
  for (const p of found) {
    switch (p.limit) {
      case "bodyMaxLength":
        problems.push({
          message: `The message is ${p.actual.toLocaleString()} characters long; this conversation allows ${p.max.toLocaleString()}. Shorten it by ${(p.actual - p.max).toLocaleString()}.`,
        });
        break;
      case "mediaAttachmentsCountLimit":
        problems.push({
          message: `${p.actual} files are attached; this conversation allows ${p.max} per message. Remove ${p.actual - p.max}.`,
        });
        break;
      case "mediaAttachmentSizeLimitInBytes":
        problems.push({
          file: p.file!,
          message: `${files[p.file!]!.name} is ${formatBytes(p.actual)}; this conversation allows ${formatBytes(p.max)} per file.`,
        });
        break;
      case "mediaAttachmentsTotalSizeLimitInBytes":
        // One file over both limits is said once, by file.
        if (!(files.length === 1 && problems.some((q) => q.file === 0)))
          problems.push({
            message: `The files add up to ${formatBytes(p.actual)}; this conversation allows ${formatBytes(p.max)} per message.`,
          });
        break;
      default:
        // notEmpty and attributes: the composer's send button already covers an empty draft.
        break;
    }
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
