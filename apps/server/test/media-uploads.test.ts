// Resumable upload sessions (createMediaUpload, mediaUpload, abortMediaUpload, MediaInput.uploadId):
// parts PUT by a plain HTTP client straight into MinIO (presigned) or to the embedded store's own
// signed URLs, then named in sendMediaMessage. Runs on both backends.
import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import exifr from "exifr";
import { Client } from "minio";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codeOf, startTestServer, type TestServer } from "./harness.ts";
import { readFixture, generated, postMultipart } from "@parley/testkit";

const MiB = 1024 * 1024;
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const png = readFixture("photo.png");

const CREATE = `mutation($i: CreateMediaUploadInput!) { createMediaUpload(input: $i) {
  id conversationId size partSize expiresAt parts { number size url uploaded } } }`;
const GET = `query($id: ID!) { mediaUpload(id: $id) { id size partSize expiresAt parts { number size url uploaded } } }`;
const ABORT = `mutation($id: ID!) { abortMediaUpload(id: $id) }`;
const SEND = `mutation($i: SendMediaMessageInput!) { sendMediaMessage(input: $i) {
  id index media { id filename contentType size sha256 width height temporaryUrl } } }`;

interface Upload {
  id: string;
  conversationId: string;
  size: number;
  partSize: number;
  expiresAt: string;
  parts: { number: number; size: number; url: string; uploaded: boolean }[];
}
interface SentMedia {
  id: string;
  filename: string | null;
  contentType: string;
  size: number;
  sha256: string;
  width: number | null;
  height: number | null;
  temporaryUrl: string;
}

async function bytesOf(size: number, seed: number) {
  const chunks: Buffer[] = [];
  for await (const c of generated(size, seed)()) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

/** PUTs part `number` of `bytes` to its URL with no header of our own, as curl or a browser would. */
async function putPart(upload: Upload, bytes: Buffer, number: number) {
  const part = upload.parts[number - 1]!;
  const at = (number - 1) * upload.partSize;
  const res = await fetch(part.url, { method: "PUT", body: bytes.subarray(at, at + part.size) });
  await res.arrayBuffer();
  return res.status;
}

/** Sends the head of a part, then drops the connection (a network cut mid-PUT). */
async function cutPart(upload: Upload, bytes: Buffer, number: number, sendBytes: number) {
  const part = upload.parts[number - 1]!;
  const at = (number - 1) * upload.partSize;
  await new Promise<void>((resolve) => {
    const req = request(new URL(part.url), { method: "PUT", headers: { "Content-Length": part.size } });
    req.on("error", () => resolve());
    req.write(bytes.subarray(at, at + sendBytes), () =>
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 300),
    );
  });
  await new Promise((r) => setTimeout(r, 300));
}

