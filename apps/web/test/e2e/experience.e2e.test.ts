// What a person sees in a busy thread, in Debian's chromium against a real API (embedded backend:
// PGlite + disk store): the thread stays anchored while media loads late, photos sit in a gallery
// with a lightbox, expired URLs are renewed before use, the keyboard reaches the message box in a
// few Tab presses, and axe finds no serious or critical problem. Desktop light, phone dark.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { startTestServer, type TestServer } from "./api.ts";
import type { Browser, BrowserContext, Page, Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, distanceFromBottom, sdkAs, sendTexts, sendWithMedia, signIn, webRoot } from "./app.ts";
import { launchChromium, watchConsole } from "./browser.ts";
import { makePdf, makePng, makeWav } from "./fixtures.ts";
import { serveApp, type ServedApp } from "./serve-app.ts";

const URL_TTL_SECONDS = 6;
const shotsDir = join(webRoot, "test-results");

const png = (name: string, w: number, h: number, hue: [number, number, number]) => ({
  name,
  mimeType: "image/png",
  buffer: makePng(w, h, hue),
});
const photos = [
  png("harbour.png", 640, 480, [40, 120, 220]),
  png("tower.png", 360, 640, [220, 90, 40]),
  png("field.png", 600, 400, [60, 190, 80]),
  png("dusk.png", 500, 500, [150, 60, 200]),
  png("sand.png", 640, 360, [230, 190, 90]),
  png("snow.png", 400, 300, [200, 210, 230]),
];

