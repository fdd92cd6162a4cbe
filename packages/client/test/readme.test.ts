import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as examples from "../examples/readme.ts";
import { regions } from "../scripts/readme-regions.mjs";
import { createClient, type Message } from "../src/index.ts";
import { eventually, startTestServer, type TestServer } from "./support.ts";
import { fixturePath } from "@parley/testkit";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const exampleSource = readFileSync(new URL("../examples/readme.ts", import.meta.url), "utf8");
const fixture = fixturePath;

describe("README", () => {
  it("shows only TypeScript that is verbatim a region of examples/readme.ts, and every region", () => {
    const known = regions(exampleSource);
    const blocks = [
      ...readme.matchAll(/(?:<!-- example: examples\/readme\.ts#([\w-]+) -->\n+)?```ts\n([\s\S]*?)\n```/g),
    ];
    expect(blocks.length).toBe(known.size);
    for (const [, name, code] of blocks) {
      expect(name, `a README snippet has no example marker:\n${code}`).toBeDefined();
      expect(code, `README snippet ${name} differs from its region (run node scripts/sync-readme.mjs)`).toBe(
        known.get(name!),
      );
    }
    expect(new Set(blocks.map((b) => b[1]))).toEqual(new Set(known.keys()));
  });
});

describe("README examples against a real server", () => {
  let t: TestServer;
  let dir: string;
  beforeAll(async () => {
    // Small limits so the error example's "too large" file stays small.
    t = await startTestServer({ env: { MEDIA_MAX_FILE_BYTES: String(16 << 20) } });
    dir = mkdtempSync(join(tmpdir(), "parley-readme-"));
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const client = () => examples.authenticate(t.graphqlUrl, () => t.token("alice"));

  it("authenticates and runs a typed operation", async () => {
    expect(await examples.typedRequest(client())).toEqual({ identity: "alice" });
  });

  it("sends text, three files with a progress bar, then lists and downloads them intact", async () => {
    const c = client();
    const { conversation, message } = await examples.sendText(c);
    expect(message).toMatchObject({ index: 0, body: "Hello! How can we help?", attributes: { channel: "web" } });
    expect(conversation.participants.map((p) => p.identity).sort()).toEqual(["agent-7", "alice"]);

    const clip = join(dir, "clip.bin");
    writeFileSync(clip, randomBytes(2 << 20));
    const { message: media, lines } = await examples.sendThreeFiles(c, conversation.id, [
      fixture("photo.png"),
      fixture("report.pdf"),
      clip,
    ]);
    expect(media.media.map((m) => m.filename)).toEqual(["photo.png", "report-final.pdf", "clip.bin"]);
    expect(lines.at(-2)).toMatch(/^\[#{20}\] 100% /);
    expect(lines.at(-1)).toBe("sent message #1 with 3 files");

    const downloaded = await examples.listAndDownload(c, conversation.id);
    expect(downloaded).toEqual([
      { filename: "photo.png", bytes: readFileSync(fixture("photo.png")).length, verified: true },
      { filename: "report-final.pdf", bytes: readFileSync(fixture("report.pdf")).length, verified: true },
      { filename: "clip.bin", bytes: 2 << 20, verified: true },
    ]);
  });

  it("sends a large file through a resumable upload, continuing one saved before a restart", async () => {
    const c = client();
    const { id } = await c.createConversation();
    const path = join(dir, "video.bin");
    const bytes = randomBytes(12 << 20); // two parts, under this server's 16 MiB limit
    writeFileSync(path, bytes);
    // An earlier process stored part 1, then died: its upload id was saved.
    const saved = new Map<string, string>();
    const dying = createClient({
      url: t.graphqlUrl,
      token: await t.token("alice"),
      fetch: (input, init) =>
        init?.method === "PUT" && !/[/=]1(\?|&|$)/.test(input)
          ? Promise.reject(new TypeError("offline"))
          : fetch(input, init),
    });
    await expect(
      dying.uploadMedia(
        id,
        { media: bytes },
        { retries: 0, parallelParts: 1, onUploadStarted: (u) => saved.set(path, u) },
      ),
    ).rejects.toMatchObject({ code: "NETWORK_ERROR" });
    const uploadId = saved.get(path)!;
    const message = await examples.sendLargeFile(c, id, path, saved);
    expect(message.media[0]).toMatchObject({
      id: uploadId,
      size: bytes.length,
      sha256: createHash("sha256").update(bytes).digest("hex"),
    });
    expect(saved.size).toBe(0);
  });

  it("handles a too-large file, a cancelled upload and an unknown id", async () => {
    const c = client();
    const { id } = await c.createConversation();
    const outcomes = await examples.handleErrors(c, id, new Uint8Array(17 << 20));
    expect(outcomes).toEqual([
      expect.stringMatching(/^Too large, nothing was sent: media #1 \(huge.bin\) is 17825792 bytes/),
      "Upload cancelled; no message was created.",
      expect.stringMatching(/^NOT_FOUND \(HTTP \d{3}\): /),
    ]);
    expect((await t.sql`select count(*)::int as n from messages where conversation_id = ${id}`)[0]!.n).toBe(0);
  });

  it("runs a live thread: history, then new, edited and removed messages, then the end of access", async () => {
    const alice = client();
    const bob = examples.authenticate(t.graphqlUrl, () => t.token("bob"));
    const { id } = await alice.createConversation({ participants: ["bob"] });
    await alice.conversation(id).sendMessage("history 0");
    await alice.conversation(id).sendMessage("history 1");

    const thread = new Map<string, Message>(); // what a view would show, by message id
    const indexes = () => [...thread.values()].map((m) => m.index).sort((x, y) => x - y);
    const calls: string[] = [];
    const banners: string[] = [];
    const leave = await examples.liveEvents(bob, id, {
      render: (m) => void thread.set(m.id, m),
      replace: (m, reasons) => {
        thread.set(m.id, m);
        calls.push(`replace #${m.index} ${reasons.join("+")}`);
      },
      drop: (messageId) => {
        thread.delete(messageId);
        calls.push(`drop ${messageId}`);
      },
      show: (text) => calls.push(text),
      setBanner: (text) => banners.push(text),
    });
    expect(indexes()).toEqual([0, 1]);
    // Sent while the socket is still opening: delivered all the same, after what was rendered.
    const sent: Message[] = [];
    for (let i = 2; i < 5; i++) sent.push(await alice.conversation(id).sendMessage(`live ${i}`));
    await eventually(async () => expect(indexes()).toEqual([0, 1, 2, 3, 4]));
    await sent[0]!.updateBody("live 2, edited");
    await sent[1]!.remove();
    await eventually(async () => expect(calls).toEqual(["replace #2 BODY", `drop ${sent[1]!.id}`]));
    expect(indexes()).toEqual([0, 1, 2, 4]);
    expect(thread.get(sent[0]!.id)?.body).toBe("live 2, edited");
    expect(banners).toEqual(["Live updates: connecting…", ""]);

    await alice.conversation(id).removeParticipant("bob");
    await eventually(async () => expect(calls.at(-1)).toBe("Live updates stopped: FORBIDDEN"));
    leave(); // harmless after the end
    await bob.close();
  });

  it("runs the Coming from Twilio steps: builder chain, media URLs, client-level events, read horizon", async () => {
    const alice = client();
    const bob = examples.authenticate(t.graphqlUrl, () => t.token("bob"));
    const { id } = await alice.createConversation({ participants: ["bob"] });
    const logoBytes = readFileSync(fixture("photo.png"));
    const reportBytes = readFileSync(fixture("report.pdf"));
    const sent = await examples.twilioSend(
      alice,
      id,
      new Blob([logoBytes], { type: "image/png" }),
      new Blob([reportBytes]),
    );
    expect(sent.message).toMatchObject({ body: "Hello!", attributes: { foo: "bar" }, type: "MEDIA", index: 1 });
    expect(sent.message.media.map((m) => [m.filename, m.size])).toEqual([
      ["logo.png", logoBytes.length],
      ["report.pdf", reportBytes.length],
    ]);
    expect([sent.mediaAttachmentsCountLimit, sent.mediaAttachmentsTotalSizeLimitInBytes]).toEqual([10, 150 * 2 ** 20]);
    const rows = await t.sql`select body from messages where conversation_id = ${id} order by index`;
    expect(rows.map((r) => r.body)).toEqual(["hello world", "Hello!", "In one call"]);

    const media = await examples.twilioMedia(alice, sent.message);
    expect(media.hasMedia).toBe(true);
    const [logo, report] = sent.message.media;
    for (const [m, bytes] of [
      [logo!, logoBytes],
      [report!, reportBytes],
    ] as const) {
      const got = Buffer.from(await (await fetch(media.urls.get(m.id)!)).arrayBuffer());
      expect(createHash("sha256").update(got).digest("hex")).toBe(m.sha256);
      expect(got.equals(bytes)).toBe(true);
    }
    expect(media.media.map((m) => m.id)).toEqual([logo!.id, report!.id]);
    expect([...media.some.keys()]).toEqual([logo!.id]);
    expect(media.first).toBe(media.urls.get(logo!.id));
    expect(media.acrossMessages).toEqual(media.urls);
    expect([...media.byIds.keys()]).toEqual([logo!.id]);
    expect((await fetch(media.byIds.get(logo!.id)!)).status).toBe(200);

    const lines: string[] = [];
    const stop = await examples.twilioEvents(bob, id, (line) => lines.push(line));
    const other = await alice.createConversation({ participants: ["bob"] }); // joined after on(): included
    await alice.conversation(other.id).sendMessage("elsewhere");
    const edited = await alice.conversation(id).sendMessage("to edit");
    await edited.updateBody("edited");
    await edited.remove();
    // Not "updated #1: MEDIA": the logo's preview becomes ready when its job has run, or before on().
    const ours = () => lines.filter((l) => !l.endsWith(": MEDIA"));
    await eventually(async () =>
      expect(ours().sort()).toEqual(
        [`added #0 in ${other.id}`, `added #3 in ${id}`, "updated #3: BODY", "removed #3"].sort(),
      ),
    );
    stop();
    await alice.conversation(other.id).sendMessage("after off()");
    await new Promise((r) => setTimeout(r, 500));
    expect(ours()).toHaveLength(4);

    const lastSeen = await bob.getMessage(sent.message.id);
    expect(await examples.twilioReadHorizon(bob, id, lastSeen)).toEqual({ before: null, after: 1, none: 0 });
    const [horizon] = await t.sql`select last_read_message_index as i from participants
      where conversation_id = ${id} and identity = 'bob'`;
    expect(horizon!.i).toBeNull();
    await bob.close();
  });

  it("edits and deletes a message, and reads and moves the read horizon", async () => {
    const c = client();
    const bob = examples.authenticate(t.graphqlUrl, () => t.token("bob"));
    const { id } = await c.createConversation({ participants: ["bob"] });
    const { edited, pinned, removed } = await examples.editAndDelete(c, id);
    expect(edited).toMatchObject({ body: "Meeting at 11:00", attributes: {} });
    expect(pinned).toMatchObject({ body: "Meeting at 11:00", attributes: { pinned: true } });
    expect(removed).toMatchObject({ id: pinned.id, index: 0, conversationId: id });
    expect(await t.sql`select 1 from messages where id = ${pinned.id}`).toHaveLength(0);

    const sent = [];
    for (let i = 0; i < 4; i++) sent.push(await c.conversation(id).sendMessage(`unread ${i}`));
    // Before any horizon: null (Twilio semantics); then the messages after it.
    expect(await examples.readState(bob, id, sent[1]!)).toEqual({ before: null, after: 2 });
  });
});
