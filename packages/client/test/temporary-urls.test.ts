import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../src/index.ts";
import { bytesOf, countingFetch, download, sha256, startTestServer, type TestServer } from "./support.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const bytes = bytesOf(200_000, 11);

async function sendTwoFiles(t: TestServer, f = countingFetch()) {
  const client = createClient({ url: t.url, token: await t.token("alice"), fetch: f });
  const { id } = await client.createConversation();
  const unsent = await client
    .conversation(id)
    .prepareMessage()
    .addMedia({ media: bytes, filename: "a.bin" })
    .addMedia({ media: new Blob([bytes]), filename: "b.bin" })
    .build();
  return { message: await unsent.send(), f };
}

describe("temporary URLs 36 s long: refreshed once within 30 s of expiry", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ env: { MEDIA_URL_TTL_SECONDS: "36" } });
  });
  afterAll(() => t?.close());

  it("hands out the URL in hand while fresh, and one new URL per message once it is about to expire", async () => {
    const { message, f } = await sendTwoFiles(t);
    const [a, b] = message.media;
    const firstUrl = a!.temporaryUrl;
    const firstExpiry = a!.temporaryUrlExpiresAt.getTime();
    expect(firstExpiry - Date.now()).toBeGreaterThan(30_000);
    const before = f.calls.length;
    expect(await a!.getContentTemporaryUrl()).toBe(firstUrl);
    expect((await message.getTemporaryContentUrlsForAttachedMedia()).get(a!.id)).toBe(firstUrl);
    expect(f.calls.length).toBe(before);

    await sleep(6200); // now within 30 s of expiry
    const [urlA, urls] = await Promise.all([
      a!.getContentTemporaryUrl(),
      message.getTemporaryContentUrlsForAttachedMedia(),
      b!.getContentTemporaryUrl(),
    ]);
    // Three concurrent callers, one MessageMedia request.
    expect(f.calls.slice(before).map((c) => c.operation)).toEqual(["MessageMedia"]);
    expect(urlA).not.toBe(firstUrl);
    expect(a!.temporaryUrlExpiresAt.getTime()).toBeGreaterThan(firstExpiry);
    expect(urls.get(b!.id)).toBe(b!.temporaryUrl);
    for (const url of [urlA, urls.get(b!.id)!]) {
      const got = await download(url);
      expect(got.status).toBe(200);
      expect(sha256(got.bytes)).toBe(sha256(bytes));
    }
  });
});

describe("temporary URLs 3 s long", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ env: { MEDIA_URL_TTL_SECONDS: "3" } });
  });
  afterAll(() => t?.close());

  it("replaces an expired URL, which the store refuses, with one that works", async () => {
    const { message } = await sendTwoFiles(t);
    const media = message.media[0]!;
    const stale = media.temporaryUrl;
    await sleep(4200);
    expect((await download(stale)).status).toBeGreaterThanOrEqual(400);
    const fresh = await media.getContentTemporaryUrl();
    expect(fresh).not.toBe(stale);
    const got = await download(fresh);
    expect(got.status).toBe(200);
    expect(sha256(got.bytes)).toBe(media.sha256);
  });
});
