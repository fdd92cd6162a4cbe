// Debian's chromium driven by playwright-core: never a browser that Playwright downloads.
import { chromium, type Browser, type Page } from "playwright-core";
import { chromiumExecutable } from "@parley/testkit";

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
  return chromium.launch({ executablePath: chromiumExecutable(), args: CHROMIUM_ARGS });
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
