import { describe, expect, it } from "vitest";
import { downloadMedia, IN_MEMORY_DOWNLOAD_MAX_BYTES } from "./download.ts";
import { MediaUrls } from "./media-urls.ts";

function setup() {
  let version = 0;
  const urls = new MediaUrls(async () => [
    {
      id: "pdf",
      temporaryUrl: `https://s/pdf?v=${++version}`,
      temporaryUrlExpiresAt: new Date(Date.now() + 300_000).toISOString(),
    },
  ]);
  urls.seed([
    {
      id: "pdf",
      temporaryUrl: "https://s/pdf?v=0",
      temporaryUrlExpiresAt: new Date(Date.now() + 300_000).toISOString(),
    },
  ]);
  const saved: { name: string; blob: Blob }[] = [];
  const opened: string[] = [];
  const fetched: string[] = [];
  const save = (blob: Blob, name: string) => void saved.push({ name, blob });
  return { urls, saved, opened, fetched, save, open: (url: string) => void opened.push(url) };
}

const target = { messageId: "msg", mediaId: "pdf", filename: "report.pdf", size: 10 };

describe("downloadMedia", () => {
  it("saves the bytes under the attachment's name", async () => {
    const t = setup();
    const fetch = async (url: RequestInfo | URL) => (t.fetched.push(String(url)), new Response("%PDF-1.4"));
    await downloadMedia(t.urls, target, { fetch: fetch as typeof globalThis.fetch, save: t.save, open: t.open });
    expect(t.fetched).toEqual(["https://s/pdf?v=0"]);
    expect(t.saved.map((s) => s.name)).toEqual(["report.pdf"]);
    expect(await t.saved[0]!.blob.text()).toBe("%PDF-1.4");
  });

  it("answers a 403 (expired signature) with a fresh URL and one more try", async () => {
    const t = setup();
    const fetch = async (url: RequestInfo | URL) => {
      t.fetched.push(String(url));
      return String(url).endsWith("v=0")
        ? new Response("<Error>AccessDenied</Error>", { status: 403 })
        : new Response("%PDF");
    };
    await downloadMedia(t.urls, target, { fetch: fetch as typeof globalThis.fetch, save: t.save, open: t.open });
    expect(t.fetched).toEqual(["https://s/pdf?v=0", "https://s/pdf?v=1"]);
  });

  it("reports a download that fails after the refresh", async () => {
    const t = setup();
    const fetch = async () => new Response("", { status: 403 });
    await expect(downloadMedia(t.urls, target, { fetch, save: t.save, open: t.open })).rejects.toThrow(/HTTP 403/);
  });

  it("lets the browser fetch it when the store refuses cross-origin reads (CORS)", async () => {
    const t = setup();
    const fetch = async () => {
      throw new TypeError("Failed to fetch");
    };
    await downloadMedia(t.urls, target, { fetch, save: t.save, open: t.open });
    expect(t.opened).toEqual(["https://s/pdf?v=0"]);
  });

  it("hands very large files to the browser's download manager", async () => {
    const t = setup();
    const fetch = async () => new Response("never");
    await downloadMedia(
      t.urls,
      { ...target, size: IN_MEMORY_DOWNLOAD_MAX_BYTES + 1 },
      { fetch, save: t.save, open: t.open },
    );
    expect(t.opened).toHaveLength(1);
    expect(t.saved).toEqual([]);
  });
});
