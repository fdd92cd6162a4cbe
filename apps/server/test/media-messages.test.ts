import { createHash } from "node:crypto";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codeOf, startTestServer, type TestServer } from "./harness.ts";
import { readFixture, eventually, generated, postMultipart, type FilePart } from "@parley/testkit";

const fixture = readFixture;
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

const SEND_MEDIA = `mutation($input: SendMediaMessageInput!) { sendMediaMessage(input: $input) {
  id index author body type attributes
  media { id category filename contentType size sha256 temporaryUrl temporaryUrlExpiresAt } } }`;

interface MediaOut {
  id: string;
  filename: string | null;
  contentType: string;
  size: number;
  sha256: string;
  temporaryUrl: string;
  temporaryUrlExpiresAt: string;
}

export async function sendMedia(
  t: TestServer,
  identity: string,
  conversationId: string,
  files: (Omit<FilePart, "path"> & { declaredName?: string; declaredType?: string })[],
  extra: Record<string, unknown> = {},
  options: Parameters<typeof postMultipart>[4] = {},
) {
  const media = files.map((f) => ({ file: null, filename: f.declaredName, contentType: f.declaredType }));
  return postMultipart(
    t.graphqlUrl,
    await t.token(identity),
    { query: SEND_MEDIA, variables: { input: { conversationId, media, ...extra } } },
    files.map((f, i) => ({ ...f, path: `variables.input.media.${i}.file` })),
    options,
  );
}

async function conversation(t: TestServer, identity: string, participants: string[] = []) {
  const res = await t.gql<{ createConversation: { id: string } }>(
    identity,
    `mutation($input: CreateConversationInput!) { createConversation(input: $input) { id } }`,
    { input: { participants } },
  );
  return res.data!.createConversation.id;
}

async function rowCounts(t: TestServer, conversationId: string) {
  const [m] = await t.sql`select count(*)::int as n from messages where conversation_id = ${conversationId}`;
  const [d] =
    await t.sql`select count(*)::int as n from media join messages on messages.id = media.message_id where conversation_id = ${conversationId}`;
  return { messages: m!.n as number, media: d!.n as number };
}

