// The SDK in Debian's Chromium (driven by playwright-core) against a real server: the browser
// path uploads with XMLHttpRequest, which Node never runs.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { build } from "esbuild";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumExecutable } from "@parley/testkit";
import type * as pageModule from "./browser/page.ts";
import { eventually, startTestServer, type TestServer } from "./support.ts";

type PageApi = typeof pageModule;
let t: TestServer;
let site: Server;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  // platform "browser": a Node built-in anywhere under src/index.ts fails this build.
  const bundle = await build({
    entryPoints: [new URL("./browser/page.ts", import.meta.url).pathname],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "silent",
  });
  const script = bundle.outputFiles[0]!.text;
  site = createServer((req, res) => {
    if (req.url === "/page.js") res.writeHead(200, { "content-type": "text/javascript" }).end(script);
    else
      res
        .writeHead(200, { "content-type": "text/html" })
        .end('<!doctype html><title>sdk</title><script type="module" src="/page.js"></script>');
  });
  site.listen(0, "127.0.0.1");
  await new Promise((r) => site.once("listening", r));
  t = await startTestServer();

  browser = await chromium.launch({
    executablePath: chromiumExecutable(),
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
  });
  page = await browser.newPage();
  page.on("pageerror", (e) => pageErrors.push(e.message));
  // The page is on another origin than the API: CORS preflight included.
  await page.goto(`http://127.0.0.1:${(site.address() as AddressInfo).port}/`);
  await page.waitForFunction(() => "parleyTest" in globalThis);
});
afterAll(async () => {
  await browser?.close();
  site?.close();
  await t?.close();
});

const call = <K extends keyof PageApi>(name: K, ...args: Parameters<PageApi[K]>) =>
  page.evaluate(
    ([fn, fnArgs]) =>
      (globalThis as unknown as { parleyTest: Record<string, (...a: unknown[]) => unknown> }).parleyTest[fn]!(
        ...fnArgs,
      ),
    [name, args] as const,
  ) as Promise<Awaited<ReturnType<PageApi[K]>>>;

describe("in Chromium", () => {
  it("uploads File, Blob and bytes with XMLHttpRequest in one request, progress per file to 100%, and downloads them byte-exact", async () => {
    const r = await call("uploadThree", t.graphqlUrl, await t.token("alice"));
    // The upload did not go through fetch: only JSON requests did.
    expect(r.fetched.length).toBeGreaterThan(0);
    expect(r.fetched.every((type) => type === "application/json")).toBe(true);
    const sizes = [3 << 20, 1 << 20, 200_000];
    expect(r.media).toEqual([
      { filename: "a.bin", size: sizes[0], sha256: r.expected[0] },
      { filename: "b.bin", size: sizes[1], sha256: r.expected[1] },
      { filename: "c.bin", size: sizes[2], sha256: r.expected[2] },
    ]);
    expect(r.downloads).toEqual(r.expected.map((sha256) => ({ status: 200, sha256 })));
    const { events } = r;
    expect(events.length).toBeGreaterThan(0);
    for (let i = 1; i < events.length; i++) {
      expect(events[i]!.loaded).toBeGreaterThan(events[i - 1]!.loaded);
      events[i]!.files.forEach((f, j) => expect(f.loaded).toBeGreaterThanOrEqual(events[i - 1]!.files[j]!.loaded));
    }
    expect(events.at(-1)).toMatchObject({
      loaded: sizes[0]! + sizes[1]! + sizes[2]!,
      total: sizes[0]! + sizes[1]! + sizes[2]!,
    });
    expect(events.at(-1)!.files.map((f) => f.loaded)).toEqual(sizes);
    console.info(`chromium: ${events.length} XMLHttpRequest progress events for ${events.at(-1)!.total} bytes`);
    const rows = await t.sql`select body from messages where id = ${r.messageId}`;
    expect(rows).toEqual([{ body: "from chromium" }]);
    expect(await t.objects(`media/${r.conversationId}/`)).toHaveLength(3);
    expect(pageErrors).toEqual([]);
  });

  it("receives live events over the browser's WebSocket from another origin: added in order, updated, removed", async () => {
    const r = await call("liveEvents", t.graphqlUrl, await t.token("alice"), await t.token("bob"));
    expect(r.added).toEqual([0, 1, 2, 3, 4].map((index) => ({ index, isMessage: true })));
    expect(r.update).toEqual({ index: 0, body: "edited in chromium", reasons: ["BODY"] });
    expect(r.removed).toEqual({ index: r.removedIndex, id: r.removedId, removedAt: true });
    expect(r.states).toEqual(["connecting", "connected", "disconnected"]);
    expect(pageErrors).toEqual([]);
  });

  it("cancels an XMLHttpRequest upload with AbortSignal: AbortError, no message, no object", async () => {
    const r = await call("abortUpload", t.graphqlUrl, await t.token("alice"));
    expect(r.errorName).toBe("AbortError");
    expect(r.abortedAt).toBeGreaterThan(0);
    expect(r.abortedAt).toBeLessThan(r.total);
    await eventually(async () => expect(await t.objects(`media/${r.conversationId}/`)).toEqual([]));
    const rows = await t.sql`select count(*)::int as n from messages where conversation_id = ${r.conversationId}`;
    expect(rows[0]!.n).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
