import { describe, expect, it } from "vitest";
import { MAX_FORCED_REFRESHES, MediaUrls, sameOriginMediaUrl, type MediaUrlFields } from "./media-urls.ts";

/** The API side: each resolution signs a new URL valid for `ttl` ms from "now". */
function setup(ttlMs = 300_000) {
  let now = 1_000_000;
  let version = 0;
  const requests: string[] = [];
  const sign = (id: string): MediaUrlFields => ({
    id,
    temporaryUrl: `https://store.example/${id}?v=${++version}`,
    temporaryUrlExpiresAt: new Date(now + ttlMs).toISOString(),
  });
  const urls = new MediaUrls(
    async (messageId) => {
      requests.push(messageId);
      await Promise.resolve();
      return [sign("m1"), sign("m2")];
    },
    () => now,
  );
  return { urls, requests, sign, advance: (ms: number) => (now += ms) };
}

describe("MediaUrls", () => {
  it("hands out the URL that came with the message while it is fresh, without a request", async () => {
    const { urls, requests, sign } = setup();
    const first = sign("m1");
    urls.seed([first]);
    expect(await urls.get("msg", "m1")).toBe(first.temporaryUrl);
    expect(requests).toEqual([]);
  });

  it("refreshes a URL that has expired or is within 30 s of expiring", async () => {
    const { urls, requests, sign, advance } = setup();
    const first = sign("m1");
    urls.seed([first]);
    advance(300_000 - 29_000);
    const next = await urls.get("msg", "m1");
    expect(next).not.toBe(first.temporaryUrl);
    expect(requests).toEqual(["msg"]);
    expect(await urls.get("msg", "m1")).toBe(next);
    expect(requests).toHaveLength(1);
  });

  it("scales the margin down for short lifetimes instead of refreshing on every use", async () => {
    const { urls, requests, sign, advance } = setup(10_000);
    urls.seed([sign("m1")]);
    advance(5_000);
    await urls.get("msg", "m1");
    expect(requests).toEqual([]);
    advance(4_000); // 1 s left of 10 s: under a fifth of the lifetime
    await urls.get("msg", "m1");
    expect(requests).toEqual(["msg"]);
  });

  it("shares one request between attachments of a message refreshed at the same time", async () => {
    const { urls, requests, sign, advance } = setup();
    urls.seed([sign("m1"), sign("m2")]);
    advance(400_000);
    const [a, b] = await Promise.all([urls.get("msg", "m1"), urls.get("msg", "m2")]);
    expect(requests).toEqual(["msg"]);
    expect(a).toContain("/m1?");
    expect(b).toContain("/m2?");
  });

  it("replaces a URL that failed to load (403) even before its expiry", async () => {
    const { urls, requests, sign } = setup();
    const first = sign("m1");
    urls.seed([first]);
    const next = await urls.replaceFailed("msg", "m1", first.temporaryUrl);
    expect(next).not.toBeNull();
    expect(next).not.toBe(first.temporaryUrl);
    expect(requests).toEqual(["msg"]);
  });

  it("does not ask again when the failed URL was already replaced", async () => {
    const { urls, requests, sign } = setup();
    const first = sign("m1");
    urls.seed([first]);
    const next = await urls.replaceFailed("msg", "m1", first.temporaryUrl);
    expect(await urls.replaceFailed("msg", "m1", first.temporaryUrl)).toBe(next);
    expect(requests).toHaveLength(1);
  });

  it(`gives up after ${MAX_FORCED_REFRESHES} failed loads in a row, until the person retries`, async () => {
    const { urls, requests, sign } = setup();
    let url: string | null = sign("m1").temporaryUrl;
    urls.seed([{ id: "m1", temporaryUrl: url, temporaryUrlExpiresAt: new Date(2_000_000).toISOString() }]);
    for (let i = 0; i < MAX_FORCED_REFRESHES; i++) {
      url = await urls.replaceFailed("msg", "m1", url!);
      expect(url).not.toBeNull();
    }
    expect(await urls.replaceFailed("msg", "m1", url!)).toBeNull();
    expect(requests).toHaveLength(MAX_FORCED_REFRESHES);
    urls.reset("m1");
    expect(await urls.replaceFailed("msg", "m1", url!)).not.toBeNull();
  });

  it("forgets failures once a load works", async () => {
    const { urls, sign } = setup();
    let url: string | null = sign("m1").temporaryUrl;
    urls.seed([{ id: "m1", temporaryUrl: url, temporaryUrlExpiresAt: new Date(2_000_000).toISOString() }]);
    for (let i = 0; i < MAX_FORCED_REFRESHES; i++) url = await urls.replaceFailed("msg", "m1", url!);
    urls.loaded("m1");
    expect(await urls.replaceFailed("msg", "m1", url!)).not.toBeNull();
  });

  it("keeps the later-expiring URL when a message is seen again", () => {
    const { urls } = setup();
    urls.seed([{ id: "m1", temporaryUrl: "https://s/new", temporaryUrlExpiresAt: new Date(3_000_000).toISOString() }]);
    urls.seed([{ id: "m1", temporaryUrl: "https://s/old", temporaryUrlExpiresAt: new Date(2_000_000).toISOString() }]);
    expect(urls.peek("m1")).toBe("https://s/new");
  });

  it("rejects when the attachment is gone from the message", async () => {
    const { urls } = setup();
    await expect(urls.get("msg", "nope")).rejects.toThrow(/no longer part of message msg/);
  });
});

describe("sameOriginMediaUrl", () => {
  it("routes the API's /media URLs through the page's origin (the dev proxy)", () => {
    expect(
      sameOriginMediaUrl("http://127.0.0.1:4000/media/a/b?sig=1", "http://127.0.0.1:4000", "http://127.0.0.1:5173"),
    ).toBe("http://127.0.0.1:5173/media/a/b?sig=1");
  });
  it("leaves other URLs alone (MinIO, other paths, no dev origin)", () => {
    expect(sameOriginMediaUrl("http://127.0.0.1:9000/bucket/x?X-Amz=1", "http://127.0.0.1:4000", "http://p")).toBe(
      "http://127.0.0.1:9000/bucket/x?X-Amz=1",
    );
    expect(sameOriginMediaUrl("http://127.0.0.1:4000/graphql", "http://127.0.0.1:4000", "http://p")).toBe(
      "http://127.0.0.1:4000/graphql",
    );
    expect(sameOriginMediaUrl("http://127.0.0.1:4000/media/a", null, "http://p")).toBe("http://127.0.0.1:4000/media/a");
  });
});
