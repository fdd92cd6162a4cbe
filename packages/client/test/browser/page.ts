// Runs inside Chromium: bundled by esbuild (platform "browser") with the SDK's main entry, so it
// exercises exactly what a web app ships: XMLHttpRequest uploads, Blob/File media, Web Crypto.
import {
  createClient,
  Message,
  type ConnectionState,
  type MessageUpdate,
  type RemovedMessage,
  type UploadProgress,
} from "../../src/index.ts";

function pseudoRandom(size: number, seed: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  let x = seed * 2654435761;
  for (let i = 0; i < size; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

async function hex(data: ArrayBuffer | Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", data);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A client whose fetch records the content type of every request it makes. */
function recordingClient(api: string, token: string) {
  const fetched: (string | null)[] = [];
  const client = createClient({
    url: api,
    token,
    fetch: (input, init) => {
      fetched.push(new Headers(init?.headers).get("content-type"));
      return fetch(input, init);
    },
  });
  return { client, fetched };
}

export async function uploadThree(api: string, token: string) {
  const { client, fetched } = recordingClient(api, token);
  const conversation = await client.createConversation({ friendlyName: "from chromium" });
  const a = pseudoRandom(3 << 20, 1);
  const b = pseudoRandom(1 << 20, 2);
  const c = pseudoRandom(200_000, 3);
  const events: UploadProgress[] = [];
  const unsent = await client
    .conversation(conversation.id)
    .prepareMessage()
    .setBody("from chromium")
    .addMedia(new File([a], "a.bin", { type: "application/octet-stream" }))
    .addMedia({ media: new Blob([b]), filename: "b.bin" })
    .addMedia({ media: c, filename: "c.bin" })
    .build();
  const message = await unsent.send({ onProgress: (p) => events.push(structuredClone(p)) });
  const urls = await message.getTemporaryContentUrlsForAttachedMedia();
  const downloads = [];
  for (const media of message.media) {
    const response = await fetch(urls.get(media.id)!);
    downloads.push({ status: response.status, sha256: await hex(await response.arrayBuffer()) });
  }
  return {
    conversationId: conversation.id,
    messageId: message.id,
    media: message.media.map((m) => ({ filename: m.filename, size: m.size, sha256: m.sha256 })),
    expected: [await hex(a), await hex(b), await hex(c)],
    events,
    fetched,
    downloads,
  };
}

export async function abortUpload(api: string, token: string) {
  const { client } = recordingClient(api, token);
  const conversation = await client.createConversation();
  const blob = new Blob([pseudoRandom(48 << 20, 4)]);
  const unsent = await client
    .conversation(conversation.id)
    .prepareMessage()
    .addMedia({ media: blob, filename: "big.bin" })
    .build();
  const controller = new AbortController();
  let abortedAt = -1;
  const error = await unsent
    .send({
      signal: controller.signal,
      onProgress: (p) => {
        if (abortedAt < 0 && p.loaded > 0) {
          abortedAt = p.loaded;
          controller.abort();
        }
      },
    })
    .then(
      () => null,
      (e: unknown) => e,
    );
  return {
    conversationId: conversation.id,
    errorName: error instanceof Error ? error.name : String(error),
    abortedAt,
    total: blob.size,
  };
}

/** Live events over the browser's own WebSocket (no webSocketImpl), from a page on another origin. */
export async function liveEvents(api: string, aliceToken: string, bobToken: string) {
  const alice = createClient({ url: api, token: aliceToken });
  const bob = createClient({ url: api, token: bobToken });
  const states: ConnectionState[] = [];
  bob.on("connectionStateChanged", (s) => states.push(s));
  const { id } = await alice.createConversation({ participants: ["bob"] });
  const first = await alice.conversation(id).sendMessage("before on()");
  const added: Message[] = [];
  const updates: MessageUpdate[] = [];
  const removals: RemovedMessage[] = [];
  const until = (check: () => boolean) =>
    new Promise<void>((resolve, reject) => {
      const deadline = Date.now() + 10_000;
      const poll = () =>
        check() ? resolve() : Date.now() > deadline ? reject(new Error("timed out")) : setTimeout(poll, 20);
      poll();
    });
  const conversation = bob.conversation(id);
  conversation.on("messageAdded", (m) => added.push(m), { after: -1 });
  conversation.on("messageUpdated", (u) => updates.push(u));
  conversation.on("messageRemoved", (r) => removals.push(r));
  await until(() => bob.connectionState === "connected");
  await new Promise((r) => setTimeout(r, 300));
  const sent = await Promise.all([1, 2, 3, 4].map((i) => alice.conversation(id).sendMessage(`live ${i}`)));
  await until(() => added.length === 5);
  await first.updateBody("edited in chromium");
  await sent[0]!.remove();
  await until(() => updates.length === 1 && removals.length === 1);
  await bob.close();
  await alice.close();
  return {
    added: added.map((m) => ({ index: m.index, isMessage: m instanceof Message })),
    update: { index: updates[0]!.message.index, body: updates[0]!.message.body, reasons: updates[0]!.reasons },
    removed: { index: removals[0]!.index, id: removals[0]!.id, removedAt: removals[0]!.removedAt instanceof Date },
    removedId: sent[0]!.id,
    removedIndex: sent[0]!.index,
    states,
  };
}

Object.assign(globalThis, { parleyTest: { uploadThree, abortUpload, liveEvents } });
