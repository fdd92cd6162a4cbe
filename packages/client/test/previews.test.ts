// Media derivatives through the SDK on a real server: width/height at send, the placeholder and
// previews once the server's job has made them (announced by messageUpdated, reason MEDIA), and
// preview URLs under the same refresh rules as content URLs, batched into the same request.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, type Message } from "../src/index.ts";
import { WebSocket } from "../src/node.ts";
import { countingFetch, download, eventually, startTestServer, type TestServer } from "./support.ts";
import { readFixture } from "@parley/testkit";

// 1200 × 900 JPEG with EXIF orientation 6 (shown as 900 × 1200), made with sharp.
const portrait = readFixture("portrait.jpg");
const pdf = readFixture("report.pdf");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Width and height from a WebP's header (VP8, VP8L or VP8X), so a test can check what it downloaded. */
function webpSize(b: Buffer): { width: number; height: number } {
  expect(b.toString("latin1", 0, 4)).toBe("RIFF");
  expect(b.toString("latin1", 8, 12)).toBe("WEBP");
  const chunk = b.toString("latin1", 12, 16);
  if (chunk === "VP8X") return { width: 1 + b.readUIntLE(24, 3), height: 1 + b.readUIntLE(27, 3) };
  if (chunk === "VP8L") {
    const bits = b.readUInt32LE(21);
    return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >> 14) & 0x3fff) };
  }
  return { width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
}

let t: TestServer;
beforeAll(async () => {
  // URLs live 36 s: 6 s later they are within the 30 s refresh margin.
  t = await startTestServer({ env: { MEDIA_URL_TTL_SECONDS: "36" } });
});
afterAll(() => t?.close());

/** Sends `files` as alice and resolves with the message as messageUpdated (reason MEDIA) brings it. */
async function sendAndAwaitPreviews(files: { media: Buffer; filename: string }[]) {
  const f = countingFetch();
  const client = createClient({ url: t.url, token: await t.token("alice"), fetch: f, webSocketImpl: WebSocket });
  const { id } = await client.createConversation();
  const conversation = client.conversation(id);
  const updates: { message: Message; reasons: readonly string[] }[] = [];
  const stop = conversation.on("messageUpdated", (u) => void updates.push(u));
  await stop.ready;
  const builder = conversation.prepareMessage();
  for (const file of files) builder.addMedia(file);
  const sent = await (await builder.build()).send();
  const images = files.filter((x) => !x.filename.endsWith(".pdf")).length;
  // One update per image (each job announces its own), the last carrying every preview.
  const updated = await eventually(async () => {
    const mine = updates.filter((u) => u.message.id === sent.id);
    expect(mine.length).toBe(images);
    return mine.at(-1)!;
  }, 60_000);
  stop();
  await client.close();
  return { sent, updated, f };
}

