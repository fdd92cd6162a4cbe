import { readFileSync } from "node:fs";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, ParleyError, type FetchLike, type UploadProgress } from "../src/index.ts";
import { mediaFromPath } from "../src/node.ts";
import {
  bytesOf,
  clientFor,
  countingFetch,
  download,
  eventually,
  sha256,
  startTestServer,
  type TestServer,
} from "./support.ts";
import { fixturePath } from "@parley/testkit";

const photoPath = fixturePath("photo.png");
const pdfPath = fixturePath("report.pdf");
const photo = readFileSync(photoPath);
const pdf = readFileSync(pdfPath);

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

async function conversationOf(identity = "alice", participants: string[] = []) {
  const client = await clientFor(t, identity);
  const { id } = await client.createConversation({ participants });
  return { client, id, conversation: client.conversation(id) };
}

const messageCount = async (conversationId: string) =>
  (await t.sql`select count(*)::int as n from messages where conversation_id = ${conversationId}`)[0]!.n as number;

/** Asserts the progress contract: overall strictly rising, per file never falling, ending at the total. */
function expectCompleteProgress(events: UploadProgress[], sizes: number[]) {
  expect(events.length).toBeGreaterThan(0);
  const total = sizes.reduce((a, b) => a + b, 0);
  for (let i = 1; i < events.length; i++) {
    expect(events[i]!.loaded).toBeGreaterThan(events[i - 1]!.loaded);
    events[i]!.files.forEach((f, j) => expect(f.loaded).toBeGreaterThanOrEqual(events[i - 1]!.files[j]!.loaded));
  }
  for (const e of events) {
    expect(e.total).toBe(total);
    expect(e.loaded).toBeLessThanOrEqual(total);
    expect(e.loaded).toBe(e.files.reduce((a, f) => a + f.loaded, 0));
  }
  const last = events.at(-1)!;
  expect(last.loaded).toBe(total);
  expect(last.files.map((f) => f.loaded)).toEqual(sizes);
  expect(last.files.map((f) => f.total)).toEqual(sizes);
}