describe("sendMediaMessage over real multipart into MinIO", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t?.close());

  it("stores one file, sniffs PNG declared as text/plain, and serves the exact bytes through temporaryUrl", async () => {
    const id = await conversation(t, "alice", ["bob"]);
    const png = fixture("photo.png");
    const res = await sendMedia(t, "alice", id, [{ filename: "holiday.txt", contentType: "text/plain", body: png }], {
      body: "look",
    });
    expect(res.status).toBe(200);
    expect(res.json.errors).toBeUndefined();
    const msg = res.json.data!.sendMediaMessage as { type: string; body: string; media: MediaOut[] };
    expect(msg.type).toBe("MEDIA");
    expect(msg.body).toBe("look");
    const [m] = msg.media;
    expect(m).toMatchObject({
      filename: "holiday.txt",
      contentType: "image/png",
      size: png.length,
      sha256: sha256(png),
    });
    const got = await fetch(m!.temporaryUrl);
    expect(got.status).toBe(200);
    expect(got.headers.get("content-type")).toBe("image/png");
    expect(got.headers.get("content-disposition")).toBe(`inline; filename="holiday.txt"; filename*=UTF-8''holiday.txt`);
    expect(Buffer.from(await got.arrayBuffer()).equals(png)).toBe(true);
    // Valid for 300 s from resolution.
    const expires = Date.parse(m!.temporaryUrlExpiresAt);
    expect(expires - Date.now()).toBeGreaterThan(295_000);
    expect(expires - Date.now()).toBeLessThanOrEqual(300_000);
    if (t.backend === "services") expect(new URL(m!.temporaryUrl).searchParams.get("X-Amz-Expires")).toBe("300");
    // The stored object: opaque key, sniffed type.
    const [row] = await t.sql`select object_key, content_type, size, sha256 from media where id = ${m!.id}`;
    expect(row!.object_key).toBe(`media/${id}/${m!.id}`);
    expect(await t.parley.store.stat(row!.object_key as string)).toMatchObject({
      size: png.length,
      contentType: "image/png",
    });
  });

  it("stores three files of different kinds in upload order; a participant downloads each, a stranger cannot", async () => {
    const id = await conversation(t, "alice", ["bob"]);
    const files = [
      { filename: "photo.png", body: fixture("photo.png"), contentType: "image/png" },
      { filename: "report.pdf", body: fixture("report.pdf"), contentType: "application/octet-stream" },
      { filename: "clip.mp4", body: fixture("clip.mp4") },
    ];
    const sent = await sendMedia(t, "alice", id, files, { attributes: { album: "trip" } });
    expect(sent.json.errors).toBeUndefined();
    const messageId = (sent.json.data!.sendMediaMessage as { id: string }).id;

    const q = `query($id: ID!) { conversation(id: $id) { messages(last: 10) { edges { node { id body
      media { filename contentType size sha256 temporaryUrl } } } } } }`;
    const listed = await t.gql<{
      conversation: { messages: { edges: { node: { id: string; body: null; media: MediaOut[] } }[] } };
    }>("bob", q, { id });
    const node = listed.data!.conversation.messages.edges[0]!.node;
    expect(node.id).toBe(messageId);
    expect(node.body).toBeNull();
    expect(node.media.map((m) => [m.filename, m.contentType])).toEqual([
      ["photo.png", "image/png"],
      ["report.pdf", "application/pdf"],
      ["clip.mp4", "video/mp4"],
    ]);
    for (const [i, m] of node.media.entries()) {
      const got = Buffer.from(await (await fetch(m.temporaryUrl)).arrayBuffer());
      expect(sha256(got)).toBe(sha256(files[i]!.body));
      expect(m.sha256).toBe(sha256(files[i]!.body));
    }
    expect(codeOf(await t.gql("mallory", q, { id }))).toBe("FORBIDDEN");
    expect(
      codeOf(
        await t.gql("mallory", `query($id: ID!) { message(id: $id) { media { temporaryUrl } } }`, { id: messageId }),
      ),
    ).toBe("FORBIDDEN");
  });

  it("falls back to the declared type, then the part's type, then application/octet-stream", async () => {
    const id = await conversation(t, "alice");
    const text = Buffer.from("a,b\n1,2\n");
    const res = await sendMedia(t, "alice", id, [
      { filename: "a.csv", contentType: "application/octet-stream", body: text, declaredType: "text/csv" },
      { filename: "b.csv", contentType: "text/plain", body: text },
      { filename: "c.bin", contentType: "application/octet-stream", body: text },
    ]);
    const media = (res.json.data!.sendMediaMessage as { media: MediaOut[] }).media;
    expect(media.map((m) => m.contentType)).toEqual(["text/csv", "text/plain", "application/octet-stream"]);
  });

  it("serves active types as attachments and sanitises filenames, which never reach object keys", async () => {
    const id = await conversation(t, "alice");
    const res = await sendMedia(t, "alice", id, [
      {
        filename: "x.html",
        contentType: "text/html",
        body: Buffer.from("<script>alert(1)</script>"),
        declaredName: "../../etc/pa\u0000ss\u202ewd.html",
      },
      {
        filename: "résumé ✓.svg",
        contentType: "image/svg+xml",
        body: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>'),
      },
    ]);
    expect(res.json.errors).toBeUndefined();
    const [html, svg] = (res.json.data!.sendMediaMessage as { media: MediaOut[] }).media;
    expect(html!.filename).toBe("passwd.html");
    const h = await fetch(html!.temporaryUrl);
    expect(h.headers.get("content-disposition")).toMatch(/^attachment; filename="passwd.html"/);
    const s = await fetch(svg!.temporaryUrl);
    expect(s.headers.get("content-type")).toBe("image/svg+xml");
    expect(s.headers.get("content-disposition")).toBe(
      `attachment; filename="r_sum_ _.svg"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%E2%9C%93.svg`,
    );
    const keys = await t.objects(`media/${id}/`);
    expect(keys).toHaveLength(2);
    for (const k of keys) expect(k).toMatch(/^media\/[0-9a-f-]{36}\/[0-9a-f-]{36}$/);
  });

  it("refuses a tampered URL and an anonymous GET of the object", async () => {
    const id = await conversation(t, "alice");
    const res = await sendMedia(t, "alice", id, [{ filename: "p.png", body: fixture("badge.png") }]);
    const m = (res.json.data!.sendMediaMessage as { media: MediaOut[] }).media[0]!;
    const url = new URL(m.temporaryUrl);
    const tampered = new URL(url);
    tampered.pathname = url.pathname.replace(/.$/, (c) => (c === "0" ? "1" : "0"));
    expect((await fetch(tampered)).status).toBe(403);
    // Every signed parameter is covered by the signature (a longer expiry, another disposition, ...).
    for (const name of [...url.searchParams.keys()]) {
      const changed = new URL(url);
      changed.searchParams.set(name, `${url.searchParams.get(name)}0`);
      // MinIO answers a malformed algorithm with 400, a bad signature with 403: refused either way.
      expect([400, 403], name).toContain((await fetch(changed)).status);
    }
    expect((await fetch(url)).status).toBe(200);
    expect((await fetch(`${url.origin}${url.pathname}`)).status).toBe(403);
  });

  it("keeps the bytes encrypted at rest in MinIO's data directory", async () => {
    const id = await conversation(t, "alice");
    const marker = Buffer.from("PARLEY-PLAINTEXT-MARKER-7f3a9c ".repeat(4096));
    const res = await sendMedia(t, "alice", id, [{ filename: "secret.txt", contentType: "text/plain", body: marker }]);
    expect(res.json.errors).toBeUndefined();
    const needle = Buffer.from("PARLEY-PLAINTEXT-MARKER-7f3a9c");
    // Other tests share the store: their temporary files may vanish between listing and reading.
    const gone = (error: unknown) => (error as NodeJS.ErrnoException).code === "ENOENT";
    const scanned: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir)) {
        const p = join(dir, e);
        try {
          if (statSync(p).isDirectory()) walk(p);
          else {
            expect(readFileSync(p).includes(needle), p).toBe(false);
            scanned.push(p);
          }
        } catch (error) {
          if (!gone(error)) throw error;
        }
      }
    };
    walk(t.storageDir);
    // The message's own object was among the files read.
    const [key] = await t.objects(`media/${id}/`);
    expect(key).toBeDefined();
    expect(scanned.some((f) => f.includes(join(...key!.split("/"))))).toBe(true);
  });

  it("returns the first message for a repeated idempotency key and stores no second copy", async () => {
    const id = await conversation(t, "alice");
    const a = await sendMedia(t, "alice", id, [{ filename: "a.png", body: fixture("badge.png") }], {
      idempotencyKey: "m-1",
    });
    const b = await sendMedia(t, "alice", id, [{ filename: "b.pdf", body: fixture("report.pdf") }], {
      idempotencyKey: "m-1",
    });
    const ma = a.json.data!.sendMediaMessage as { id: string; media: MediaOut[] };
    const mb = b.json.data!.sendMediaMessage as { id: string; media: MediaOut[] };
    expect(mb.id).toBe(ma.id);
    expect(mb.media.map((m) => m.filename)).toEqual(["a.png"]);
    expect(await t.objects(`media/${id}/`)).toHaveLength(1);
    expect(await rowCounts(t, id)).toEqual({ messages: 1, media: 1 });
  });

  it("refuses an empty media list and non-participants, storing nothing", async () => {
    const id = await conversation(t, "alice");
    const empty = await postMultipart(
      t.graphqlUrl,
      await t.token("alice"),
      { query: SEND_MEDIA, variables: { input: { conversationId: id, media: [] } } },
      [],
    );
    expect(codeOf(empty.json)).toBe("BAD_USER_INPUT");
    const stranger = await sendMedia(t, "mallory", id, [{ filename: "a.png", body: fixture("badge.png") }]);
    expect(codeOf(stranger.json)).toBe("FORBIDDEN");
    expect(await t.objects(`media/${id}/`)).toEqual([]);
    expect(await rowCounts(t, id)).toEqual({ messages: 0, media: 0 });
  });

  it("requires Apollo-Require-Preflight on multipart requests (CSRF prevention)", async () => {
    const id = await conversation(t, "alice");
    const res = await postMultipart(
      t.graphqlUrl,
      await t.token("alice"),
      { query: SEND_MEDIA, variables: { input: { conversationId: id, media: [{ file: null }] } } },
      [{ path: "variables.input.media.0.file", filename: "a.png", body: fixture("badge.png") }],
      { headers: { "apollo-require-preflight": "" } },
    );
    expect(res.status).toBe(400);
    expect(codeOf(res.json)).toBe("BAD_USER_INPUT");
    expect(await t.objects(`media/${id}/`)).toEqual([]);
  });

  it("cleans up completely when the client aborts half-way through the upload", async () => {
    const id = await conversation(t, "alice");
    const big = 24 * 1024 * 1024;
    const res = sendMedia(
      t,
      "alice",
      id,
      [
        { filename: "first.png", body: fixture("photo.png") },
        { filename: "big.bin", body: generated(big) },
      ],
      {},
      { abortAfter: big / 2 },
    );
    await expect(res).rejects.toThrow();
    await eventually(async () => {
      expect(await t.objects(`media/${id}/`)).toEqual([]);
    });
    expect(await rowCounts(t, id)).toEqual({ messages: 0, media: 0 });
    // The failed send consumed no index.
    const ok = await t.gql<{ sendMessage: { index: number } }>(
      "alice",
      `mutation($i: SendMessageInput!) { sendMessage(input: $i) { index } }`,
      {
        i: { conversationId: id, body: "after" },
      },
    );
    expect(ok.data?.sendMessage.index).toBe(0);
  });

  it("rolls back the stored objects when the database refuses the message", async () => {
    const id = await conversation(t, "alice");
    // The conversation disappears while its upload streams: the transaction fails after the objects exist.
    let deleted = false;
    const slow = async function* () {
      yield Buffer.alloc(512 * 1024, 1);
      await new Promise((r) => setTimeout(r, 300));
      await t.sql`delete from conversations where id = ${id}`;
      deleted = true;
      yield Buffer.alloc(512 * 1024, 2);
    };
    const res = await sendMedia(t, "alice", id, [
      { filename: "a.png", body: fixture("photo.png") },
      { filename: "b.bin", body: slow },
    ]);
    expect(deleted).toBe(true);
    expect(codeOf(res.json)).toBe("NOT_FOUND");
    expect(await t.objects(`media/${id}/`)).toEqual([]);
  });
});

