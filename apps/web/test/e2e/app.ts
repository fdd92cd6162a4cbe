// Shared by the browser tests that drive the production build: build it once per file, serve it
// in front of a real API, sign people in, seed conversations through the SDK.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createClient, type Message } from "@parley/client";
import type { TestServer } from "./api.ts";
import type { Page } from "playwright-core";
import { build } from "vite";

export const webRoot = fileURLToPath(new URL("../../", import.meta.url));

/** Builds the app for production into a temporary folder; returns it and its remover. */
export async function buildApp(): Promise<{ distDir: string; remove(): void }> {
  const distDir = mkdtempSync(join(tmpdir(), "parley-web-dist-"));
  // vitest runs with NODE_ENV=test, which would make Vite bundle React's development build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = "production";
  try {
    await build({ root: webRoot, mode: "production", logLevel: "warn", build: { outDir: distDir, emptyOutDir: true } });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  return { distDir, remove: () => rmSync(distDir, { recursive: true, force: true }) };
}

export async function signIn(page: Page, appUrl: string, identity: string): Promise<void> {
  await page.goto(appUrl);
  await page.getByLabel("Identity", { exact: true }).fill(identity);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByText(`Signed in as ${identity}`).waitFor();
}

/** An SDK client acting as `identity` against the API (seeding and "the other person"). */
export async function sdkAs(api: TestServer, identity: string) {
  return createClient({ url: api.url, token: await api.token(identity) });
}

export interface SeedFile {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

export async function sendWithMedia(
  api: TestServer,
  identity: string,
  conversationId: string,
  body: string | null,
  files: readonly SeedFile[],
): Promise<Message> {
  const client = await sdkAs(api, identity);
  const builder = client.conversation(conversationId).prepareMessage();
  if (body) builder.setBody(body);
  for (const f of files) builder.addMedia({ media: f.buffer, filename: f.name, contentType: f.mimeType });
  return (await builder.build()).send();
}

/** Sends `count` text messages ("<prefix> 1", …) one after another. */
export async function sendTexts(
  api: TestServer,
  identity: string,
  conversationId: string,
  prefix: string,
  count: number,
): Promise<void> {
  const conversation = (await sdkAs(api, identity)).conversation(conversationId);
  for (let i = 1; i <= count; i++) await conversation.sendMessage(`${prefix} ${i}`);
}

/** How far the thread is from its bottom, in pixels (0: pinned to the newest). */
export function distanceFromBottom(page: Page): Promise<number> {
  return page
    .getByRole("log", { name: "Messages" })
    .evaluate((el) => Math.round(el.scrollHeight - el.scrollTop - el.clientHeight));
}