/** Serious and critical axe findings on the page as it is now (rule id and where). */
async function axeProblems(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

describe("the thread as a person sees it", () => {
  let api: TestServer;
  let app: ServedApp;
  let browser: Browser;
  let removeDist: () => void;
  let alice: Page;
  let bob: Page;
  const contexts: BrowserContext[] = [];
  const errors: string[] = [];
  const suffix = Math.random().toString(36).slice(2, 7);
  const names = { alice: `alice-${suffix}`, bob: `bob-${suffix}` };
  let conversationId: string;
  const shot = (page: Page, name: string) => page.screenshot({ path: join(shotsDir, `experience-${name}.png`) });

  beforeAll(async () => {
    const built = await buildApp();
    removeDist = built.remove;
    app = await serveApp(built.distDir, () => api.url);
    api = await startTestServer({
      backend: "embedded",
      env: { AUTH_DEV_TOKENS: "true", MEDIA_URL_TTL_SECONDS: String(URL_TTL_SECONDS), PUBLIC_URL: app.url },
    });
    browser = await launchChromium();
    const desktop = await browser.newContext({ viewport: { width: 1200, height: 860 }, colorScheme: "light" });
    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      colorScheme: "dark",
    });
    contexts.push(desktop, phone);
    alice = await desktop.newPage();
    bob = await phone.newPage();
    errors.push(...[]);
    const a = watchConsole(alice, "alice");
    const b = watchConsole(bob, "bob");
    Object.defineProperty(errors, "all", { get: () => [...a, ...b] });

    // A conversation with history: 90 messages, so paging and the Tab order matter.
    const conversation = await (
      await sdkAs(api, names.bob)
    ).createConversation({
      friendlyName: "Harbour trip",
      participants: [names.alice],
    });
    conversationId = conversation.id;
    await sendTexts(api, names.bob, conversationId, "Earlier note", 45);
    await sendTexts(api, names.alice, conversationId, "Alice replies", 45);
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await app?.close();
    await api?.close();
    removeDist?.();
  });

  const unexpectedErrors = () =>
    (errors as unknown as { all: string[] }).all.filter(
      // The browser's own line for a media request answered 403 (renewed by the app right after).
      // The browser's own lines for requests the tests fail on purpose: a media URL answered 403
      // (renewed right after), the proxy's 502 while the API is away, the expired token's 401,
      // and the WebSocket refused meanwhile.
      (line) =>
        !/Failed to load resource: the server responded with a status of (403|502|401)|WebSocket connection to .* failed/.test(
          line,
        ),
    );
  const log = (page: Page) => page.getByRole("log", { name: "Messages" });

  it("signs in with focus on the conversations, and a new conversation dialog gives focus back on Cancel", async () => {
    await signIn(alice, app.url, names.alice);
    await expect
      .poll(() => alice.evaluate(() => document.activeElement?.closest("a")?.textContent ?? null))
      .toMatch(/Harbour trip/);
    await alice.getByRole("button", { name: "New conversation" }).click();
    await alice.getByRole("dialog", { name: "New conversation" }).waitFor();
    expect(await axeProblems(alice)).toEqual([]);
    await alice.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
    await expect.poll(() => alice.evaluate(() => document.activeElement?.textContent ?? null)).toBe("New conversation");
    await alice.keyboard.press("Enter");
    await alice.getByRole("dialog", { name: "New conversation" }).waitFor();
    await alice.keyboard.press("Escape");
    await expect.poll(() => alice.evaluate(() => document.activeElement?.textContent ?? null)).toBe("New conversation");
  });

  it("opens a conversation with the cursor in the message box, pinned to the newest message", async () => {
    await alice.getByRole("link", { name: /Harbour trip/ }).click();
    await log(alice).getByText("Alice replies 45", { exact: true }).waitFor();
    await expect
      .poll(() =>
        alice.evaluate(() => document.activeElement?.getAttribute("aria-label") ?? document.activeElement?.id),
      )
      .toBeTruthy();
    expect(await alice.evaluate(() => (document.activeElement as HTMLTextAreaElement).placeholder)).toBe(
      "Write a message…",
    );
    await expect.poll(() => distanceFromBottom(alice)).toBeLessThan(2);
  });

  it("reaches the message box in at most 3 Tab presses from the thread header, whatever the thread holds", async () => {
    await alice.getByRole("button", { name: "Participants" }).focus();
    let presses = 0;
    for (; presses < 10; presses++) {
      if (await alice.evaluate(() => (document.activeElement as HTMLTextAreaElement | null)?.name === "body")) break;
      await alice.keyboard.press("Tab");
    }
    expect(presses).toBeLessThanOrEqual(3);
    expect(await alice.evaluate(() => document.activeElement?.tagName)).toBe("TEXTAREA");

    // Shift+Tab lands on one message (the newest); arrows walk the thread; Enter reaches its actions.
    await alice.keyboard.press("Shift+Tab");
    const focusedText = () => alice.evaluate(() => document.activeElement?.querySelector(".body")?.textContent);
    expect(await focusedText()).toBe("Alice replies 45");
    await alice.keyboard.press("ArrowUp");
    expect(await focusedText()).toBe("Alice replies 44");
    await alice.keyboard.press("ArrowDown");
    await alice.keyboard.press("Enter");
    expect(await alice.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("Edit message");
    await alice.keyboard.press("Tab");
    expect(await alice.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("Delete message");
    await alice.keyboard.press("Escape");
    expect(await focusedText()).toBe("Alice replies 45");
    // The focused message shows where focus is (a visible outline).
    const outline = await alice.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).not.toBe("none");
  });

  it("stays at the bottom while an audio message and a photo arrive and load late", async () => {
    await alice.getByLabel("Message", { exact: true }).focus();
    await sendWithMedia(api, names.bob, conversationId, "Listen to this", [
      { name: "gulls.wav", mimeType: "audio/wav", buffer: makeWav(2) },
    ]);
    const audio = log(alice).locator("article", { hasText: "Listen to this" }).locator("audio");
    await expect
      .poll(() => audio.evaluate((el) => (el as HTMLAudioElement).duration), { timeout: 15_000 })
      .toBeCloseTo(2, 1);
    await expect.poll(() => distanceFromBottom(alice)).toBeLessThan(2);

    await sendWithMedia(api, names.bob, conversationId, "The view", [photos[0]!]);
    const tile = log(alice).locator("article", { hasText: "The view" }).locator(".tile img");
    // The thread shows the 640 × 480 original until the preview job has made its 320 px preview
    // (preview(maxSize: 320)), then the preview: either one, loaded, and the one its source names.
    await expect
      .poll(
        () =>
          tile.evaluate((el) => {
            const img = el as HTMLImageElement;
            return `${img.dataset.source}: ${img.complete ? img.naturalWidth : 0}`;
          }),
        { timeout: 15_000 },
      )
      .toMatch(/^(original: 640|preview: 320)$/);
    await expect.poll(() => distanceFromBottom(alice)).toBeLessThan(2);
    // A single photo's box is reserved before it loads: 320 × 240 (4:3 until the API reports a size).
    const box = await log(alice).locator("article", { hasText: "The view" }).locator(".gallery").boundingBox();
    expect([Math.round(box!.width), Math.round(box!.height)]).toEqual([320, 240]);
  });

  it("scrolled up, keeps the reading position and offers a 'new messages' pill", async () => {
    const thread = log(alice);
    await thread.evaluate((el) => (el.scrollTop = el.scrollHeight - el.clientHeight - 900));
    await alice.waitForTimeout(100);
    const anchor = await thread.evaluate((el) => {
      const top = el.getBoundingClientRect().top;
      const first = [...el.querySelectorAll<HTMLElement>("article[data-id]")].find(
        (a) => a.getBoundingClientRect().bottom > top,
      )!;
      return { id: first.dataset.id!, y: Math.round(first.getBoundingClientRect().top) };
    });
    await sendTexts(api, names.bob, conversationId, "While you were reading", 2);
    const pill = alice.getByRole("button", { name: /new messages/ });
    await pill.waitFor({ timeout: 10_000 });
    expect(await pill.innerText()).toBe("2 new messages ↓");
    const y = await alice.evaluate(
      (id) => Math.round(document.querySelector(`article[data-id="${id}"]`)!.getBoundingClientRect().top),
      anchor.id,
    );
    expect(y).toBe(anchor.y);
    await shot(alice, "pill");
    await pill.click();
    await expect.poll(() => distanceFromBottom(alice)).toBeLessThan(2);
    await expect.poll(() => pill.count()).toBe(0);
  });

  it("keeps the first message in view where it was when older pages load", async () => {
    const thread = log(alice);
    const countBefore = await thread.locator("article[data-id]").count();
    await thread.evaluate((el) => (el.scrollTop = 300));
    await alice.waitForTimeout(100);
    const anchor = await thread.evaluate((el) => {
      const top = el.getBoundingClientRect().top;
      const first = [...el.querySelectorAll<HTMLElement>("article[data-id]")].find(
        (a) => a.getBoundingClientRect().bottom > top,
      )!;
      return { id: first.dataset.id!, y: Math.round(first.getBoundingClientRect().top) };
    });
    // "Load older messages" (the same as scrolling near the top, without moving the view first).
    await thread.getByRole("button", { name: "Load older messages" }).evaluate((b) => (b as HTMLButtonElement).click());
    await expect.poll(() => thread.locator("article[data-id]").count()).toBeGreaterThan(countBefore);
    await alice.waitForTimeout(100);
    const y = await alice.evaluate(
      (id) => Math.round(document.querySelector(`article[data-id="${id}"]`)!.getBoundingClientRect().top),
      anchor.id,
    );
    expect(y).toBe(anchor.y);
  });

  it("shows six photos as a 2×2 gallery with +2, and 2 and 3 photos in their layouts", async () => {
    await log(alice).evaluate((el) => (el.scrollTop = el.scrollHeight));
    await sendWithMedia(api, names.bob, conversationId, "Two", photos.slice(0, 2));
    await sendWithMedia(api, names.bob, conversationId, "Three", photos.slice(0, 3));
    await sendWithMedia(api, names.bob, conversationId, "Six photos", photos);
    const thread = log(alice);
    await thread.locator("article", { hasText: "Six photos" }).waitFor({ timeout: 15_000 });
    await expect.poll(() => distanceFromBottom(alice)).toBeLessThan(2);
    const tiles = async (text: string) =>
      thread
        .locator("article", { hasText: text })
        .locator(".tile")
        .evaluateAll((els) =>
          els.map((el) => {
            const r = el.getBoundingClientRect();
            return [Math.round(r.width), Math.round(r.height)];
          }),
        );
    // Within a pixel (rounding): 3 px gaps inside a 320 px wide gallery.
    const within1 = (actual: number[][], expected: number[][]) =>
      expect(
        actual.every((wh, i) => wh.every((v, j) => Math.abs(v - expected[i]![j]!) <= 1)),
        JSON.stringify(actual),
      ).toBe(actual.length === expected.length);
    within1(await tiles("Two"), [
      [159, 160],
      [159, 160],
    ]);
    within1(await tiles("Three"), [
      [211, 213],
      [106, 105],
      [106, 105],
    ]);
    within1(await tiles("Six photos"), [
      [159, 159],
      [159, 159],
      [159, 159],
      [159, 159],
    ]);
    const six = thread.locator("article", { hasText: "Six photos" });
    expect(await six.locator(".tile-more").innerText()).toBe("+2");
    const gallery = await six.locator(".gallery").boundingBox();
    expect(gallery!.height).toBeLessThanOrEqual(320);
    await shot(alice, "gallery");
  });

  it("opens the lightbox with the original, moves with the arrow keys, closes with Esc back on the tile", async () => {
    const six = log(alice).locator("article", { hasText: "Six photos" });
    await six.getByRole("button", { name: /Open photo 1 of 6/ }).click();
    const lightbox = alice.getByRole("dialog", { name: /Photo 1 of 6: harbour\.png/ });
    await lightbox.waitFor();
    const original = lightbox.locator("img.lightbox-original");
    await expect
      .poll(() => original.evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth))
      .toBe(640);
    expect(await axeProblems(alice)).toEqual([]);
    await alice.keyboard.press("ArrowRight");
    await alice.getByRole("dialog", { name: /Photo 2 of 6: tower\.png/ }).waitFor();
    await alice.keyboard.press("ArrowRight");
    await alice.keyboard.press("ArrowRight");
    await alice.keyboard.press("ArrowRight");
    await alice.getByRole("dialog", { name: /Photo 5 of 6: sand\.png/ }).waitFor();
    await alice.keyboard.press("ArrowLeft");
    await alice.getByRole("dialog", { name: /Photo 4 of 6: dusk\.png/ }).waitFor();
    await shot(alice, "lightbox");

    const [download] = await Promise.all([
      alice.waitForEvent("download"),
      alice.getByRole("dialog").getByRole("button", { name: "Download" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe("dusk.png");
    expect(Buffer.compare(readFileSync(await download.path()), photos[3]!.buffer)).toBe(0);

    await alice.keyboard.press("Escape");
    await expect.poll(() => alice.getByRole("dialog").count()).toBe(0);
    expect(await alice.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toMatch(/photo 4 of 6/);
  });

  it("after the URLs expired, a photo opens and audio plays on the first click, with no error page", async () => {
    await alice.waitForTimeout((URL_TTL_SECONDS + 1) * 1000);
    const forbidden: string[] = [];
    const onResponse = (r: Response) => {
      if (r.status() === 403 && new URL(r.url()).pathname.startsWith("/media/")) forbidden.push(r.url());
    };
    alice.on("response", onResponse);
    const pagesBefore = alice.context().pages().length;
    try {
      await log(alice).locator("article", { hasText: "The view" }).locator(".tile").click();
      const original = alice.getByRole("dialog").locator("img.lightbox-original");
      await expect
        .poll(() =>
          original.evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth),
        )
        .toBe(640);
      expect(forbidden).toEqual([]);
      expect(alice.context().pages().length).toBe(pagesBefore);
      await alice.keyboard.press("Escape");
    } finally {
      alice.off("response", onResponse);
    }

    // Play, as a person does: one click on the player's play button.
    const audio = log(alice).locator("article", { hasText: "Listen to this" }).locator("audio");
    await audio.scrollIntoViewIfNeeded();
    const box = (await audio.boundingBox())!;
    await alice.mouse.click(box.x + 20, box.y + box.height / 2);
    await expect
      .poll(
        () => audio.evaluate((el) => !(el as HTMLAudioElement).paused && (el as HTMLAudioElement).currentTime > 0),
        {
          timeout: 10_000,
        },
      )
      .toBe(true);
    await audio.evaluate((el) => (el as HTMLAudioElement).pause());
  });

  it("on a phone in dark mode: the gallery fits, a swipe moves the lightbox, axe finds nothing serious", async () => {
    await signIn(bob, app.url, names.bob);
    expect(await axeProblems(bob)).toEqual([]);
    await bob.getByRole("link", { name: /Harbour trip/ }).click();
    const six = log(bob).locator("article", { hasText: "Six photos" });
    await six.waitFor();
    await expect.poll(() => distanceFromBottom(bob)).toBeLessThan(2);
    const gallery = (await six.locator(".gallery").boundingBox())!;
    expect(gallery.x).toBeGreaterThanOrEqual(0);
    expect(gallery.x + gallery.width).toBeLessThanOrEqual(390);
    expect(await axeProblems(bob)).toEqual([]);
    await shot(bob, "phone-dark");

    await six.getByRole("button", { name: /Open photo 2 of 6/ }).tap();
    await bob.getByRole("dialog", { name: /Photo 2 of 6/ }).waitFor();
    const stage = bob.locator(".lightbox-stage");
    const swipe = async (fromX: number, toX: number) => {
      const init = { pointerType: "touch", pointerId: 7, isPrimary: true, clientY: 400, bubbles: true };
      await stage.dispatchEvent("pointerdown", { ...init, clientX: fromX });
      await stage.dispatchEvent("pointerup", { ...init, clientX: toX });
    };
    await swipe(300, 100);
    await bob.getByRole("dialog", { name: /Photo 3 of 6/ }).waitFor();
    await swipe(100, 300);
    await bob.getByRole("dialog", { name: /Photo 2 of 6/ }).waitFor();
    expect(await axeProblems(bob)).toEqual([]);
    await bob.getByRole("button", { name: "Close" }).tap();
    await expect.poll(() => bob.getByRole("dialog").count()).toBe(0);
  });

  it("sends a text at once while a photo is still uploading", async () => {
    const cdp = await alice.context().newCDPSession(alice);
    await cdp.send("Network.enable");
    const uplink = (uploadThroughput: number) =>
      cdp.send("Network.emulateNetworkConditions", {
        offline: false,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput,
      });
    const thread = log(alice);
    const input = alice.getByLabel("Message", { exact: true });
    try {
      await uplink(32 * 1024);
      await alice
        .getByLabel("Attach files")
        .first()
        .setInputFiles([{ ...png("big.png", 400, 300, [90, 90, 90]), name: "big.png" }]);
      await input.fill("Slow photo");
      await input.press("Enter");
      const upload = thread.locator("article.outgoing", { hasText: "Slow photo" });
      await upload.getByRole("progressbar", { name: "Upload of all files" }).waitFor();
      await input.fill("Quick text");
      await input.press("Enter");
      await thread.locator("article.message:not(.outgoing)", { hasText: "Quick text" }).waitFor({ timeout: 5_000 });
      // Still uploading: the text did not wait for it.
      expect(await upload.getAttribute("data-status")).toBe("sending");
      expect(await thread.getByText("Waiting to send…").count()).toBe(0);
      await expect.poll(() => distanceFromBottom(alice)).toBeLessThan(2);
    } finally {
      await uplink(-1);
    }
    await thread.locator("article.message:not(.outgoing)", { hasText: "Slow photo" }).waitFor({ timeout: 30_000 });
  });

  it("while Parley is away says so in words, and resends by itself once it is back", async () => {
    const input = alice.getByLabel("Message", { exact: true });
    const thread = log(alice);
    app.setApiDown(true);
    try {
      await input.fill("Sent while away");
      await input.press("Enter");
      const outgoing = thread.locator("article.outgoing", { hasText: "Sent while away" });
      await outgoing.getByText("Parley is unreachable; retrying…").waitFor({ timeout: 10_000 });
      // The list notices on its next read (every 8 s).
      await alice.getByRole("navigation").getByText("Parley is unreachable; retrying…").waitFor({ timeout: 12_000 });
      await alice.getByText("Reconnecting to live updates…").waitFor({ timeout: 10_000 });
      const text = await alice.locator("body").innerText();
      expect(text).not.toMatch(/HTTP|502|GraphQL|Bad Gateway/);
      await shot(alice, "unreachable");
    } finally {
      app.setApiDown(false);
    }
    const started = Date.now();
    await thread.locator("article.message:not(.outgoing)", { hasText: "Sent while away" }).waitFor({ timeout: 10_000 });
    const resentMs = Date.now() - started;
    await expect.poll(() => alice.getByText("Parley is unreachable; retrying…").count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => alice.getByText("Reconnecting to live updates…").count(), { timeout: 10_000 }).toBe(0);
    const rows = await api.sql`SELECT count(*)::int AS n FROM messages WHERE body = 'Sent while away'`;
    expect(rows[0]?.n).toBe(1);
    expect(resentMs).toBeLessThan(8_000);
  });

  it("shows the last message and its time in the list, and the unread count in the tab title", async () => {
    // Alice opens the list (phone-less desktop: the list is beside the thread) and leaves the thread.
    const other = await (
      await sdkAs(api, names.bob)
    ).createConversation({
      friendlyName: "Quiet one",
      participants: [names.alice],
    });
    await other.sendMessage("Are you coming on Friday? https://example.com/plan");
    const link = alice.getByRole("link", { name: /Quiet one/ });
    await link.waitFor({ timeout: 12_000 });
    await expect.poll(() => link.innerText(), { timeout: 12_000 }).toMatch(/bob-\w+: Are you coming on Friday\?/);
    expect(await link.locator("time").innerText()).toMatch(/\d{1,2}.\d{2}/);
    // Sorted by activity: the conversation with the newest message is first.
    expect(await alice.locator(".conversation-list a").first().innerText()).toMatch(/Quiet one/);
    await expect.poll(() => alice.title(), { timeout: 12_000 }).toBe("(1) Parley");
    await link.click();
    const body = log(alice).locator(".body", { hasText: "Are you coming" });
    await body.waitFor();
    // The link in the body is a real link, opened in a new tab; the rest stays text.
    const a = body.getByRole("link", { name: "https://example.com/plan" });
    expect(await a.getAttribute("href")).toBe("https://example.com/plan");
    expect(await a.getAttribute("target")).toBe("_blank");
    await expect.poll(() => alice.title(), { timeout: 12_000 }).toBe("Parley");
  });

  it("keeps the draft of a person whose pasted token expired, for when they sign in again", async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 860 } });
    contexts.push(context);
    const page = await context.newPage();
    const pageErrors = watchConsole(page, "carol");
    await page.goto(app.url);
    await page.getByLabel("Token", { exact: true }).fill(await api.token(names.alice, 6));
    await page.getByRole("button", { name: "Sign in with token" }).click();
    await page.getByText(`Signed in as ${names.alice}`).waitFor();
    await page.getByRole("link", { name: /Harbour trip/ }).click();
    const input = page.getByLabel("Message", { exact: true });
    await input.waitFor();
    await input.fill("Half-written thought");
    // The token expires; the next read is refused and the person is signed out, with a note.
    await page.getByText(/Your session has expired/).waitFor({ timeout: 20_000 });
    expect(await page.getByRole("status").innerText()).toMatch(/What you were writing is kept/);
    await page.getByLabel("Token", { exact: true }).fill(await api.token(names.alice));
    await page.getByRole("button", { name: "Sign in with token" }).click();
    await page.getByText(`Signed in as ${names.alice}`).waitFor();
    await page.getByRole("link", { name: /Harbour trip/ }).click();
    await expect.poll(() => page.getByLabel("Message", { exact: true }).inputValue()).toBe("Half-written thought");
    // Signing out on purpose forgets it.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("Token", { exact: true }).fill(await api.token(names.alice));
    await page.getByRole("button", { name: "Sign in with token" }).click();
    await page.getByRole("link", { name: /Harbour trip/ }).click();
    await page.getByLabel("Message", { exact: true }).waitFor();
    expect(await page.getByLabel("Message", { exact: true }).inputValue()).toBe("");
    expect(pageErrors.filter((l) => !/status of 401/.test(l))).toEqual([]);
  });

  it("groups a run of one author's messages, reserves a video's box, and shows other files as a card", async () => {
    // Alice is in "Quiet one" (the test before); Bob writes three times within a minute, the last
    // with a video (4:3, recorded in the browser itself) and a PDF.
    const video = Buffer.from(
      await alice.evaluate(async () => {
        const canvas = Object.assign(document.createElement("canvas"), { width: 320, height: 240 });
        const g = canvas.getContext("2d")!;
        const recorder = new MediaRecorder(canvas.captureStream(25), { mimeType: "video/webm;codecs=vp8" });
        const chunks: Blob[] = [];
        recorder.ondataavailable = (e) => chunks.push(e.data);
        const stopped = new Promise((resolve) => (recorder.onstop = resolve));
        recorder.start();
        for (let frame = 0; frame < 25; frame++) {
          g.fillStyle = `hsl(${frame * 14}, 70%, 50%)`;
          g.fillRect(0, 0, 320, 240);
          await new Promise((resolve) => setTimeout(resolve, 40));
        }
        recorder.stop();
        await stopped;
        const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
        let binary = "";
        for (const b of bytes) binary += String.fromCharCode(b);
        return btoa(binary);
      }),
      "base64",
    );
    const pdf = makePdf("Ferry timetable");
    const quiet = alice.getByRole("link", { name: /Quiet one/ });
    await quiet.click();
    const thread = log(alice);
    await thread.locator("article", { hasText: "Are you coming" }).waitFor();
    await alice.getByLabel("Message", { exact: true }).focus();
    const bobSdk = await sdkAs(api, names.bob);
    const quietId = (await bobSdk.getConversations()).items.find((c) => c.friendlyName === "Quiet one")!.id;
    await sendTexts(api, names.bob, quietId, "Also", 1);
    await sendWithMedia(api, names.bob, quietId, "The crossing and the timetable", [
      { name: "crossing.webm", mimeType: "video/webm", buffer: video },
      { name: "timetable.pdf", mimeType: "application/pdf", buffer: pdf },
    ]);
    const article = thread.locator("article", { hasText: "The crossing and the timetable" });
    await article.waitFor();

    // One header for the run: the later messages are "continued", their author shown only to
    // screen readers (the article's label still names it).
    const runLabels = await thread.locator("article").evaluateAll((els) =>
      els.slice(-3).map((el) => ({
        continued: el.classList.contains("continued"),
        authorVisible: (el.querySelector(".author") as HTMLElement).getBoundingClientRect().width > 1,
        label: el.getAttribute("aria-label"),
      })),
    );
    expect(runLabels.map((r) => [r.continued, r.authorVisible])).toEqual([
      [false, true],
      [true, false],
      [true, false],
    ]);
    for (const r of runLabels) expect(r.label).toContain(names.bob);
    // The day is said once, above its first message.
    expect(
      await thread.getByRole("separator").evaluateAll((els) => els.map((el) => el.getAttribute("aria-label"))),
    ).toEqual(["Today"]);

    // The video's box is 16:9 of its width before anything is known and does not move once the
    // player has loaded: the thread stays at the bottom.
    const frame = article.locator(".video-frame");
    const before = await frame.boundingBox();
    expect(Math.round(before!.width)).toBe(360);
    expect(Math.round(before!.height)).toBe(Math.round((360 * 9) / 16));
    const player = article.locator("video");
    await expect
      .poll(
        () => player.evaluate((el) => (el as HTMLVideoElement).readyState >= 1 && (el as HTMLVideoElement).videoWidth),
        {
          timeout: 15_000,
        },
      )
      .toBe(320);
    expect(await frame.boundingBox()).toEqual(before);
    await expect.poll(() => distanceFromBottom(alice)).toBeLessThan(2);
    expect(await article.locator("figcaption").innerText()).toMatch(/crossing\.webm · \d/);

    // Anything else is a card with its type and size, and downloads byte for byte.
    const card = article.getByRole("link", { name: `timetable.pdf PDF document · ${pdf.length} bytes Download` });
    expect(await card.innerText()).toContain(`timetable.pdf\nPDF document · ${pdf.length} bytes`);
    const [download] = await Promise.all([alice.waitForEvent("download"), card.click()]);
    expect(download.suggestedFilename()).toBe("timetable.pdf");
    expect(Buffer.compare(readFileSync(await download.path()), pdf)).toBe(0);
    expect(await axeProblems(alice)).toEqual([]);
  });

  it("logs no console errors", () => {
    expect(unexpectedErrors()).toEqual([]);
  });
});
