// End to end: the outbox's large files go through the SDK's resumable upload sessions, straight
// from Debian's chromium to a real MinIO behind a link the test controls (paced uplink, and a drop);
// a connection that drops at 60 % finishes once the network returns, sending only the missing parts,
// and a page reload mid-upload goes on from the file and upload id kept in IndexedDB.
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestServer, type TestServer } from "./api.ts";
import type { Browser, BrowserContext, Page, Request } from "playwright-core";
import { tcpProxy, type TcpProxy } from "@parley/testkit";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { buildApp, sdkAs, signIn } from "./app.ts";
import { launchChromium, watchConsole } from "./browser.ts";
import { serveApp, type ServedApp } from "./serve-app.ts";

const MiB = 1024 * 1024;
const FILE_BYTES = 40 * MiB;
const PART_BYTES = 8 * MiB; // MediaUpload.partSize
const PARTS = FILE_BYTES / PART_BYTES;
/** The uplink to MinIO: 40 MiB take about 4 s. */
const UPLINK_BYTES_PER_SECOND = 10 * 1000 * 1000;

let dist: Awaited<ReturnType<typeof buildApp>>;
let browser: Browser;
let tmp: string;

beforeAll(async () => {
  dist = await buildApp();
  browser = await launchChromium();
  tmp = mkdtempSync(join(tmpdir(), "parley-resumable-"));
});