describe("upload sessions", () => {
  let t: TestServer;
  let minio: Client | undefined;

  beforeAll(async () => {
    // No preview jobs: the objects under a conversation are exactly the originals.
    t = await startTestServer({ env: { MEDIA_PREVIEW_WORKERS: "0" } });
    if (t.backend === "services") {
      const endpoint = new URL(t.env.S3_ENDPOINT!);
      minio = new Client({
        endPoint: endpoint.hostname,
        port: Number(endpoint.port),
        useSSL: false,
        accessKey: t.env.S3_ACCESS_KEY!,
        secretKey: t.env.S3_SECRET_KEY!,
        region: "us-east-1",
      });
    }
  });
  afterAll(() => t?.close());

  const conversation = async (identity: string, participants: string[] = []) => {
    const res = await t.gql<{ createConversation: { id: string } }>(
      identity,
      `mutation($i: CreateConversationInput!) { createConversation(input: $i) { id } }`,
      { i: { participants } },
    );
    return res.data!.createConversation.id;
  };
  const create = (identity: string | null, input: Record<string, unknown>) =>
    t.gql<{ createMediaUpload: Upload }>(identity, CREATE, { i: input });
  const started = async (identity: string, input: Record<string, unknown>) => {
    const res = await create(identity, input);
    expect(res.errors).toBeUndefined();
    return res.data!.createMediaUpload;
  };
  const get = async (identity: string, id: string) =>
    (await t.gql<{ mediaUpload: Upload | null }>(identity, GET, { id })).data?.mediaUpload ?? null;
  const send = (identity: string, conversationId: string, media: Record<string, unknown>[], extra = {}) =>
    t.gql<{ sendMediaMessage: { id: string; index: number; media: SentMedia[] } }>(identity, SEND, {
      i: { conversationId, media, ...extra },
    });
  const download = async (url: string) => Buffer.from(await (await fetch(url)).arrayBuffer());

  /** Incomplete multipart uploads of `key`: MinIO's (listed by exact key), or the disk store's session directories. */
  async function incompleteUploadsOf(key: string): Promise<string[]> {
    if (minio) {
      const out: string[] = [];
      const stream = minio.listIncompleteUploads(t.env.S3_BUCKET!, key, true);
      for await (const u of stream as AsyncIterable<{ key: string; uploadId: string }>) {
        if (u.key === key) out.push(u.uploadId);
      }
      return out;
    }
    const dir = join(t.storageDir, ".uploads");
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      return [];
    }
    return names.filter((name) => {
      try {
        return (JSON.parse(readFileSync(join(dir, name, "upload.json"), "utf8")) as { key: string }).key === key;
      } catch {
        return false;
      }
    });
  }
  const keyOf = (conversationId: string, uploadId: string) => `media/${conversationId}/${uploadId}`;
  const sessionRows = async (id: string) => (await t.sql`select id from media_uploads where id = ${id}`).length;

  it("takes parts PUT in parallel and out of order by a plain fetch, then sends them: server-side sha256, sniffed type, exact bytes", async () => {
    const conv = await conversation("alice", ["bob"]);
    const bytes = await bytesOf(17 * MiB + 12_345, 1);
    const upload = await started("alice", {
      conversationId: conv,
      size: bytes.length,
      filename: "clip.bin",
      contentType: "video/mp4",
    });
    expect(upload).toMatchObject({ conversationId: conv, size: bytes.length, partSize: 8 * MiB });
    expect(upload.parts.map((p) => [p.number, p.size, p.uploaded])).toEqual([
      [1, 8 * MiB, false],
      [2, 8 * MiB, false],
      [3, MiB + 12_345, false],
    ]);
    // Signed for S3_PUBLIC_ENDPOINT (MinIO), or the API's own URLs (embedded store).
    const origin = t.backend === "services" ? new URL(t.env.S3_ENDPOINT!).origin : t.url;
    for (const p of upload.parts) expect(new URL(p.url).origin).toBe(origin);
    const ttl = Date.parse(upload.expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(86_400_000 - 60_000);
    expect(ttl).toBeLessThanOrEqual(86_400_000);

    expect(await Promise.all([3, 1, 2].map((n) => putPart(upload, bytes, n)))).toEqual([200, 200, 200]);
    const seen = await get("alice", upload.id);
    expect(seen?.parts.map((p) => p.uploaded)).toEqual([true, true, true]);
    // Nothing at the key until a send assembles it.
    expect(await t.objects(`media/${conv}/`)).toEqual([]);

    const res = await send("alice", conv, [{ uploadId: upload.id }], { body: "the clip" });
    expect(res.errors).toBeUndefined();
    const [m] = res.data!.sendMediaMessage.media;
    // No format claims these bytes, so the declared type stands.
    expect(m).toMatchObject({
      filename: "clip.bin",
      contentType: "video/mp4",
      size: bytes.length,
      sha256: sha256(bytes),
    });
    expect(sha256(await download(m!.temporaryUrl))).toBe(sha256(bytes));
    const [row] = await t.sql`select object_key, size, sha256 from media where id = ${m!.id}`;
    expect(row).toMatchObject({ object_key: keyOf(conv, upload.id), sha256: sha256(bytes) });
    // Used: gone from mediaUpload, no session row, no reservation, no incomplete upload.
    expect(await get("alice", upload.id)).toBeNull();
    expect(await sessionRows(upload.id)).toBe(0);
    expect(await t.sql`select object_key from pending_uploads`).toEqual([]);
    expect(await incompleteUploadsOf(keyOf(conv, upload.id))).toEqual([]);
    expect(await t.objects(`media/${conv}/`)).toEqual([keyOf(conv, upload.id)]);
    // Used already: NOT_FOUND, and nothing sent.
    expect(codeOf(await send("alice", conv, [{ uploadId: upload.id }]))).toBe("NOT_FOUND");
    expect((await t.sql`select count(*)::int as n from messages where conversation_id = ${conv}`)[0]!.n).toBe(1);
  });

  it("resumes after a PUT cut mid-way: the part shows as missing, a send is refused and leaves the upload resumable, the part PUT again completes it", async () => {
    const conv = await conversation("alice");
    const bytes = await bytesOf(9 * MiB, 2);
    const upload = await started("alice", { conversationId: conv, size: bytes.length });
    expect(await putPart(upload, bytes, 2)).toBe(200);
    await cutPart(upload, bytes, 1, 3 * MiB);
    const seen = await get("alice", upload.id);
    expect(seen?.parts.map((p) => p.uploaded)).toEqual([false, true]);

    const refused = await send("alice", conv, [{ uploadId: upload.id }]);
    expect(codeOf(refused)).toBe("BAD_USER_INPUT");
    expect(refused.errors![0]!.message).toMatch(/missing 1 of its 2 parts.*PUT parts 1/);
    expect(refused.errors![0]!.extensions).toMatchObject({ uploadId: upload.id, missingParts: [1] });
    expect((await get("alice", upload.id))?.parts.map((p) => p.uploaded)).toEqual([false, true]);

    // A fresh read gives fresh URLs for the missing part; the finished one is not sent again.
    expect(await putPart(seen!, bytes, 1)).toBe(200);
    const res = await send("alice", conv, [{ uploadId: upload.id }]);
    expect(res.errors).toBeUndefined();
    expect(res.data!.sendMediaMessage.media[0]).toMatchObject({ size: bytes.length, sha256: sha256(bytes) });
  });

  it("completes with what is stored when a part is PUT again after the send listed the parts: it lists them once more", async () => {
    const conv = await conversation("alice");
    const bytes = await bytesOf(9 * MiB, 3);
    const again = await bytesOf(9 * MiB, 4);
    const upload = await started("alice", { conversationId: conv, size: bytes.length });
    expect(await putPart(upload, bytes, 1)).toBe(200);
    expect(await putPart(upload, bytes, 2)).toBe(200);
    // The real store; only the moment is chosen: part 1 is PUT again (other bytes) just before the
    // first completion, so the etags the send listed no longer match (UploadPartsChangedError).
    const sessions = t.parley.store.uploadSessions!;
    const complete = sessions.complete.bind(sessions);
    let completions = 0;
    sessions.complete = async (...args) => {
      if (completions++ === 0) expect(await putPart(upload, again, 1)).toBe(200);
      return complete(...args);
    };
    try {
      const res = await send("alice", conv, [{ uploadId: upload.id }]);
      expect(res.errors).toBeUndefined();
      expect(completions).toBe(2);
      const stored = Buffer.concat([again.subarray(0, upload.partSize), bytes.subarray(upload.partSize)]);
      const m = res.data!.sendMediaMessage.media[0]!;
      expect(m).toMatchObject({ size: stored.length, sha256: sha256(stored) });
      expect(sha256(await download(m.temporaryUrl))).toBe(sha256(stored));
    } finally {
      sessions.complete = complete;
    }
  });

  it("mixes multipart files and uploads in one message, in the order given", async () => {
    const conv = await conversation("alice");
    const big = await bytesOf(6 * MiB, 3);
    const upload = await started("alice", { conversationId: conv, size: big.length, filename: "big.bin" });
    expect(await putPart(upload, big, 1)).toBe(200);
    const res = await postMultipart(
      t.graphqlUrl,
      await t.token("alice"),
      {
        query: SEND,
        variables: {
          i: { conversationId: conv, media: [{ file: null }, { uploadId: upload.id }, { file: null }] },
        },
      },
      [
        { path: "variables.i.media.0.file", filename: "photo.png", contentType: "image/png", body: png },
        { path: "variables.i.media.2.file", filename: "note.txt", contentType: "text/plain", body: Buffer.from("hi") },
      ],
    );
    expect(res.json.errors).toBeUndefined();
    const media = (res.json.data!.sendMediaMessage as { media: SentMedia[] }).media;
    expect(media.map((m) => [m.filename, m.contentType, m.size])).toEqual([
      ["photo.png", "image/png", expect.any(Number)],
      ["big.bin", "application/octet-stream", big.length],
      ["note.txt", "text/plain", 2],
    ]);
    expect(media[1]!.sha256).toBe(sha256(big));
    expect(await t.objects(`media/${conv}/`)).toHaveLength(3);
  });

  it("strips image metadata from an uploaded JPEG: size, sha256, width and height describe the stored bytes; the raw upload is deleted", async () => {
    const conv = await conversation("alice");
    const width = 4000;
    const height = 2600;
    const px = randomBytes(width * height * 3);
    const jpeg = await sharp(px, { raw: { width, height, channels: 3 } })
      .jpeg({ quality: 95 })
      .withExif({
        IFD0: { Make: "Acme", Model: "Phone 9 Pro" },
        IFD3: { GPSLatitudeRef: "N", GPSLatitude: "51/1 30/1 2637/100" },
      })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    expect(jpeg.length).toBeGreaterThan(8 * MiB); // more than one part
    expect(await exifr.gps(jpeg)).toBeDefined();
    // Declared as something else: the stored type is sniffed from the bytes.
    const upload = await started("alice", { conversationId: conv, size: jpeg.length, contentType: "application/pdf" });
    for (const p of upload.parts) expect(await putPart(upload, jpeg, p.number)).toBe(200);
    const res = await send("alice", conv, [{ uploadId: upload.id, filename: "IMG_0001.jpg" }]);
    expect(res.errors).toBeUndefined();
    const [m] = res.data!.sendMediaMessage.media;
    expect(m).toMatchObject({ contentType: "image/jpeg", filename: "IMG_0001.jpg", width: height, height: width });
    const stored = await download(m!.temporaryUrl);
    expect(stored.length).toBeLessThan(jpeg.length);
    expect(m!.size).toBe(stored.length);
    expect(m!.sha256).toBe(sha256(stored));
    expect(await exifr.gps(stored)).toBeUndefined();
    expect(stored.includes("Acme")).toBe(false);
    // Only the stripped copy is stored; the session's raw object went after the commit.
    const [row] = await t.sql`select object_key from media where id = ${m!.id}`;
    expect(await t.objects(`media/${conv}/`)).toEqual([row!.object_key]);
    expect(row!.object_key).not.toBe(keyOf(conv, upload.id));
    expect(await t.sql`select object_key from pending_uploads`).toEqual([]);
  });

  it("refuses what the contract refuses, with its code, and stores nothing", async () => {
    const conv = await conversation("alice", ["bob"]);
    const other = await conversation("alice");
    const strangers = await conversation("carol");
    // createMediaUpload
    expect(codeOf(await create("alice", { conversationId: strangers, size: 10 }))).toBe("FORBIDDEN");
    expect(codeOf(await create("alice", { conversationId: "0190e9a8-0000-7000-8000-000000000000", size: 10 }))).toBe(
      "NOT_FOUND",
    );
    expect(codeOf(await create(null, { conversationId: conv, size: 10 }))).toBe("UNAUTHENTICATED");
    expect(codeOf(await create("alice", { conversationId: conv, size: 157_286_401 }))).toBe("PAYLOAD_TOO_LARGE");
    expect(codeOf(await create("alice", { conversationId: conv, size: 0 }))).toBe("BAD_USER_INPUT");
    expect(codeOf(await create("alice", { conversationId: conv, size: 10, contentType: "not a type" }))).toBe(
      "BAD_USER_INPUT",
    );
    expect(
      (await t.sql`select count(*)::int as n from media_uploads where conversation_id in (${conv}, ${strangers})`)[0]!
        .n,
    ).toBe(0);

    const bytes = Buffer.from("a small file, one part");
    const mine = await started("alice", { conversationId: conv, size: bytes.length });
    expect(await putPart(mine, bytes, 1)).toBe(200);
    const bobs = await started("bob", { conversationId: conv, size: bytes.length });
    expect(await putPart(bobs, bytes, 1)).toBe(200);
    const elsewhere = await started("alice", { conversationId: other, size: bytes.length });
    expect(await putPart(elsewhere, bytes, 1)).toBe(200);

    const refusals: [string, Record<string, unknown>[], string][] = [
      ["another user's upload", [{ uploadId: bobs.id }], "FORBIDDEN"],
      ["an upload of another conversation", [{ uploadId: elsewhere.id }], "BAD_USER_INPUT"],
      ["an upload that never existed", [{ uploadId: "0190e9a8-0000-7000-8000-000000000001" }], "NOT_FOUND"],
      ["a malformed id", [{ uploadId: "nope" }], "NOT_FOUND"],
      ["the same upload twice", [{ uploadId: mine.id }, { uploadId: mine.id }], "BAD_USER_INPUT"],
      ["neither file nor uploadId", [{ filename: "x" }], "BAD_USER_INPUT"],
      ["a good upload beside a bad one", [{ uploadId: mine.id }, { uploadId: bobs.id }], "FORBIDDEN"],
    ];
    for (const [what, media, code] of refusals) {
      const res = await send("alice", conv, media);
      expect(codeOf(res), what).toBe(code);
    }
    // file and uploadId both: over multipart.
    const both = await postMultipart(
      t.graphqlUrl,
      await t.token("alice"),
      { query: SEND, variables: { i: { conversationId: conv, media: [{ file: null, uploadId: mine.id }] } } },
      [{ path: "variables.i.media.0.file", filename: "a.txt", body: Buffer.from("a") }],
    );
    expect(codeOf(both.json)).toBe("BAD_USER_INPUT");
    // A participant who is not the uploader cannot see or abort it; the uploader's upload is intact.
    expect(await get("bob", mine.id)).toBeNull();
    expect((await t.gql<{ abortMediaUpload: boolean }>("bob", ABORT, { id: mine.id })).data?.abortMediaUpload).toBe(
      false,
    );
    expect(await t.sql`select id from messages where conversation_id = ${conv}`).toEqual([]);
    expect(await t.objects(`media/${conv}/`)).toEqual([]);
    expect(await t.sql`select object_key from pending_uploads`).toEqual([]);
    // After all that, each upload is still good for its owner in its conversation.
    const ok = await send("alice", conv, [{ uploadId: mine.id }]);
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.sendMediaMessage.media[0]).toMatchObject({ size: bytes.length, sha256: sha256(bytes) });
    expect(codeOf(await send("bob", conv, [{ uploadId: bobs.id }]))).toBeUndefined();
    expect(codeOf(await send("alice", other, [{ uploadId: elsewhere.id }]))).toBeUndefined();
  });

  it("aborts: no object, no incomplete multipart upload, no row; idempotent; a part PUT afterwards is refused", async () => {
    const conv = await conversation("alice");
    const bytes = await bytesOf(9 * MiB, 4);
    const upload = await started("alice", { conversationId: conv, size: bytes.length });
    expect(await putPart(upload, bytes, 1)).toBe(200);
    const key = keyOf(conv, upload.id);
    expect(await incompleteUploadsOf(key)).toHaveLength(1);
    const abort = async () =>
      (await t.gql<{ abortMediaUpload: boolean }>("alice", ABORT, { id: upload.id })).data?.abortMediaUpload;
    expect(await abort()).toBe(true);
    expect(await abort()).toBe(false);
    expect(await get("alice", upload.id)).toBeNull();
    expect(await incompleteUploadsOf(key)).toEqual([]);
    expect(await t.objects(`media/${conv}/`)).toEqual([]);
    expect(await sessionRows(upload.id)).toBe(0);
    expect(await putPart(upload, bytes, 2)).toBe(404);
    expect(codeOf(await send("alice", conv, [{ uploadId: upload.id }]))).toBe("NOT_FOUND");
  });

  it("expires: past MEDIA_UPLOAD_TTL_SECONDS it is unusable, and the sweep leaves nothing; a live one is spared by the sweep however old", async () => {
    const conv = await conversation("alice");
    const bytes = await bytesOf(9 * MiB, 5);
    const live = await started("alice", { conversationId: conv, size: bytes.length });
    const expiring = await started("alice", { conversationId: conv, size: bytes.length });
    for (const u of [live, expiring]) expect(await putPart(u, bytes, 1)).toBe(200);
    // A sweep with no grace at all: the live sessions' parts survive.
    await t.sweep(0);
    expect((await get("alice", live.id))?.parts.map((p) => p.uploaded)).toEqual([true, false]);
    expect(await incompleteUploadsOf(keyOf(conv, expiring.id))).toHaveLength(1);

    await t.sql`update media_uploads set expires_at = now() - interval '1 second' where id = ${expiring.id}`;
    expect(await get("alice", expiring.id)).toBeNull();
    expect(codeOf(await send("alice", conv, [{ uploadId: expiring.id }]))).toBe("NOT_FOUND");
    const swept = await t.sweep(3_600_000);
    expect(swept.expired).toBe(1);
    expect(await incompleteUploadsOf(keyOf(conv, expiring.id))).toEqual([]);
    expect(await sessionRows(expiring.id)).toBe(0);
    expect(await putPart(expiring, bytes, 2)).toBe(404);
    // The live one finishes and sends after both sweeps.
    expect(await putPart(live, bytes, 2)).toBe(200);
    const res = await send("alice", conv, [{ uploadId: live.id }]);
    expect(res.errors).toBeUndefined();
    expect(res.data!.sendMediaMessage.media[0]!.sha256).toBe(sha256(bytes));
    expect(await t.objects(`media/${conv}/`)).toEqual([keyOf(conv, live.id)]);
  });
});

