import { mediaKind } from "./media-layout.ts";
import { formatDay } from "./message-groups.ts";

export interface PreviewMessage {
  readonly author: string;
  readonly body: string | null;
  readonly createdAt: Date;
  readonly media: readonly { readonly contentType: string; readonly filename: string | null }[];
}

/** "You: see you at 8", "bob: 3 photos", "ann: report.pdf": one line for the conversation list. */
export function previewText(message: PreviewMessage, viewer: string): string {
  const who = message.author === viewer ? "You" : message.author;
  const body = message.body?.replace(/\s+/g, " ").trim();
  if (body) return `${who}: ${body}`;
  const media = message.media;
  const photos = media.filter((m) => mediaKind(m.contentType) === "image").length;
  let what: string;
  if (media.length === 0) what = "(empty)";
  else if (photos === media.length) what = photos === 1 ? "Photo" : `${photos} photos`;
  else if (media.length === 1) {
    const kind = mediaKind(media[0]!.contentType);
    what = kind === "audio" ? "Audio" : kind === "video" ? "Video" : (media[0]!.filename ?? "File");
  } else what = `${media.length} attachments`;
  return `${who}: ${what}`;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });

/** The list's time: 10:42 today, then "Yesterday", a weekday, a date. */
export function listTime(date: Date, now: Date = new Date()): string {
  const day = formatDay(date, now);
  return day === "Today" ? timeFormat.format(date) : day;
}

/** "(3) Parley" while 3 messages are unread, "Parley" otherwise. */
export function documentTitle(unread: number): string {
  return unread > 0 ? `(${unread > 99 ? "99+" : unread}) Parley` : "Parley";
}