afterAll(async () => {
  await browser?.close();
  dist?.remove();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** A 40 MiB file of random bytes on disk (what the picker hands over) and its sha256. */
function bigFile(name: string): { path: string; sha256: string } {
  const bytes = randomBytes(FILE_BYTES);
  const path = join(tmp, name);
  writeFileSync(path, bytes);
  return { path, sha256: createHash("sha256").update(bytes).digest("hex") };
}

/** Every part PUT the page sends to the link: when it started, and when it was answered 200. */
function watchPartPuts(page: Page, linkUrl: string) {
  const puts: { part: number; startedAt: number; storedAt: number | null; failed: boolean }[] = [];
  const byRequest = new Map<Request, (typeof puts)[number]>();
  page.on("request", (request) => {
    if (request.method() !== "PUT" || !request.url().startsWith(linkUrl)) return;
    const part = Number(new URL(request.url()).searchParams.get("partNumber"));
    const put = { part, startedAt: performance.now(), storedAt: null, failed: false };
    puts.push(put);
    byRequest.set(request, put);
  });
  page.on("requestfinished", (request) => {
    const put = byRequest.get(request);
    if (!put) return;
    void request.response().then((response) => {
      if (response?.status() === 200) put.storedAt = performance.now();
      else put.failed = true;
    });
  });
  page.on("requestfailed", (request) => {
    const put = byRequest.get(request);
    if (put) put.failed = true;
  });
  return {
    puts,
    storedBefore: (t: number) => new Set(puts.filter((p) => p.storedAt !== null && p.storedAt < t).map((p) => p.part)),
    startedAfter: (t: number) => puts.filter((p) => p.startedAt > t).map((p) => p.part),
    stored: () => new Set(puts.filter((p) => p.storedAt !== null).map((p) => p.part)),
  };
}

describe("large files in the outbox: resumable upload sessions (PostgreSQL + MinIO)", () => {
  let api: TestServer;
  let app: ServedApp;
  let link: TcpProxy;
  let context: BrowserContext;
  let alice: Page;
  let conversationId: string;
  let consoleErrors: string[];
  const suffix = Math.random().toString(36).slice(2, 7);
  const names = { alice: `alice-${suffix}`, bob: `bob-${suffix}` };

  beforeAll(async () => {
    const minio = inject("minio");
    const endpoint = new URL(minio.endpoint);
    link = await tcpProxy({
      host: endpoint.hostname,
      port: Number(endpoint.port),
      uplinkBytesPerSecond: UPLINK_BYTES_PER_SECOND,
    });
    app = await serveApp(dist.distDir, () => api.url);
    // The part URLs are signed for the link's address: the browser's PUTs go through it.
    api = await startTestServer({
      backend: "services",
      env: { AUTH_DEV_TOKENS: "true", PUBLIC_URL: app.url, S3_PUBLIC_ENDPOINT: link.url },
    });
    const conversation = await (
      await sdkAs(api, names.alice)
    ).createConversation({ friendlyName: "Footage", participants: [names.bob] });
    conversationId = conversation.id;
    context = await browser.newContext({ viewport: { width: 1200, height: 860 } });
    alice = await context.newPage();
    consoleErrors = watchConsole(alice, "alice");
    // The app asks before leaving a page that is uploading; a reload here means it.
    alice.on("dialog", (dialog) => void dialog.accept());
    await signIn(alice, app.url, names.alice);
    await alice.goto(`${app.url}/#/conversations/${encodeURIComponent(conversationId)}`);
    await alice.getByRole("heading", { name: "Footage" }).waitFor();
  });

  afterAll(async () => {
    await context?.close();
    await app?.close();
    await api?.close();
    await link?.close();
  });

  const log = () => alice.getByRole("log", { name: "Messages" });

  async function send(body: string, path: string) {
    await alice.getByLabel("Attach files").first().setInputFiles([path]);
    const input = alice.getByLabel("Message", { exact: true });
    await input.fill(body);
    await input.press("Enter");
  }

  async function storedMedia(body: string) {
    return api.sql`SELECT m.size::int AS size, m.sha256 FROM media m JOIN messages g ON g.id = m.message_id WHERE g.body = ${body}`;
  }

  it("a connection that drops at 60 % finishes after the network returns, sending only the missing parts", async () => {
    const file = bigFile("drop.bin");
    const watch = watchPartPuts(alice, link.url);
    await send("Cut at 60 percent", file.path);
    // 60 %: three of the five 8 MiB parts stored.
    await expect.poll(() => watch.stored().size, { timeout: 60_000, interval: 20 }).toBeGreaterThanOrEqual(3);
    const cutAt = performance.now();
    const reset = await link.down("reset");
    const storedBeforeCut = watch.storedBefore(cutAt);
    await alice.waitForTimeout(3_000);
    // Still on its way: the SDK rides out the drop, the message is not failed.
    expect(await log().locator("article.outgoing").getAttribute("data-status")).toBe("sending");
    const upAt = performance.now();
    await link.up();
    await log()
      .locator("article.message:not(.outgoing)", { hasText: "Cut at 60 percent" })
      .waitFor({ timeout: 90_000 });

    expect(reset).toBeGreaterThan(0);
    expect(storedBeforeCut.size).toBeGreaterThanOrEqual(3);
    const resent = watch.startedAfter(upAt);
    // Only the parts missing at the cut went again, and each of the five is stored.
    expect(resent.length).toBeGreaterThan(0);
    expect(resent.filter((p) => storedBeforeCut.has(p))).toEqual([]);
    expect([...watch.stored()].sort((a, b) => a - b)).toEqual(Array.from({ length: PARTS }, (_, i) => i + 1));
    expect(await storedMedia("Cut at 60 percent")).toEqual([{ size: FILE_BYTES, sha256: file.sha256 }]);
    console.info(
      `drop at 60 %: ${watch.puts.length} part PUTs (${PARTS} parts), stored before the cut: ${[...storedBeforeCut].join(", ")}, sent after: ${resent.join(", ")}`,
    );
  });

  it("a page reload mid-upload goes on from IndexedDB (file, upload id, idempotency key) without resending stored parts", async () => {
    const file = bigFile("reload.bin");
    const watch = watchPartPuts(alice, link.url);
    await send("Reloaded mid-upload", file.path);
    await expect.poll(() => watch.stored().size, { timeout: 60_000, interval: 20 }).toBeGreaterThanOrEqual(2);
    const reloadAt = performance.now();
    const storedBeforeReload = watch.storedBefore(reloadAt);
    await alice.reload();
    // The message is back in the outbox by itself and finishes.
    await log().locator("article.outgoing", { hasText: "Reloaded mid-upload" }).waitFor({ timeout: 20_000 });
    await log()
      .locator("article.message:not(.outgoing)", { hasText: "Reloaded mid-upload" })
      .waitFor({ timeout: 90_000 });

    const afterReload = watch.startedAfter(reloadAt);
    expect(storedBeforeReload.size).toBeGreaterThanOrEqual(2);
    expect(afterReload.length).toBeGreaterThan(0);
    expect(afterReload.filter((p) => storedBeforeReload.has(p))).toEqual([]);
    expect([...watch.stored()].sort((a, b) => a - b)).toEqual(Array.from({ length: PARTS }, (_, i) => i + 1));
    expect(await storedMedia("Reloaded mid-upload")).toEqual([{ size: FILE_BYTES, sha256: file.sha256 }]);
    // Sent once, and nothing is left saved for a later reload.
    const saved = await alice.evaluate(
      () =>
        new Promise<number>((resolve, reject) => {
          const open = indexedDB.open("parley-outbox", 1);
          open.onsuccess = () => {
            const count = open.result.transaction("messages").objectStore("messages").count();
            count.onsuccess = () => resolve(count.result);
            count.onerror = () => reject(count.error);
          };
          open.onerror = () => reject(open.error);
        }),
    );
    expect(saved).toBe(0);
    console.info(
      `reload: ${watch.puts.length} part PUTs, stored before the reload: ${[...storedBeforeReload].join(", ")}, sent after: ${afterReload.join(", ")}`,
    );
  });

  it("logs no console errors but the part PUTs cut off on purpose", () => {
    // Chromium reports each request the link reset (ERR_CONNECTION_RESET, ERR_SOCKET_NOT_CONNECTED…)
    // or the reload cancelled; anything else is a failure.
    const cutOff = (line: string) =>
      /console\.error: Failed to load resource: net::ERR_[A-Z_]+ \(/.test(line) && line.includes(`(${link.url}/`);
    expect(consoleErrors.filter((line) => !cutOff(line))).toEqual([]);
  });
});
