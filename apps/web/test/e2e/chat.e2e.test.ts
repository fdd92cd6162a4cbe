// End to end: two people chat through the production build in Debian's chromium, against a real
// Parley (PostgreSQL + MinIO, and the embedded PGlite + disk store) — no mocks anywhere.
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startTestServer, type Backend, type TestServer } from "./api.ts";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, watchConsole } from "./browser.ts";
import { makePdf, makePng } from "./fixtures.ts";
import { buildApp, webRoot } from "./app.ts";
import { serveApp, type ServedApp } from "./serve-app.ts";

const shotsDir = join(webRoot, "test-results");
const MAX_FILE_BYTES = 400 * 1024;

let built: Awaited<ReturnType<typeof buildApp>> | undefined;
let distDir: string;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(shotsDir, { recursive: true });
  built = await buildApp();
  distDir = built.distDir;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  built?.remove();
});

const files = {
  sunrise: { name: "sunrise.png", mimeType: "image/png", buffer: makePng(260, 180, [255, 140, 40]) },
  lagoon: { name: "lagoon.png", mimeType: "image/png", buffer: makePng(200, 260, [40, 150, 255]) },
  report: { name: "report.pdf", mimeType: "application/pdf", buffer: makePdf("Quarterly report") },
  tooBig: {
    name: "too-big.bin",
    mimeType: "application/octet-stream",
    buffer: Buffer.alloc(MAX_FILE_BYTES + 100 * 1024, 7),
  },
};