describe("upload sessions against the message limits and rate limits", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({
      env: {
        MEDIA_MAX_FILE_BYTES: String(12 * MiB),
        MEDIA_MAX_TOTAL_BYTES: String(20 * MiB),
        RATE_LIMIT_UPLOAD_BYTES_PER_MINUTE: String(60 * MiB),
        MEDIA_PREVIEW_WORKERS: "0",
      },
    });
  });
  afterAll(() => t?.close());

  const create = (identity: string, input: Record<string, unknown>) =>
    t.gql<{ createMediaUpload: Upload }>(identity, CREATE, { i: input });

  it("counts uploads against the per-file and per-message limits; a refused send leaves an assembled upload usable, through a sweep", async () => {
    const conv = (
      await t.gql<{ createConversation: { id: string } }>("alice", `mutation { createConversation(input: {}) { id } }`)
    ).data!.createConversation.id;
    expect(codeOf(await create("alice", { conversationId: conv, size: 12 * MiB + 1 }))).toBe("PAYLOAD_TOO_LARGE");
    const a = await bytesOf(11 * MiB, 6);
    const b = await bytesOf(10 * MiB, 7);
    const uploads: Upload[] = [];
    for (const bytes of [a, b]) {
      const res = await create("alice", { conversationId: conv, size: bytes.length });
      expect(res.errors).toBeUndefined();
      const u = res.data!.createMediaUpload;
      for (const p of u.parts) expect(await putPart(u, bytes, p.number)).toBe(200);
      uploads.push(u);
    }
    const [ua, ub] = uploads as [Upload, Upload];
    // 21 MiB together: over the message's 20 MiB, refused before anything is assembled.
    const together = await t.gql("alice", SEND, {
      i: { conversationId: conv, media: [{ uploadId: ua.id }, { uploadId: ub.id }] },
    });
    expect(codeOf(together)).toBe("PAYLOAD_TOO_LARGE");
    // An upload, then a multipart file that passes the total mid-stream: the upload was assembled, the send refused.
    const mixed = await postMultipart(
      t.graphqlUrl,
      await t.token("alice"),
      { query: SEND, variables: { i: { conversationId: conv, media: [{ uploadId: ua.id }, { file: null }] } } },
      [{ path: "variables.i.media.1.file", filename: "more.bin", body: generated(10 * MiB, 8) }],
    );
    expect(codeOf(mixed.json)).toBe("PAYLOAD_TOO_LARGE");
    expect(await t.sql`select id from messages where conversation_id = ${conv}`).toEqual([]);
    expect(await t.objects(`media/${conv}/`)).toEqual([`media/${conv}/${ua.id}`]);
    // The orphan sweep spares the assembled object of a live session, whatever the grace.
    await t.sweep(0);
    const seen = (await t.gql<{ mediaUpload: Upload | null }>("alice", GET, { id: ua.id })).data?.mediaUpload;
    expect(seen?.parts.every((p) => p.uploaded)).toBe(true);
    for (const [u, bytes] of [
      [ua, a],
      [ub, b],
    ] as const) {
      const res = await t.gql<{ sendMediaMessage: { media: SentMedia[] } }>("alice", SEND, {
        i: { conversationId: conv, media: [{ uploadId: u.id }] },
      });
      expect(res.errors).toBeUndefined();
      expect(res.data!.sendMediaMessage.media[0]).toMatchObject({ size: bytes.length, sha256: sha256(bytes) });
    }
  });

  it("charges a session's bytes to the upload byte budget when it starts (RATE_LIMITED with retryAfterSeconds)", async () => {
    const conv = (
      await t.gql<{ createConversation: { id: string } }>("dave", `mutation { createConversation(input: {}) { id } }`)
    ).data!.createConversation.id;
    for (let i = 0; i < 5; i++) {
      expect(codeOf(await create("dave", { conversationId: conv, size: 12 * MiB }))).toBeUndefined();
    }
    const limited = await create("dave", { conversationId: conv, size: 1 });
    expect(codeOf(limited)).toBe("RATE_LIMITED");
    expect((limited.errors![0]!.extensions as { retryAfterSeconds?: number }).retryAfterSeconds).toBeGreaterThan(0);
  });
});
