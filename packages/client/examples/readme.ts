// The README's snippets, runnable: each `#region` below is copied verbatim into README.md
// (test/readme.test.ts checks that they match and runs every function against a real server).
// #region imports
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import {
  createClient,
  isParleyError,
  ParleyError,
  ViewerDocument,
  type Message,
  type ParleyClient,
  type UploadProgress,
} from "@parley/client";
import { mediaFromPath, WebSocket } from "@parley/client/node"; // Node-only helpers; browsers import "@parley/client" alone
// #endregion

export function authenticate(PARLEY_URL: string, fetchTokenFromYourBackend: () => Promise<string>): ParleyClient {
  // #region authenticate
  const client = createClient({
    url: PARLEY_URL, // e.g. "https://parley.example.com/graphql"
    // Called on first use, and again whenever the server answers UNAUTHENTICATED (expired token).
    getToken: () => fetchTokenFromYourBackend(),
    webSocketImpl: WebSocket, // for live events on Node.js 20 only: browsers and Node.js ≥ 22 have their own
  });
  // #endregion
  return client;
}

export async function sendText(client: ParleyClient) {
  // #region send-text
  const conversation = await client.createConversation({ friendlyName: "Support #1042", participants: ["agent-7"] });
  const message = await client.conversation(conversation.id).sendMessage("Hello! How can we help?", { channel: "web" });
  console.log(`#${message.index} by ${message.author}: ${message.body}`);
  // #endregion
  return { conversation, message };
}

export async function sendThreeFiles(client: ParleyClient, conversationId: string, paths: [string, string, string]) {
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);
  // #region send-files
  const [photo, report, clip] = paths;
  const unsent = await client
    .conversation(conversationId)
    .prepareMessage()
    .setBody("This week's photos and report")
    .addMedia(await mediaFromPath(photo)) // Node: streamed from disk, never read into memory
    .addMedia(await mediaFromPath(report, { filename: "report-final.pdf" }))
    .addMedia({ media: await readFile(clip), filename: "clip.bin" }) // a Buffer; in browsers: a File from <input type="file">
    .build(); // synchronous; count and sizes are checked against the conversation's limits before any byte is sent

  const bar = (p: UploadProgress) => {
    const percent = p.total ? Math.floor((100 * p.loaded) / p.total) : 0;
    const files = p.files.map((f) => `${f.filename}: ${f.loaded}/${f.total ?? "?"}`).join(", ");
    log(`[${"#".repeat(percent / 5).padEnd(20)}] ${percent}% (${files})`);
  };
  const message = await unsent.send({ onProgress: bar }); // one multipart request (files of 8 MiB and up: see below)
  log(`sent message #${message.index} with ${message.media.length} files`);
  // #endregion
  return { message, lines };
}

export async function listAndDownload(client: ParleyClient, conversationId: string) {
  const downloaded: { filename: string | null; bytes: number; verified: boolean }[] = [];
  // #region download-media
  let page = await client.conversation(conversationId).getMessages({ pageSize: 50 }); // newest 50, oldest first
  for (;;) {
    for (const message of page.items) {
      // One request refreshes every URL that has expired or expires within 30 s; none otherwise.
      const urls = await message.getTemporaryContentUrlsForAttachedMedia();
      for (const media of message.media) {
        const response = await fetch(urls.get(media.id)!); // a plain GET: no token needed
        const bytes = new Uint8Array(await response.arrayBuffer());
        const digest = createHash("sha256").update(bytes).digest("hex");
        downloaded.push({ filename: media.filename, bytes: bytes.length, verified: digest === media.sha256 });
      }
    }
    if (!page.hasPrevPage) break;
    page = await page.prevPage(); // older messages
  }
  // #endregion
  return downloaded;
}