describe.each<Backend>(["services", "embedded"])("chatting in the browser (%s backend)", (backend) => {
  let api: TestServer;
  let app: ServedApp;
  let alice: Page;
  let bob: Page;
  const contexts: BrowserContext[] = [];
  const consoleErrors: string[] = [];
  const suffix = Math.random().toString(36).slice(2, 7);
  const names = { alice: `alice-${suffix}`, bob: `bob-${suffix}` };
  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(shotsDir, `${backend}-${name}.png`), fullPage: false });

  beforeAll(async () => {
    // Production shape: one origin in front of app and API, so the embedded store's media URLs
    // (built on PUBLIC_URL) are same-origin; MinIO's URLs point at MinIO itself.
    app = await serveApp(distDir, () => api.url);
    api = await startTestServer({
      backend,
      env: { AUTH_DEV_TOKENS: "true", MEDIA_MAX_FILE_BYTES: String(MAX_FILE_BYTES), PUBLIC_URL: app.url },
    });
    const desktop = await browser.newContext({ viewport: { width: 1200, height: 860 } });
    // Bob is on a phone: the layout shows one pane at a time.
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    contexts.push(desktop, phone);
    alice = await desktop.newPage();
    bob = await phone.newPage();
    consoleErrors.push(...[]);
    const aliceErrors = watchConsole(alice, "alice");
    const bobErrors = watchConsole(bob, "bob");
    Object.defineProperty(consoleErrors, "all", { get: () => [...aliceErrors, ...bobErrors] });
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await app?.close();
    await api?.close();
  });

  const errorsSoFar = () => (consoleErrors as unknown as { all: string[] }).all;

  async function signIn(page: Page, identity: string) {
    await page.goto(app.url);
    await page.getByLabel("Identity", { exact: true }).fill(identity);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.getByText(`Signed in as ${identity}`).waitFor();
  }

  it("signs in two identities through development tokens", async () => {
    await signIn(alice, names.alice);
    await signIn(bob, names.bob);
    await shot(alice, "01-alice-signed-in");
    await shot(bob, "01-bob-signed-in-phone");
  });

  it("creates a conversation, adds a participant and sends text (Enter sends, Shift+Enter breaks the line)", async () => {
    await alice.getByRole("button", { name: "New conversation" }).click();
    const dialog = alice.getByRole("dialog", { name: "New conversation" });
    await dialog.getByLabel("Name").fill("Launch plans");
    await dialog.getByRole("button", { name: "Create" }).click();
    await alice.getByRole("heading", { name: "Launch plans" }).waitFor();

    await alice.getByRole("button", { name: "Participants" }).click();
    await alice.getByLabel("Add participant").fill(names.bob);
    await alice.getByRole("button", { name: "Add", exact: true }).click();
    await alice.getByText(`Added ${names.bob}.`).waitFor();
    await alice.getByRole("region", { name: "Participants" }).getByText(names.bob, { exact: true }).waitFor();
    await alice.getByText("2 participants").first().waitFor();

    const input = alice.getByLabel("Message", { exact: true });
    await input.fill("Hello Bob");
    await input.press("Enter");
    await input.pressSequentially("line one");
    await input.press("Shift+Enter");
    await input.pressSequentially("line two");
    expect(await input.inputValue()).toBe("line one\nline two");
    await input.press("Enter");
    const log = alice.getByRole("log", { name: "Messages" });
    await log.locator(".message .body", { hasText: "Hello Bob" }).waitFor();
    await expect.poll(() => log.locator(".message .body").allInnerTexts()).toEqual(["Hello Bob", "line one\nline two"]);
    expect(await input.inputValue()).toBe("");
  });

  it("the second identity finds the conversation and sees the text without reloading", async () => {
    const link = bob.getByRole("link", { name: /Launch plans/ });
    await link.waitFor({ timeout: 30_000 });
    await link.click();
    await bob.getByRole("heading", { name: "Launch plans" }).waitFor();
    await bob.getByRole("log", { name: "Messages" }).getByText("Hello Bob").waitFor();
    // New messages arrive live (the SDK's events over the WebSocket) while the thread is open.
    await alice.getByLabel("Message", { exact: true }).fill("Are you there?");
    await alice.getByLabel("Message", { exact: true }).press("Enter");
    await bob.getByRole("log", { name: "Messages" }).getByText("Are you there?").waitFor({ timeout: 15_000 });
    await shot(bob, "02-bob-thread-phone");
  });

  it("sends two images and a PDF with per-file and overall progress", async () => {
    await alice.getByLabel("Attach files").first().setInputFiles([files.sunrise, files.lagoon, files.report]);
    const attachments = alice.getByRole("list", { name: "Attachments" });
    await expect.poll(() => attachments.getByRole("listitem").count()).toBe(3);
    for (const f of [files.sunrise, files.lagoon, files.report])
      await alice.getByRole("button", { name: `Remove ${f.name}` }).waitFor();
    await alice.getByLabel("Message", { exact: true }).fill("Photos and the report");
    await shot(alice, "03-alice-attachments");

    // A slow uplink (in chromium's network stack) keeps the upload going long enough to watch it.
    const cdp = await alice.context().newCDPSession(alice);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 20,
      downloadThroughput: -1,
      uploadThroughput: 32 * 1024,
    });
    try {
      await alice.getByRole("button", { name: "Send" }).click();
      const overall = alice.getByRole("progressbar", { name: "Upload of all files" });
      await overall.waitFor();
      for (const f of [files.sunrise, files.lagoon, files.report])
        await alice.getByRole("progressbar", { name: `Upload of ${f.name}` }).waitFor();
      await alice.getByRole("button", { name: "Cancel" }).waitFor();
      await expect
        .poll(() => overall.evaluate((el) => (el as HTMLProgressElement).value), { timeout: 20_000, interval: 50 })
        .toBeGreaterThan(0);
      const midway = await overall.evaluate((el) => (el as HTMLProgressElement).value);
      expect(midway).toBeLessThan(100);
      await shot(alice, "04-alice-uploading");
    } finally {
      await cdp.send("Network.emulateNetworkConditions", {
        offline: false,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput: -1,
      });
    }
    const log = alice.getByRole("log", { name: "Messages" });
    const sent = log.locator("article.message:not(.outgoing)", { hasText: "Photos and the report" });
    await sent.waitFor({ timeout: 60_000 });
    await expect.poll(() => log.locator("article.outgoing").count()).toBe(0);
    await expect.poll(() => alice.getByRole("list", { name: "Attachments" }).count()).toBe(0);
    await expect.poll(() => sent.locator("img").count()).toBe(2);
    await sent.getByRole("link", { name: /report\.pdf/ }).waitFor();
  });

  it("the second identity sees the images rendered and downloads the PDF byte for byte", async () => {
    const log = bob.getByRole("log", { name: "Messages" });
    const message = log.locator("article.message", { hasText: "Photos and the report" });
    await message.waitFor({ timeout: 20_000 });
    const images = message.locator("img");
    await expect.poll(() => images.count()).toBe(2);
    await images.last().scrollIntoViewIfNeeded();
    await expect
      .poll(
        () =>
          images.evaluateAll((els) =>
            els.map((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth),
          ),
        { timeout: 20_000 },
      )
      .toEqual([260, 200]);
    expect(await images.first().getAttribute("alt")).toBe("sunrise.png");
    expect(await images.first().getAttribute("loading")).toBe("lazy");
    await shot(bob, "05-bob-sees-media-phone");

    const link = message.getByRole("link", { name: /report\.pdf/ });
    await link.scrollIntoViewIfNeeded();
    const [download] = await Promise.all([bob.waitForEvent("download"), link.click()]);
    expect(download.suggestedFilename()).toBe("report.pdf");
    const path = await download.path();
    expect(Buffer.compare(readFileSync(path), files.report.buffer)).toBe(0);
  });

  it("refuses an over-limit file before sending, with a message", async () => {
    await alice.getByLabel("Attach files").first().setInputFiles([files.tooBig]);
    const alert = alice.locator("form.composer").getByRole("alert");
    await alert.waitFor();
    expect(await alert.innerText()).toBe("too-big.bin is 500 KB; this conversation allows 400 KB per file.");
    expect(await alice.getByRole("button", { name: "Send" }).isDisabled()).toBe(true);
    await shot(alice, "06-alice-over-limit");
    await alice.getByRole("button", { name: "Remove too-big.bin" }).click();
    await expect.poll(() => alert.count()).toBe(0);
    const messages = await api.sql`SELECT count(*)::int AS n FROM messages`;
    expect(messages[0]?.n).toBe(4);
  });

  it("logs no console errors in either window", () => {
    expect(errorsSoFar()).toEqual([]);
  });

  it("cancels an upload and retries it; an upload cut off by the network is retried without a duplicate", async () => {
    const seenBefore = errorsSoFar().length;
    const cdp = await alice.context().newCDPSession(alice);
    await cdp.send("Network.enable");
    const network = (conditions: { uploadThroughput?: number }) =>
      cdp.send("Network.emulateNetworkConditions", {
        offline: false,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput: -1,
        ...conditions,
      });
    const log = alice.getByRole("log", { name: "Messages" });
    const outgoing = log.locator("article.outgoing");
    const input = alice.getByLabel("Message", { exact: true });
    const slow = { uploadThroughput: 24 * 1024 };
    try {
      // Cancel while uploading: the message stays, marked cancelled, with Retry.
      await network(slow);
      await alice.getByLabel("Attach files").first().setInputFiles([files.sunrise]);
      await input.fill("Cancel me first");
      await input.press("Enter");
      await outgoing.getByRole("button", { name: "Cancel" }).click();
      await outgoing.getByRole("button", { name: "Retry" }).waitFor();
      expect(await outgoing.getAttribute("data-status")).toBe("cancelled");
      await network({});
      await outgoing.getByRole("button", { name: "Retry" }).click();
      await log.locator("article.message:not(.outgoing)", { hasText: "Cancel me first" }).waitFor({ timeout: 30_000 });

      // The network goes away mid-upload: a quiet note says so (not the HTTP detail), and the
      // message goes again by itself, with the same idempotency key, once uploads get through.
      await network(slow);
      await alice.getByLabel("Attach files").first().setInputFiles([files.lagoon]);
      await input.fill("Cut off once");
      await input.press("Enter");
      const overall = outgoing.getByRole("progressbar", { name: "Upload of all files" });
      await expect
        .poll(() => overall.evaluate((el) => (el as HTMLProgressElement).value), { timeout: 20_000, interval: 50 })
        .toBeGreaterThan(0);
      // Chromium silently resends a request whose reused connection drops, so keep cutting until
      // the failure reaches the page.
      const note = outgoing.getByRole("status").filter({ hasText: "retrying" });
      let cuts = 0;
      for (let i = 0; i < 100 && !(await note.isVisible()); i++) {
        cuts += app.cutOffUploads();
        await alice.waitForTimeout(200);
      }
      expect(cuts).toBeGreaterThan(0);
      await note.waitFor({ timeout: 1_000 });
      expect(await note.innerText()).toBe("Parley is unreachable; retrying…");
      expect(await outgoing.getByRole("alert").count()).toBe(0);
      await shot(alice, "07-alice-upload-failed");
      await network({});
      await log.locator("article.message:not(.outgoing)", { hasText: "Cut off once" }).waitFor({ timeout: 30_000 });
      await expect.poll(() => outgoing.count()).toBe(0);
    } finally {
      await network({}).catch(() => {});
    }
    const rows =
      await api.sql`SELECT body, count(*)::int AS n FROM messages WHERE body IN ('Cancel me first', 'Cut off once') GROUP BY body ORDER BY body`;
    expect(rows).toEqual([
      { body: "Cancel me first", n: 1 },
      { body: "Cut off once", n: 1 },
    ]);
    const bobLog = bob.getByRole("log", { name: "Messages" });
    await bobLog.locator("article.message", { hasText: "Cut off once" }).waitFor({ timeout: 20_000 });
    expect(await bobLog.locator("article.message", { hasText: "Cut off once" }).count()).toBe(1);
    // The only console lines are the browser's own notes about the requests cut off on purpose.
    const unexpected = errorsSoFar()
      .slice(seenBefore)
      .filter((line) => !/net::ERR_CONNECTION_RESET|net::ERR_ABORTED/.test(line));
    expect(unexpected).toEqual([]);
  });
});