describe("media limits", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({
      env: { MEDIA_MAX_FILES: "3", MEDIA_MAX_FILE_BYTES: "100000", MEDIA_MAX_TOTAL_BYTES: "150000" },
    });
  });
  afterAll(() => t?.close());

  it("reports the limits in force on the conversation", async () => {
    const id = await conversation(t, "alice");
    const res = await t.gql<{ conversation: { limits: Record<string, number> } }>(
      "alice",
      `query($id: ID!) { conversation(id: $id) {
      limits { mediaAttachmentsCountLimit mediaAttachmentSizeLimitInBytes mediaAttachmentsTotalSizeLimitInBytes bodyMaxLength } } }`,
      { id },
    );
    expect(res.data!.conversation.limits).toEqual({
      mediaAttachmentsCountLimit: 3,
      mediaAttachmentSizeLimitInBytes: 100000,
      mediaAttachmentsTotalSizeLimitInBytes: 150000,
      bodyMaxLength: 32768,
    });
  });

  it("answers PAYLOAD_TOO_LARGE for more files than the count limit once the map names them, storing nothing", async () => {
    const id = await conversation(t, "alice");
    const files = Array.from({ length: 4 }, (_, i) => ({ filename: `${i}.png`, body: fixture("badge.png") }));
    const res = await sendMedia(t, "alice", id, files);
    expect(res.status).toBe(413);
    expect(codeOf(res.json)).toBe("PAYLOAD_TOO_LARGE");
    expect(await t.objects(`media/${id}/`)).toEqual([]);
    expect(await rowCounts(t, id)).toEqual({ messages: 0, media: 0 });
  });

  it("answers PAYLOAD_TOO_LARGE for a file over the per-file limit and keeps nothing", async () => {
    const id = await conversation(t, "alice");
    const res = await sendMedia(t, "alice", id, [
      { filename: "ok.png", body: fixture("photo.png") },
      { filename: "big.bin", body: generated(100_001) },
    ]);
    expect(codeOf(res.json)).toBe("PAYLOAD_TOO_LARGE");
    expect(await t.objects(`media/${id}/`)).toEqual([]);
    expect(await rowCounts(t, id)).toEqual({ messages: 0, media: 0 });
  });

  it("accepts files exactly at the limits", async () => {
    const id = await conversation(t, "alice");
    const res = await sendMedia(t, "alice", id, [
      { filename: "a.bin", body: generated(100_000, 2) },
      { filename: "b.bin", body: generated(50_000, 3) },
    ]);
    expect(res.json.errors).toBeUndefined();
    const media = (res.json.data!.sendMediaMessage as { media: MediaOut[] }).media;
    expect(media.map((m) => m.size)).toEqual([100_000, 50_000]);
  });

  it("answers PAYLOAD_TOO_LARGE when the combined size passes the limit, deleting the files already stored", async () => {
    const id = await conversation(t, "alice");
    const res = await sendMedia(t, "alice", id, [
      { filename: "a.bin", body: generated(90_000, 4) },
      { filename: "b.bin", body: generated(60_001, 5) },
    ]);
    expect(codeOf(res.json)).toBe("PAYLOAD_TOO_LARGE");
    expect(await t.objects(`media/${id}/`)).toEqual([]);
    expect(await rowCounts(t, id)).toEqual({ messages: 0, media: 0 });
  });
});