describe("Media derivatives in the SDK", () => {
  let sent: Message;
  let updated: { message: Message; reasons: readonly string[] };
  let f: ReturnType<typeof countingFetch>;
  beforeAll(async () => {
    ({ sent, updated, f } = await sendAndAwaitPreviews([
      { media: portrait, filename: "portrait.jpg" },
      { media: pdf, filename: "report.pdf" },
    ]));
  });

  it("knows width and height from the send (orientation applied); placeholder and preview once made", async () => {
    const [image, doc] = sent.media;
    expect({ width: image!.width, height: image!.height }).toEqual({ width: 900, height: 1200 });
    expect({ width: doc!.width, height: doc!.height, preview: doc!.preview, placeholder: doc!.placeholder }).toEqual({
      width: null,
      height: null,
      preview: null,
      placeholder: null,
    });
    expect(updated.reasons).toEqual(["MEDIA"]);
    const ready = updated.message.media[0]!;
    expect(ready.placeholder).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(ready.preview).toMatchObject({ width: 240, height: 320, contentType: "image/webp" });
    expect(ready.preview!.temporaryUrlExpiresAt).toBeInstanceOf(Date);
    expect(ready.toJSON()).toMatchObject({ width: 900, height: 1200, placeholder: ready.placeholder });
  });

  it("hands out the 320 px preview in hand without a request, and asks once for another size", async () => {
    const ready = updated.message.media[0]!;
    const before = f.calls.length;
    const url = await ready.getPreviewUrl();
    expect(url).toBe(ready.preview!.temporaryUrl);
    expect(f.calls.length).toBe(before);
    const small = await download(url!);
    expect(small.status).toBe(200);
    expect(webpSize(small.bytes)).toEqual({ width: 240, height: 320 });

    const [big, again] = await Promise.all([ready.getPreviewUrl(1024), ready.getPreviewUrl(1024)]);
    expect(big).toBe(again);
    expect(f.calls.slice(before).map((c) => c.operation)).toEqual(["MessageMedia"]);
    expect(await ready.getPreviewUrl(1024)).toBe(big);
    expect(f.calls.length).toBe(before + 1);
    const large = await download(big!);
    expect(webpSize(large.bytes)).toEqual({ width: 768, height: 1024 });
    // The largest made that fits: 100 gets the 64 px one.
    const tiny = await download((await ready.getPreviewUrl(100))!);
    expect(webpSize(tiny.bytes)).toEqual({ width: 48, height: 64 });
  });

  it("answers null for media without previews, and asks the server again only after 5 s", async () => {
    const doc = updated.message.media[1]!;
    const before = f.calls.length;
    expect(await doc.getPreviewUrl()).toBeNull();
    expect(await doc.getPreviewUrl(1024)).toBeNull(); // not an image: nothing to ask
    expect(f.calls.length).toBe(before);
    // The message as sent: the image's preview was not made yet, so its null is asked again.
    const pending = sent.media[0]!;
    expect(pending.preview).toBeNull();
    await sleep(5_100);
    const url = await pending.getPreviewUrl();
    expect(f.calls.slice(before).map((c) => c.operation)).toEqual(["MessageMedia"]);
    expect(url).not.toBeNull();
    expect(pending.placeholder).toBe(updated.message.media[0]!.placeholder);
  });

  it("refuses a size outside 16..1024 with the API's BAD_USER_INPUT", async () => {
    await expect(updated.message.media[0]!.getPreviewUrl(2000)).rejects.toMatchObject({ code: "BAD_USER_INPUT" });
  });
});

describe("preview URLs about to expire", () => {
  it("are renewed with the content URLs in one request per message, and work", async () => {
    const { updated, f } = await sendAndAwaitPreviews([
      { media: portrait, filename: "a.jpg" },
      { media: portrait, filename: "b.jpg" },
    ]);
    const message = updated.message;
    const [a, b] = message.media;
    const stale = { content: a!.temporaryUrl, preview: a!.preview!.temporaryUrl };
    await sleep(6_200); // now within 30 s of expiry
    const before = f.calls.length;
    const [urls, previewA, previewB, contentB] = await Promise.all([
      message.getTemporaryContentUrlsForAttachedMedia(),
      a!.getPreviewUrl(),
      b!.getPreviewUrl(),
      b!.getContentTemporaryUrl(),
    ]);
    // Four callers, content URLs and previews of both media: one MessageMedia request.
    expect(f.calls.slice(before).map((c) => c.operation)).toEqual(["MessageMedia"]);
    expect(urls.get(a!.id)).not.toBe(stale.content);
    expect(previewA).not.toBe(stale.preview);
    expect(a!.preview!.temporaryUrlExpiresAt.getTime() - Date.now()).toBeGreaterThan(30_000);
    for (const url of [urls.get(a!.id)!, previewA!, previewB!, contentB])
      expect((await download(url)).status).toBe(200);
    // Everything is fresh now: no request for either.
    await message.getTemporaryContentUrlsForAttachedMedia();
    expect(await message.getPreviewUrlsForAttachedMedia()).toEqual(
      new Map([
        [a!.id, previewA],
        [b!.id, previewB],
      ]),
    );
    expect(f.calls.length).toBe(before + 1);
    // Another size for the whole message: one request, which renews the content URLs too.
    const large = await message.getPreviewUrlsForAttachedMedia(1024);
    expect(f.calls.length).toBe(before + 2);
    expect([...large.values()].every((u) => typeof u === "string")).toBe(true);
    for (const url of large.values())
      expect(webpSize((await download(url!)).bytes)).toEqual({ width: 768, height: 1024 });
  });
});
