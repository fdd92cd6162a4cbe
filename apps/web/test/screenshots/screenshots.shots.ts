// Regenerates the screenshots in apps/web/docs/ (`pnpm --filter @parley/web screenshots`): the
// production build against a real API (embedded backend) with a seeded conversation, in Debian's
// chromium at desktop size (light and dark) and at phone size. Not part of `pnpm test`.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { startTestServer, type TestServer } from "../e2e/api.ts";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, sdkAs, sendWithMedia, signIn, webRoot } from "../e2e/app.ts";
import { launchChromium } from "../e2e/browser.ts";
import { makePdf, makePng, makeWav } from "../e2e/fixtures.ts";
import { serveApp, type ServedApp } from "../e2e/serve-app.ts";

const docsDir = join(webRoot, "docs");
const photo = (name: string, w: number, h: number, hue: [number, number, number]) => ({
  name,
  mimeType: "image/png",
  buffer: makePng(w, h, hue, 0x07),
});

describe("screenshots of the main screens", () => {
  let api: TestServer;
  let app: ServedApp;
  let browser: Browser;
  let remove: () => void;
  let conversationId: string;

  beforeAll(async () => {
    mkdirSync(docsDir, { recursive: true });
    const built = await buildApp();
    remove = built.remove;
    app = await serveApp(built.distDir, () => api.url);
    api = await startTestServer({ backend: "embedded", env: { AUTH_DEV_TOKENS: "true", PUBLIC_URL: app.url } });
    browser = await launchChromium();

    const bob = await sdkAs(api, "bob");
    const trip = await bob.createConversation({ friendlyName: "Harbour trip", participants: ["alice", "carol"] });
    conversationId = trip.id;
    const alice = (await sdkAs(api, "alice")).conversation(trip.id);
    const carol = (await sdkAs(api, "carol")).conversation(trip.id);
    await trip.sendMessage("Morning! Ferry leaves at 9:40 from pier 3.");
    await trip.sendMessage("Timetable: https://example.com/ferries/pier-3");
    await alice.sendMessage("Perfect, I'll bring the snacks.");
    await carol.sendMessage("Running 5 minutes late, save me a seat");
    await sendWithMedia(api, "bob", trip.id, "Photos from the deck", [
      photo("deck.png", 800, 600, [40, 120, 220]),
      photo("gulls.png", 600, 800, [220, 120, 60]),
      photo("island.png", 800, 500, [60, 180, 90]),
      photo("wake.png", 700, 700, [140, 90, 210]),
      photo("pier.png", 800, 450, [210, 180, 80]),
      photo("sunset.png", 640, 480, [230, 90, 110]),
    ]);
    await sendWithMedia(api, "carol", trip.id, "Sound of the harbour", [
      { name: "harbour.wav", mimeType: "audio/wav", buffer: makeWav(3, 330) },
    ]);
    await sendWithMedia(api, "alice", trip.id, "Tickets, in case anyone needs them", [
      { name: "tickets.pdf", mimeType: "application/pdf", buffer: makePdf("Ferry tickets") },
    ]);
    await alice.sendMessage("See you all at the pier");
    const book = await (
      await sdkAs(api, "dora")
    ).createConversation({
      friendlyName: "Book club",
      participants: ["alice"],
    });
    await book.sendMessage("Chapter 7 for Thursday?");
    await book.sendMessage("Or shall we finish the whole thing");
    const lunch = await (
      await sdkAs(api, "alice")
    ).createConversation({ friendlyName: "Lunch", participants: ["erin"] });
    await lunch.sendMessage("Thai place again?");
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await api?.close();
    remove?.();
  });

  async function openThread(page: Page) {
    await signIn(page, app.url, "alice");
    await page.getByRole("link", { name: /Harbour trip/ }).click();
    const last = page.getByRole("log", { name: "Messages" }).getByText("See you all at the pier");
    await last.waitFor();
    // Every photo decoded, the player ready: the picture shows the settled screen.
    await expect
      .poll(() =>
        page.locator(".tile img").evaluateAll((els) => els.every((el) => (el as HTMLImageElement).naturalWidth > 0)),
      )
      .toBe(true);
    await expect.poll(() => page.locator(".tile.loaded").count()).toBe(4);
    await page.locator("audio").evaluate((el) => (el as HTMLAudioElement).duration);
    await page.mouse.move(0, 0);
  }

  for (const scheme of ["light", "dark"] as const) {
    it(`desktop, ${scheme}: the list beside a thread with a gallery, audio and a file`, async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, colorScheme: scheme });
      const page = await context.newPage();
      await openThread(page);
      await page.screenshot({ path: join(docsDir, `desktop-${scheme}.png`) });
      if (scheme === "light") {
        await page.getByRole("button", { name: /Open photo 2 of 6/ }).click();
        await page.locator("img.lightbox-original[data-loaded]").waitFor();
        await page.screenshot({ path: join(docsDir, "desktop-lightbox.png") });
      }
      await context.close();
    });
  }

  it("phone, 390×844, dark: the list, then the thread", async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      colorScheme: "dark",
    });
    const page = await context.newPage();
    await signIn(page, app.url, "alice");
    await page.getByRole("link", { name: /Book club/ }).waitFor();
    await expect.poll(() => page.getByRole("link", { name: /Book club/ }).innerText()).toMatch(/dora: /);
    await page.screenshot({ path: join(docsDir, "phone-list.png") });
    await page.getByRole("link", { name: /Harbour trip/ }).click();
    await page.getByRole("log", { name: "Messages" }).getByText("See you all at the pier").waitFor();
    await expect.poll(() => page.locator(".tile.loaded").count()).toBe(4);
    await page.locator("textarea").blur();
    await page.screenshot({ path: join(docsDir, "phone-thread.png") });
    expect(conversationId).toBeTruthy();
    await context.close();
  });
});
