// `pnpm dev` as a developer gets it: the Vite dev server (React development build, StrictMode)
// proxying to a real API on the embedded default, whose media URLs name the API's own origin.
import { readFileSync } from "node:fs";
import { createServer as createNetServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startTestServer, type TestServer } from "./api.ts";
import type { Browser, Page } from "playwright-core";
import { createServer, type ViteDevServer } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, watchConsole } from "./browser.ts";
import { makePdf, makePng, makeWav } from "./fixtures.ts";

const webRoot = fileURLToPath(new URL("../../", import.meta.url));
const URL_TTL_SECONDS = 4;

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("the Vite dev server against the embedded API", () => {
  let api: TestServer;
  let vite: ViteDevServer;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let appUrl: string;

  beforeAll(async () => {
    // Temporary URLs that live 4 s: the app must renew them transparently.
    api = await startTestServer({
      backend: "embedded",
      env: { AUTH_DEV_TOKENS: "true", MEDIA_URL_TTL_SECONDS: String(URL_TTL_SECONDS) },
    });
    // vite.config.ts reads the proxy target from the environment, as `pnpm dev` would set it.
    process.env.PARLEY_API_URL = api.url;
    const port = await freePort();
    vite = await createServer({ root: webRoot, logLevel: "warn", server: { port, strictPort: true } });
    await vite.listen();
    appUrl = `http://127.0.0.1:${port}`;
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1100, height: 800 } })).newPage();
    errors = watchConsole(page, "dev");
  });

  afterAll(async () => {
    await browser?.close();
    await vite?.close();
    delete process.env.PARLEY_API_URL;
    await api?.close();
  });

  it("signs in, sends an image, a PDF and a sound, and plays them back through the dev proxy without console errors", async () => {
    await page.goto(appUrl);
    await page.getByLabel("Identity", { exact: true }).fill("dora");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.getByText("Signed in as dora").waitFor();

    await page.getByRole("button", { name: "New conversation" }).click();
    const dialog = page.getByRole("dialog", { name: "New conversation" });
    await dialog.getByLabel("Name").fill("Dev check");
    await dialog.getByLabel("Participants").fill("eve, frank");
    await dialog.getByRole("button", { name: "Create" }).click();
    await page.getByRole("heading", { name: "Dev check" }).waitFor();
    await page.getByText("3 participants").first().waitFor();

    const pdf = makePdf("Dev proxy");
    await page
      .getByLabel("Attach files")
      .first()
      .setInputFiles([
        { name: "tile.png", mimeType: "image/png", buffer: makePng(64, 48, [90, 200, 120]) },
        { name: "notes.pdf", mimeType: "application/pdf", buffer: pdf },
        { name: "tone.wav", mimeType: "audio/wav", buffer: makeWav(1.5) },
      ]);
    await page.getByLabel("Message", { exact: true }).fill("Through the dev proxy");
    await page.getByLabel("Message", { exact: true }).press("Enter");

    const message = page.locator("article.message:not(.outgoing)", { hasText: "Through the dev proxy" });
    await message.waitFor({ timeout: 30_000 });
    const image = message.locator("img");
    await expect
      .poll(() => image.evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth), {
        timeout: 15_000,
      })
      .toBe(64);
    // The embedded store's URL names the API's origin; the app sends it through the dev server.
    expect(new URL((await image.getAttribute("src"))!).origin).toBe(appUrl);

    const audio = message.locator("audio");
    await expect
      .poll(() => audio.evaluate((el) => (el as HTMLAudioElement).duration), { timeout: 15_000 })
      .toBeCloseTo(1.5, 1);
    expect(await audio.getAttribute("aria-label")).toBe("tone.wav");

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      message.getByRole("link", { name: /notes\.pdf/ }).click(),
    ]);
    expect(download.suggestedFilename()).toBe("notes.pdf");
    expect(Buffer.compare(readFileSync(await download.path()), pdf)).toBe(0);

    await page.screenshot({ path: join(webRoot, "test-results", "dev-server-media.png") });

    // Once the URLs in hand have expired, a download asks for a fresh one first (no 403 seen).
    const firstUrl = await message.getByRole("link", { name: /notes\.pdf/ }).getAttribute("href");
    await page.waitForTimeout((URL_TTL_SECONDS + 1) * 1000);
    const [again] = await Promise.all([
      page.waitForEvent("download"),
      message.getByRole("link", { name: /notes\.pdf/ }).click(),
    ]);
    expect(Buffer.compare(readFileSync(await again.path()), pdf)).toBe(0);
    await expect.poll(() => message.getByRole("link", { name: /notes\.pdf/ }).getAttribute("href")).not.toBe(firstUrl);
    expect(errors).toEqual([]);
  });
});