describe("default limits", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t?.close());

  it("refuses 150 MiB + 1 byte across two files with PAYLOAD_TOO_LARGE and keeps nothing", async () => {
    const id = await conversation(t, "alice");
    const res = await sendMedia(t, "alice", id, [
      { filename: "a.bin", body: generated(100 * 1024 * 1024) },
      { filename: "b.bin", body: generated(50 * 1024 * 1024 + 1) },
    ]);
    expect(res.status).toBe(200);
    expect(codeOf(res.json)).toBe("PAYLOAD_TOO_LARGE");
    expect(await t.objects(`media/${id}/`)).toEqual([]);
    expect(await rowCounts(t, id)).toEqual({ messages: 0, media: 0 });
  }, 180_000);
});

describe("temporary URL lifetime", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ env: { MEDIA_URL_TTL_SECONDS: "2" } });
  });
  afterAll(() => t?.close());

  it("stops working once MEDIA_URL_TTL_SECONDS have passed, and a fresh query gives a working one", async () => {
    const id = await conversation(t, "alice");
    const res = await sendMedia(t, "alice", id, [{ filename: "p.png", body: fixture("badge.png") }]);
    const m = res.json.data!.sendMediaMessage as { id: string; media: MediaOut[] };
    expect((await fetch(m.media[0]!.temporaryUrl)).status).toBe(200);
    await new Promise((r) => setTimeout(r, Date.parse(m.media[0]!.temporaryUrlExpiresAt) - Date.now() + 1500));
    expect((await fetch(m.media[0]!.temporaryUrl)).status).toBe(403);
    const again = await t.gql<{ message: { media: MediaOut[] } }>(
      "alice",
      `query($id: ID!) { message(id: $id) { media { temporaryUrl } } }`,
      { id: m.id },
    );
    expect((await fetch(again.data!.message.media[0]!.temporaryUrl)).status).toBe(200);
  });
});
