// End to end: Alice and Bob in two browser pages, each app talking to its OWN Parley instance
// (an in-process server and a second server process) on one PostgreSQL database. Bob sees Alice's
// messages, edits and deletions live (events fanned out across instances), without the thread
// re-reading on a timer, and his unread count rises and clears when he opens the conversation.
import { startTestServer, type TestServer } from "./api.ts";
import type { Browser, BrowserContext, Page, Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, watchConsole } from "./browser.ts";
import { buildApp } from "./app.ts";
import { serveApp, type ServedApp } from "./serve-app.ts";
import { startServerProcess, type ServerProcess } from "@parley/testkit";

/** "Live" means well inside the old 2.5 s polling interval plus a request. */
const LIVE_MS = 2_000;

let built: Awaited<ReturnType<typeof buildApp>> | undefined;
let distDir: string;
let browser: Browser;

beforeAll(async () => {
  built = await buildApp();
  distDir = built.distDir;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  built?.remove();
});

/** The GraphQL operation names a page sends over HTTP (live events go over the WebSocket). */
function watchOperations(page: Page): { names: string[] } {
  const seen = { names: [] as string[] };
  page.on("request", (request: Request) => {
    if (request.method() !== "POST" || !new URL(request.url()).pathname.endsWith("/graphql")) return;
    try {
      const body = JSON.parse(request.postData() ?? "{}") as { operationName?: string };
      seen.names.push(body.operationName ?? "?");
    } catch {
      seen.names.push("multipart");
    }
  });
  return seen;
}