describe("MessageBuilder", () => {
  it("sends a builder message without media as a text message", async () => {
    const { conversation, id } = await conversationOf();
    const unsent = await conversation.prepareMessage().setBody("just text").setAttributes({ kind: "note" }).build();
    expect(unsent.media).toEqual([]);
    const message = await unsent.send();
    expect(message).toMatchObject({
      type: "TEXT",
      body: "just text",
      attributes: { kind: "note" },
      index: 0,
      media: [],
    });
    expect(await messageCount(id)).toBe(1);
  });

  it("sends one Buffer attachment; the downloaded bytes equal the upload", async () => {
    const { conversation, id } = await conversationOf("alice", ["bob"]);
    const message = await (
      await conversation.prepareMessage().addMedia({ media: photo, filename: "photo.png" }).build()
    ).send();
    expect(message).toMatchObject({ type: "MEDIA", body: null });
    expect(message.media).toHaveLength(1);
    const [media] = message.media;
    expect(media).toMatchObject({
      filename: "photo.png",
      contentType: "image/png",
      size: photo.length,
      sha256: sha256(photo),
    });
    const bob = await clientFor(t, "bob");
    const read = await bob.getMessage(message.id);
    const got = await download(await read.media[0]!.getContentTemporaryUrl());
    expect(got.status).toBe(200);
    expect(sha256(got.bytes)).toBe(sha256(photo));
    // The original alone (the preview job may have stored its renditions by now).
    expect((await t.objects(`media/${id}/`)).filter((k) => !k.includes(".preview-"))).toHaveLength(1);
  });

  it("serialises messages and media to plain JSON, without cycles or the token", async () => {
    const token = await t.token("alice");
    const client = createClient({ url: t.url, token });
    const { id } = await client.createConversation();
    const message = await (
      await client.conversation(id).prepareMessage().addMedia({ media: photo, filename: "p.png" }).build()
    ).send();
    const json = JSON.parse(JSON.stringify(message)) as Record<string, unknown> & { media: Record<string, unknown>[] };
    expect(json).toMatchObject({ id: message.id, index: 0, author: "alice", type: "MEDIA", conversationId: id });
    expect(json.media[0]).toEqual({
      id: message.media[0]!.id,
      category: "MEDIA",
      filename: "p.png",
      contentType: "image/png",
      size: photo.length,
      sha256: sha256(photo),
      temporaryUrl: message.media[0]!.temporaryUrl,
      temporaryUrlExpiresAt: message.media[0]!.temporaryUrlExpiresAt.toISOString(),
      width: 64,
      height: 48,
      // Made after the send.
      placeholder: null,
      preview: null,
    });
    const conversation = await client.getConversation(id);
    for (const value of [message, conversation, client, client.conversation(id)])
      expect(JSON.stringify(value)).not.toContain(token);
  });

  it("sends a Buffer, a Blob and a Node stream in ONE multipart request, with progress per file to 100%", async () => {
    const f = countingFetch();
    const alice = await clientFor(t, "alice", { fetch: f });
    const { id } = await alice.createConversation({ participants: ["bob"] });
    const big = bytesOf(3 * 1024 * 1024 + 17, 7);
    const events: UploadProgress[] = [];
    const unsent = await alice
      .conversation(id)
      .prepareMessage()
      .setBody("three files")
      .setAttributes({ batch: 3 })
      .addMedia({ media: photo, filename: "photo.png", contentType: "image/png" })
      .addMedia({ media: new Blob([pdf], { type: "application/pdf" }), filename: "report.pdf" })
      .addMedia({
        media: Readable.from([big.subarray(0, 1_000_000), big.subarray(1_000_000)]),
        filename: "data.bin",
        size: big.length,
      })
      .build();
    expect(unsent.media).toEqual([
      { filename: "photo.png", contentType: "image/png", size: photo.length },
      { filename: "report.pdf", contentType: "application/pdf", size: pdf.length },
      { filename: "data.bin", contentType: null, size: big.length },
    ]);
    const callsBefore = f.calls.length;
    const started = performance.now();
    const message = await unsent.send({ onProgress: (p) => events.push(structuredClone(p)) });
    const elapsed = performance.now() - started;
    const uploads = f.calls.slice(callsBefore);
    expect(uploads).toHaveLength(1);
    expect(uploads[0]!.contentType).toMatch(/^multipart\/form-data; boundary=/);
    expectCompleteProgress(events, [photo.length, pdf.length, big.length]);
    // 64 KiB chunks: one event per chunk handed to the network.
    expect(events.length).toBeGreaterThanOrEqual(Math.ceil(big.length / 65536));
    console.info(`3 files, ${events.at(-1)!.total} bytes: ${events.length} progress events, ${elapsed.toFixed(0)} ms`);

    expect(message).toMatchObject({ body: "three files", attributes: { batch: 3 }, type: "MEDIA" });
    expect(message.media.map((m) => [m.filename, m.contentType, m.size, m.sha256])).toEqual([
      ["photo.png", "image/png", photo.length, sha256(photo)],
      ["report.pdf", "application/pdf", pdf.length, sha256(pdf)],
      ["data.bin", "application/octet-stream", big.length, sha256(big)],
    ]);
    const urls = await message.getTemporaryContentUrlsForAttachedMedia();
    expect([...urls.keys()]).toEqual(message.media.map((m) => m.id));
    const originals = [photo, pdf, big];
    for (const [i, media] of message.media.entries()) {
      const got = await download(urls.get(media.id)!);
      expect(sha256(got.bytes)).toBe(sha256(originals[i]!));
    }
    expect(await t.objects(`media/${id}/`)).toHaveLength(3);
  });

  it("takes a web ReadableStream with and without a declared size, and a file path via @parley/client/node", async () => {
    const { conversation } = await conversationOf();
    const bytes = bytesOf(300_000, 3);
    const sized: UploadProgress[] = [];
    const a = await (
      await conversation
        .prepareMessage()
        .addMedia({ media: new Blob([bytes]).stream(), filename: "a.bin", size: bytes.length })
        .build()
    ).send({ onProgress: (p) => sized.push(p) });
    expect(a.media[0]).toMatchObject({ size: bytes.length, sha256: sha256(bytes) });
    expectCompleteProgress(sized, [bytes.length]);

    const unsized: UploadProgress[] = [];
    const b = await (
      await conversation
        .prepareMessage()
        .addMedia({ media: new Blob([bytes]).stream(), filename: "b.bin" })
        .build()
    ).send({
      onProgress: (p) => unsized.push(p),
    });
    expect(b.media[0]).toMatchObject({ size: bytes.length, sha256: sha256(bytes) });
    expect(unsized.every((p) => p.total === null)).toBe(true);
    expect(unsized.at(-1)!.loaded).toBe(bytes.length);

    const c = await (
      await conversation
        .prepareMessage()
        .addMedia(await mediaFromPath(pdfPath))
        .build()
    ).send();
    expect(c.media[0]).toMatchObject({
      filename: "report.pdf",
      contentType: "application/pdf",
      size: pdf.length,
      sha256: sha256(pdf),
    });
  });

  it("refuses a stream whose bytes do not match its declared size, storing nothing", async () => {
    const { conversation, id } = await conversationOf();
    const unsent = await conversation
      .prepareMessage()
      .addMedia({ media: Readable.from([bytesOf(1000)]), filename: "x.bin", size: 999 })
      .build();
    await expect(unsent.send()).rejects.toMatchObject({ name: "ParleyError", code: "BAD_USER_INPUT" });
    await eventually(async () => expect(await t.objects(`media/${id}/`)).toEqual([]));
    expect(await messageCount(id)).toBe(0);
  });

  it("never duplicates a message when the same UnsentMessage is sent again", async () => {
    const { conversation, id } = await conversationOf();
    const unsent = await conversation
      .prepareMessage()
      .setBody("once")
      .addMedia({ media: photo, filename: "p.png" })
      .build();
    const first = await unsent.send();
    const second = await unsent.send();
    expect(second.id).toBe(first.id);
    expect(await messageCount(id)).toBe(1);
    // One original (its previews, made by the job after the send, are not copies of the upload).
    expect((await t.objects(`media/${id}/`)).filter((k) => !k.includes(".preview-"))).toHaveLength(1);
  });

  it("aborting mid-upload rejects with an AbortError and leaves no message and no object", async () => {
    const { conversation, id } = await conversationOf();
    const big = bytesOf(24 * 1024 * 1024, 5);
    const unsent = await conversation
      .prepareMessage()
      .setBody("never")
      .addMedia({ media: big, filename: "big.bin" })
      .build();
    const controller = new AbortController();
    let abortedAt = 0;
    const events: UploadProgress[] = [];
    const error = await unsent
      .send({
        signal: controller.signal,
        onProgress: (p) => {
          events.push(p);
          if (!controller.signal.aborted && p.loaded > p.total! / 3) {
            abortedAt = p.loaded;
            controller.abort();
          }
        },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe("AbortError");
    expect(abortedAt).toBeGreaterThan(0);
    expect(abortedAt).toBeLessThan(big.length);
    expect(events.at(-1)!.loaded).toBeLessThan(big.length);
    await eventually(async () => expect(await t.objects(`media/${id}/`)).toEqual([]));
    expect(await messageCount(id)).toBe(0);
    // The conversation's next message still gets index 0: the aborted send consumed none.
    const retry = await unsent.send();
    expect(retry.index).toBe(0);
    expect(await messageCount(id)).toBe(1);
  });

  it("rejects at once with an AbortError when the signal is already aborted, sending nothing", async () => {
    const f = countingFetch();
    const alice = await clientFor(t, "alice", { fetch: f });
    const { id } = await alice.createConversation();
    const unsent = await alice.conversation(id).prepareMessage().addMedia({ media: photo }).build();
    const before = f.calls.length;
    await expect(unsent.send({ signal: AbortSignal.abort() })).rejects.toMatchObject({ name: "AbortError" });
    expect(f.calls.length).toBe(before);
  });
});

describe("server refusals during an upload", () => {
  it("arrive as a ParleyError with the server's code (not a socket error), storing nothing", async () => {
    const { id } = await conversationOf("alice");
    const aliceToken = await t.token("alice");
    // Mallory's limits lookup goes out as alice, so build() passes and the upload itself is refused.
    const asAliceForJson: FetchLike = (input, init) => {
      const headers = new Headers(init?.headers);
      if (headers.get("content-type") === "application/json") headers.set("authorization", `Bearer ${aliceToken}`);
      return fetch(input, { ...init, headers });
    };
    const mallory = await clientFor(t, "mallory", { fetch: asAliceForJson });
    const unsent = await mallory
      .conversation(id)
      .prepareMessage()
      .addMedia({ media: bytesOf(8 << 20), filename: "x.bin" })
      .build();
    // The multipart path (an upload session's requests are JSON, which this fetch sends as alice).
    const error = await unsent.send({ resumable: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParleyError);
    expect(error).toMatchObject({ code: "FORBIDDEN" });
    expect((error as ParleyError).message).toMatch(/not a participant/);
    expect(await t.objects(`media/${id}/`)).toEqual([]);
    expect(await messageCount(id)).toBe(0);
  });
});

describe("client-side limits", () => {
  let small: TestServer;
  beforeAll(async () => {
    small = await startTestServer({
      env: { MEDIA_MAX_FILES: "2", MEDIA_MAX_FILE_BYTES: "4000", MEDIA_MAX_TOTAL_BYTES: "6000" },
    });
  });
  afterAll(() => small?.close());

  it("refuses too many files, a file too large and too many bytes before any upload", async () => {
    const f = countingFetch();
    const client = createClient({ url: small.url, token: await small.token("alice"), fetch: f });
    const { id, limits } = await client.createConversation();
    expect(limits).toMatchObject({
      mediaAttachmentsCountLimit: 2,
      mediaAttachmentSizeLimitInBytes: 4000,
      mediaAttachmentsTotalSizeLimitInBytes: 6000,
    });
    const conversation = client.conversation(id);
    const cases: [string, () => Promise<unknown>, string][] = [
      [
        "count",
        () =>
          conversation
            .prepareMessage()
            .addMedia({ media: bytesOf(10) })
            .addMedia({ media: bytesOf(10) })
            .addMedia({ media: bytesOf(10) })
            .buildAndSend(),
        "PAYLOAD_TOO_LARGE",
      ],
      [
        "file size",
        () =>
          conversation
            .prepareMessage()
            .addMedia({ media: bytesOf(4001) })
            .buildAndSend(),
        "PAYLOAD_TOO_LARGE",
      ],
      [
        "total",
        () =>
          conversation
            .prepareMessage()
            .addMedia({ media: bytesOf(3500) })
            .addMedia({ media: new Blob([bytesOf(3500)]) })
            .buildAndSend(),
        "PAYLOAD_TOO_LARGE",
      ],
      [
        "declared stream size",
        () =>
          conversation
            .prepareMessage()
            .addMedia({ media: Readable.from([bytesOf(10)]), size: 5000 })
            .buildAndSend(),
        "PAYLOAD_TOO_LARGE",
      ],
      ["body length", () => conversation.prepareMessage().setBody("é".repeat(32769)).buildAndSend(), "BAD_USER_INPUT"],
      [
        "attributes size",
        () =>
          conversation
            .prepareMessage()
            .setBody("x")
            .setAttributes({ a: "x".repeat(16 * 1024) })
            .buildAndSend(),
        "BAD_USER_INPUT",
      ],
      ["empty", () => conversation.prepareMessage().buildAndSend(), "BAD_USER_INPUT"],
      [
        "not media",
        () =>
          conversation
            .prepareMessage()
            .addMedia({ media: "text" as never })
            .buildAndSend(),
        "BAD_USER_INPUT",
      ],
    ];
    const before = f.calls.length;
    for (const [name, build, code] of cases) {
      const error = await build().catch((e: unknown) => e);
      expect(error, name).toBeInstanceOf(ParleyError);
      expect((error as ParleyError).code, name).toBe(code);
      expect((error as ParleyError).status, name).toBeNull();
    }
    // Not even a limits lookup went out (the client keeps the limits createConversation returned);
    // no multipart request at all.
    const sent = f.calls.slice(before);
    expect(sent.map((c) => c.operation)).toEqual([]);
    expect(f.calls.some((c) => c.contentType?.startsWith("multipart/"))).toBe(false);
    expect(await small.objects(`media/${id}/`)).toEqual([]);
    // Exactly at the limits is fine.
    const ok = await (
      await conversation
        .prepareMessage()
        .addMedia({ media: bytesOf(4000) })
        .addMedia({ media: bytesOf(2000) })
        .build()
    ).send();
    expect(ok.media.map((m) => m.size)).toEqual([4000, 2000]);
  });

  it("builds synchronously: build() refuses what breaks limits it knows, send() checks the rest first", async () => {
    const f = countingFetch();
    const client = createClient({ url: small.url, token: await small.token("alice"), fetch: f });
    const loaded = await client.createConversation(); // a loaded Conversation knows its limits
    const tooBig = () =>
      loaded
        .prepareMessage()
        .addMedia({ media: bytesOf(4001), filename: "big.bin" })
        .build();
    expect(tooBig).toThrow(ParleyError);
    expect(tooBig).toThrow(/media #1 \(big.bin\) is 4001 bytes; this conversation allows 4000 per file/);

    // Another client (another tab) has not seen this conversation: its limits are unknown.
    const other = createClient({ url: small.url, token: await small.token("alice"), fetch: f });
    const handle = other.conversation(loaded.id);
    const unsent = handle
      .prepareMessage()
      .addMedia({ media: bytesOf(4001) })
      .build();
    const before = f.calls.length;
    await expect(unsent.send()).rejects.toMatchObject({ code: "PAYLOAD_TOO_LARGE", status: null });
    expect(f.calls.slice(before).map((c) => c.operation)).toEqual(["ConversationLimits"]);
    expect(() =>
      handle
        .prepareMessage()
        .addMedia({ media: bytesOf(4001) })
        .build(),
    ).toThrow(/4001 bytes/);
    expect(f.calls.some((c) => c.contentType?.startsWith("multipart/"))).toBe(false);

    // Twilio's chain, and its one-call form.
    const chained = await handle.prepareMessage().setBody("chained").build().send();
    const direct = await handle
      .prepareMessage()
      .addMedia({ media: bytesOf(100), filename: "a.bin" })
      .buildAndSend();
    expect([chained.body, chained.index, direct.index, direct.media[0]!.size]).toEqual(["chained", 0, 1, 100]);
    await expect(handle.prepareMessage().buildAndSend()).rejects.toMatchObject({ code: "BAD_USER_INPUT" });
    expect(await small.objects(`media/${loaded.id}/`)).toHaveLength(1);
  });

  it("stops a stream of undeclared size once it passes the per-file limit, storing nothing", async () => {
    const client = createClient({ url: small.url, token: await small.token("alice") });
    const { id } = await client.createConversation();
    const unsent = await client
      .conversation(id)
      .prepareMessage()
      .addMedia({ media: Readable.from([bytesOf(3000), bytesOf(3000)]), filename: "s.bin" })
      .build();
    await expect(unsent.send()).rejects.toMatchObject({ name: "ParleyError", code: "PAYLOAD_TOO_LARGE", status: null });
    await eventually(async () => expect(await small.objects(`media/${id}/`)).toEqual([]));
    expect((await small.sql`select count(*)::int as n from messages where conversation_id = ${id}`)[0]!.n).toBe(0);
  });
});

describe("tokens during uploads", () => {
  it("refreshes an expiring token before streaming a one-shot Node stream", async () => {
    let calls = 0;
    const client = createClient({ url: t.url, getToken: () => t.token("alice", ++calls === 1 ? 1 : 3600) });
    const { id } = await client.createConversation();
    await new Promise((r) => setTimeout(r, 2100));
    const unsent = await client
      .conversation(id)
      .prepareMessage()
      .addMedia({ media: Readable.from([pdf]), filename: "r.pdf", size: pdf.length })
      .build();
    const message = await unsent.send();
    expect(message.media[0]!.sha256).toBe(sha256(pdf));
    expect(calls).toBe(2);
  });

  it("sends a Blob/Buffer upload again with a fresh token when the server refuses the first, progress never going back", async () => {
    let tokens = 0;
    let multipart = 0;
    // The server really refuses the first upload: this fetch swaps in a revoked token on it.
    const revokingFetch: FetchLike = (input, init) => {
      const headers = new Headers(init?.headers);
      if (headers.get("content-type")?.startsWith("multipart/") && ++multipart === 1)
        headers.set("authorization", "Bearer revoked");
      return fetch(input, { ...init, headers });
    };
    const client = createClient({ url: t.url, fetch: revokingFetch, getToken: () => (tokens++, t.token("alice")) });
    const { id } = await client.createConversation();
    const unsent = await client
      .conversation(id)
      .prepareMessage()
      .addMedia({ media: bytesOf(500_000, 9), filename: "x.bin" })
      .build();
    const events: UploadProgress[] = [];
    const message = await unsent.send({ onProgress: (p) => events.push(p) });
    expect(message.media[0]!.size).toBe(500_000);
    expect(multipart).toBe(2);
    expect(tokens).toBe(2);
    expectCompleteProgress(events, [500_000]);
    expect(await messageCount(id)).toBe(1);
  });
});
