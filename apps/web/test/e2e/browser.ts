// Debian's chromium driven by playwright-core: never a browser that Playwright downloads.
import { existsSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-quic",
  "--no-first-run",
  "--disable-component-update",
  "--disable-sync",
];

export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium is required for the browser tests and was not found at ${executablePath}. ` +
        "Install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH; .ci/run installs it.",
    );
  }
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}

/** Collects console errors and uncaught exceptions of a page; the test asserts there are none. */
export function watchConsole(page: Page, who: string): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`${who}: console.error: ${message.text()} (${message.location().url})`);
  });
  page.on("pageerror", (error) => errors.push(`${who}: uncaught: ${error.message}`));
  return errors;
}