describe("live thread across two API instances", () => {
  let apiA: TestServer;
  let apiB: ServerProcess;
  let appA: ServedApp;
  let appB: ServedApp;
  let alice: Page;
  let bob: Page;
  let bobOps: { names: string[] };
  const bobSockets: string[] = [];
  /** Bob's HTTP operations before the live part began. */
  let before = 0;
  const contexts: BrowserContext[] = [];
  let errors: () => string[];
  const suffix = Math.random().toString(36).slice(2, 7);
  const names = { alice: `alice-${suffix}`, bob: `bob-${suffix}` };
  const title = `Across instances ${suffix}`;

  beforeAll(async () => {
    appA = await serveApp(distDir, () => apiA.url);
    apiA = await startTestServer({ backend: "services", env: { AUTH_DEV_TOKENS: "true", PUBLIC_URL: appA.url } });
    // The second instance: the real entry point in its own process, same database, storage and secret.
    apiB = await startServerProcess({ ...apiA.env, AUTH_DEV_TOKENS: "true" });
    appB = await serveApp(distDir, () => apiB.url);
    expect(new URL(apiB.url).port).not.toBe(new URL(apiA.url).port);

    for (let i = 0; i < 2; i++) contexts.push(await browser.newContext({ viewport: { width: 1200, height: 860 } }));
    alice = await contexts[0]!.newPage();
    bob = await contexts[1]!.newPage();
    const aliceErrors = watchConsole(alice, "alice");
    const bobErrors = watchConsole(bob, "bob");
    errors = () => [...aliceErrors, ...bobErrors];
    bobOps = watchOperations(bob);
    bob.on("websocket", (ws) => bobSockets.push(ws.url()));
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await appA?.close();
    await appB?.close();
    await apiB?.kill();
    await apiA?.close();
  });

  async function signIn(page: Page, url: string, identity: string) {
    await page.goto(url);
    await page.getByLabel("Identity", { exact: true }).fill(identity);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.getByText(`Signed in as ${identity}`).waitFor();
  }

  const send = async (text: string) => {
    const input = alice.getByLabel("Message", { exact: true });
    await input.fill(text);
    await input.press("Enter");
    await alice
      .getByRole("log", { name: "Messages" })
      .locator("article.message:not(.outgoing)", { hasText: text })
      .waitFor();
  };
  const bobsLink = () => bob.getByRole("link", { name: new RegExp(title) });
  const bobsBadge = () => bobsLink().locator(".unread");

  it("Alice signs in on instance A, Bob on instance B", async () => {
    await signIn(alice, appA.url, names.alice);
    await signIn(bob, appB.url, names.bob);
  });

  it("Bob's unread count rises with Alice's messages while he has not opened the conversation", async () => {
    await alice.getByRole("button", { name: "New conversation" }).click();
    const dialog = alice.getByRole("dialog", { name: "New conversation" });
    await dialog.getByLabel("Name").fill(title);
    await dialog.getByLabel("Participants").fill(names.bob);
    await dialog.getByRole("button", { name: "Create" }).click();
    await alice.getByRole("heading", { name: title }).waitFor();

    await send("One");
    // The list is re-read every 8 s (there is no list subscription).
    await expect.poll(() => bobsBadge().textContent(), { timeout: 20_000 }).toBe("1");
    expect(await bobsBadge().getAttribute("aria-label")).toBe("1 unread message");
    await send("Two");
    await expect.poll(() => bobsBadge().textContent(), { timeout: 20_000 }).toBe("2");
  });

  it("opening the conversation marks it read: the count clears and the read horizon is stored", async () => {
    await bobsLink().click();
    const log = bob.getByRole("log", { name: "Messages" });
    await expect.poll(() => log.locator(".message .body").allInnerTexts()).toEqual(["One", "Two"]);
    await expect.poll(() => bobsBadge().count(), { timeout: 10_000 }).toBe(0);
    const rows =
      await apiA.sql`SELECT p.last_read_message_index AS i FROM participants p WHERE p.identity = ${names.bob}`;
    expect(rows).toEqual([{ i: 1 }]);
    // Bob's live events go to his own app's origin, which leads to instance B.
    await expect.poll(() => bobSockets.length).toBeGreaterThan(0);
    expect(bobSockets.every((url) => url.startsWith(appB.url.replace(/^http/, "ws")))).toBe(true);
  });

  it("Alice sends through A and Bob, on B, sees it live, without the thread re-reading on a timer", async () => {
    // Let the SDK's one re-check after connecting pass, then count what Bob's page asks over HTTP.
    await bob.waitForTimeout(2_000);
    // The watcher does see the thread's reads: the first page was one.
    expect(bobOps.names).toContain("Messages");
    expect(bobOps.names).toContain("SetLastReadMessageIndex");
    before = bobOps.names.length;
    const started = Date.now();
    await send("Live from A");
    const log = bob.getByRole("log", { name: "Messages" });
    await log.locator(".message .body", { hasText: "Live from A" }).waitFor({ timeout: LIVE_MS });
    // Stay longer than two of the old polling intervals: the thread must not read messages meanwhile.
    await bob.waitForTimeout(Math.max(0, 6_000 - (Date.now() - started)));
    const during = bobOps.names.slice(before);
    expect(during.filter((name) => name === "Messages")).toEqual([]);
    // Bob had the newest message in view: it is read, no count appears.
    await expect
      .poll(
        async () =>
          (await apiA.sql`SELECT last_read_message_index AS i FROM participants WHERE identity = ${names.bob}`)[0]?.i,
      )
      .toBe(2);
    expect(await bobsBadge().count()).toBe(0);
  });

  it("Alice edits her message and Bob sees the new text live", async () => {
    const mine = alice.getByRole("log", { name: "Messages" }).locator("article.message", { hasText: "Live from A" });
    await mine.getByRole("button", { name: "Edit message" }).click();
    const editor = mine.getByRole("textbox", { name: "Edit message" });
    await editor.fill("Live from A, edited");
    await editor.press("Enter");
    await mine.locator(".body", { hasText: "Live from A, edited" }).waitFor();
    await mine.getByText("(edited)").waitFor();

    const theirs = bob.getByRole("log", { name: "Messages" }).locator("article.message", { hasText: "Live from A" });
    await theirs.locator(".body", { hasText: "Live from A, edited" }).waitFor({ timeout: LIVE_MS });
    await theirs.getByText("(edited)").waitFor();
    // Only the author can edit or delete.
    expect(await theirs.getByRole("button", { name: "Edit message" }).count()).toBe(0);
    expect(await theirs.getByRole("button", { name: "Delete message" }).count()).toBe(0);
    const rows = await apiA.sql`SELECT body FROM messages WHERE index = 2`;
    expect(rows).toEqual([{ body: "Live from A, edited" }]);
  });

  it("Alice deletes her message and it disappears from Bob's thread live", async () => {
    const mine = alice
      .getByRole("log", { name: "Messages" })
      .locator("article.message", { hasText: "Live from A, edited" });
    await mine.getByRole("button", { name: "Delete message" }).click();
    await mine
      .getByRole("group", { name: "Delete this message?" })
      .getByRole("button", { name: "Delete", exact: true })
      .click();
    await expect.poll(() => mine.count()).toBe(0);

    const bobLog = bob.getByRole("log", { name: "Messages" });
    await expect
      .poll(() => bobLog.locator(".message .body").allInnerTexts(), { timeout: LIVE_MS, interval: 100 })
      .toEqual(["One", "Two"]);
    const rows = await apiA.sql`SELECT count(*)::int AS n FROM messages WHERE body LIKE 'Live from A%'`;
    expect(rows[0]?.n).toBe(0);
    // Still no timed re-reads of the thread on Bob's side.
    expect(bobOps.names.slice(before).filter((name) => name === "Messages")).toEqual([]);
  });

  it("logs no console errors in either window", () => {
    expect(errors()).toEqual([]);
  });
});