export async function sendLargeFile(
  client: ParleyClient,
  conversationId: string,
  path: string,
  saved: Map<string, string>, // stands for localStorage, a file, a database row
) {
  // #region resumable-upload
  const video = await mediaFromPath(path); // 8 MiB and up: a resumable upload session, parts straight into storage
  const message = await client
    .conversation(conversationId)
    .prepareMessage()
    .addMedia({ ...video, uploadId: saved.get(path) }) // continues an upload saved before a restart, if any
    .build()
    .send({
      resumable: { parallelParts: 4, retries: 8 }, // the defaults: 4 parts at once, a failed part retried with backoff
      onUploadStarted: ({ uploadId }) => saved.set(path, uploadId), // save it: a restart resumes from here
    });
  saved.delete(path); // sent: the upload is used up
  // #endregion
  return message;
}

export async function handleErrors(client: ParleyClient, conversationId: string, bigFile: Uint8Array<ArrayBuffer>) {
  const outcomes: string[] = [];
  const show = (text: string) => outcomes.push(text);
  // #region handle-errors
  const conversation = client.conversation(conversationId);
  try {
    await conversation.prepareMessage().addMedia({ media: bigFile, filename: "huge.bin" }).build();
  } catch (error) {
    if (isParleyError(error, "PAYLOAD_TOO_LARGE")) show(`Too large, nothing was sent: ${error.message}`);
    else throw error;
  }

  const cancel = new AbortController(); // e.g. wired to a "Cancel" button
  const upload = await conversation
    .prepareMessage()
    .addMedia({ media: bigFile.subarray(0, 8 << 20) })
    .build();
  try {
    await upload.send({ signal: cancel.signal, onProgress: (p) => p.loaded > 1 << 20 && cancel.abort() });
  } catch (error) {
    if (error instanceof Error && error.name === "AbortError") show("Upload cancelled; no message was created.");
    else throw error;
  }

  try {
    await client.getConversation("00000000-0000-7000-8000-000000000000");
  } catch (error) {
    if (error instanceof ParleyError) show(`${error.code} (HTTP ${error.status}): ${error.message}`);
    // error.code is one of UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, BAD_USER_INPUT, PAYLOAD_TOO_LARGE,
    // UNSUPPORTED_MEDIA_TYPE, STORAGE_UNAVAILABLE, RATE_LIMITED, INTERNAL_SERVER_ERROR, NETWORK_ERROR
  }
  // #endregion
  return outcomes;
}

export async function typedRequest(client: ParleyClient) {
  // #region typed-request
  const { viewer } = await client.request(ViewerDocument); // viewer: { identity: string }
  // #endregion
  return viewer;
}

/** What a thread view does with live events (the README test records the calls). */
export interface ThreadView {
  render(message: Message): void;
  replace(message: Message, reasons: string[]): void;
  drop(messageId: string): void;
  show(text: string): void;
  setBanner(text: string): void;
}

export async function liveEvents(client: ParleyClient, conversationId: string, view: ThreadView) {
  const { render, replace, drop, show, setBanner } = view;
  // #region live-events
  const conversation = client.conversation(conversationId);
  client.on("connectionStateChanged", (state) => setBanner(state === "connected" ? "" : `Live updates: ${state}…`));
  const page = await conversation.getMessages({ pageSize: 30 }); // the newest 30, oldest first
  page.items.forEach(render);
  const stops = [
    // Every message after the last one rendered, in index order, each once, even across reconnects.
    conversation.on("messageAdded", render, { after: page.items.at(-1)?.index ?? -1 }),
    conversation.on("messageUpdated", ({ message, reasons }) => replace(message, reasons)), // reasons: BODY, ATTRIBUTES, MEDIA
    conversation.on("messageRemoved", (removed) => drop(removed.id)),
    // The events stopped for good, e.g. FORBIDDEN once the viewer is removed from the conversation.
    conversation.on("error", (error) => show(`Live updates stopped: ${error.code}`)),
  ];
  const leaveThread = () => stops.forEach((stop) => stop()); // the socket closes when no handler is left
  // #endregion
  return leaveThread;
}

export async function editAndDelete(client: ParleyClient, conversationId: string) {
  // #region edit-delete
  const conversation = client.conversation(conversationId);
  const message = await conversation.sendMessage("Meeting at 10:00");
  const edited = await message.updateBody("Meeting at 11:00"); // the message as updated (a new object)
  const pinned = await edited.updateAttributes({ pinned: true });
  const removed = await pinned.remove(); // its media are deleted from storage: their URLs stop working
  console.log(`removed #${removed.index} at ${removed.removedAt.toISOString()}`);
  // #endregion
  return { edited, pinned, removed };
}

export async function readState(client: ParleyClient, conversationId: string, lastShown: Message) {
  // #region read-state
  const conversation = client.conversation(conversationId);
  const before = await conversation.getUnreadMessagesCount(); // from others, after the read horizon; null before one
  await conversation.advanceLastReadMessageIndex(lastShown.index); // the user has seen up to here (never moves back)
  const after = await conversation.getUnreadMessagesCount();
  // In lists: (await client.getConversations()).items[0].unreadMessagesCount
  // #endregion
  return { before, after };
}

export async function twilioSend(client: ParleyClient, conversationId: string, logo: Blob, report: Blob) {
  // #region twilio-send
  const conversation = await client.getConversation(conversationId); // Twilio: client.getConversationBySid(sid)
  await conversation.sendMessage("hello world");

  const sendMediaOptions = { contentType: "image/png", filename: "logo.png", media: logo };
  const message = await conversation
    .prepareMessage()
    .setBody("Hello!")
    .setAttributes({ foo: "bar" })
    .addMedia(sendMediaOptions)
    .addMedia({ filename: "report.pdf", media: report }) // Twilio's FormData: pass its File instead
    .build()
    .send();
  await conversation.prepareMessage().setBody("In one call").buildAndSend();

  // Limits in bytes (Twilio: ...InMb): 150 MiB = 157286400 bytes by default.
  const { mediaAttachmentsCountLimit, mediaAttachmentsTotalSizeLimitInBytes } = conversation.limits;
  // #endregion
  return { conversation, message, mediaAttachmentsCountLimit, mediaAttachmentsTotalSizeLimitInBytes };
}

export async function twilioMedia(client: ParleyClient, message: Message) {
  // #region twilio-media
  const hasMedia = message.type === "MEDIA"; // Twilio: message.type === "media"
  // Media id → a URL good for at least 30 s more, fetched without any header.
  const urls = await message.getTemporaryContentUrlsForAttachedMedia();
  const media = message.getMediaByCategories(["media"]); // the only category, as in Twilio
  const some = await message.getTemporaryContentUrlsForMedia(media.slice(0, 1));
  const first = await message.attachedMedia[0]!.getContentTemporaryUrl();
  const acrossMessages = await client.getTemporaryContentUrlsForMedia(message.attachedMedia); // one request per 100
  const byIds = await client.getTemporaryContentUrlsForMediaIds([media[0]!.id]); // Twilio: ...ForMediaSids(sids)
  // #endregion
  return { hasMedia, urls, media, some, first, acrossMessages, byIds };
}

export async function twilioEvents(
  client: ParleyClient,
  conversationId: string,
  log: (line: string) => void,
): Promise<() => void> {
  // #region twilio-events
  const conversation = client.conversation(conversationId);
  const onAdded = (message: Message) => log(`added #${message.index} in ${message.conversationId}`);
  await client.on("messageAdded", onAdded).ready; // every conversation of the user; ready: nothing after it is missed
  conversation.on("messageUpdated", ({ message, reasons }) => log(`updated #${message.index}: ${reasons.join()}`)); // Twilio: updateReasons
  conversation.on("messageRemoved", (removed) => log(`removed #${removed.index}`)); // not a Message: it is gone
  const stop = () => client.off("messageAdded", onAdded); // Twilio: off / removeListener
  // #endregion
  return stop;
}

export async function twilioReadHorizon(client: ParleyClient, conversationId: string, lastSeen: Message) {
  // #region twilio-read
  const conversation = client.conversation(conversationId);
  const before = await conversation.getUnreadMessagesCount(); // null before any horizon, as in Twilio
  await conversation.advanceLastReadMessageIndex(lastSeen.index); // forward only
  const after = await conversation.getUnreadMessagesCount();
  const none = await conversation.setAllMessagesRead(); // resolves to the unread count: 0
  await conversation.setLastReadMessageIndex(null); // Twilio's setAllMessagesUnread()
  // #endregion
  return { before, after, none };
}
