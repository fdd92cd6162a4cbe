// The event hub's viewer-wide subscriptions over real LISTEN/NOTIFY (PostgreSQL, or PGlite in the
// embedded run): membership changes committed while a subscription loads its starting membership
// are held and applied in commit order afterwards.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase, type DbHandle } from "@parley/db";
import { createTestDatabase, type TestDatabase } from "@parley/testkit";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventHub } from "../src/realtime/event-hub.ts";
import { notifyStatement, type ConversationEvent } from "../src/realtime/events.ts";

let database: TestDatabase | undefined;
let dataDir: string | undefined;
let db: DbHandle;
let hub: EventHub;
beforeAll(async () => {
  if (process.env.PARLEY_TEST_BACKEND === "embedded") {
    dataDir = mkdtempSync(join(tmpdir(), "parley-hub-"));
    db = await openDatabase({ dataDir });
  } else {
    database = await createTestDatabase("parley_hub");
    db = await openDatabase({ url: database.url });
  }
  hub = new EventHub(pino({ level: "silent" }));
  await hub.start(db);
});
afterAll(async () => {
  await hub?.stop();
  await db?.close();
  await database?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const C1 = "00000000-0000-7000-8000-0000000000c1";
const C2 = "00000000-0000-7000-8000-0000000000c2";
const C3 = "00000000-0000-7000-8000-0000000000c3";
const added = (conversationId: string, index: number): ConversationEvent => ({
  type: "messageAdded",
  conversationId,
  messageId: `${conversationId.slice(-2)}-${index}`,
  index,
});
const publish = async (...events: ConversationEvent[]) => {
  for (const e of events) await db.db.execute(notifyStatement(e));
};

describe("viewer-wide subscriptions", () => {
  it("applies joins and removals committed while the starting membership loads, in order", async () => {
    let load: (ids: string[]) => void = () => {};
    const membership = new Promise<string[]>((resolve) => (load = resolve));
    const events = hub.subscribeViewer("vera", () => membership);
    // A marker subscription tells when the hub has dispatched everything published before it.
    const marker = hub.subscribe(C3, "marker");
    await publish(
      { type: "participantAdded", conversationId: C2, identity: "vera" }, // joined during the load
      added(C2, 0),
      { type: "participantRemoved", conversationId: C1, identity: "vera" }, // left during the load
      added(C1, 5),
      { type: "participantAdded", conversationId: C3, identity: "bob" }, // someone else joined
      added(C3, 0),
    );
    expect((await marker.next()).value).toMatchObject({ type: "participantAdded", identity: "bob" });
    expect((await marker.next()).value).toMatchObject(added(C3, 0));
    load([C1]); // the snapshot the load read before those commits
    await publish(added(C1, 6), added(C2, 1), added(C3, 1));
    await marker.next();
    const seen: ConversationEvent[] = [];
    for (let i = 0; i < 2; i++) seen.push((await events.next()).value as ConversationEvent);
    expect(seen).toEqual([added(C2, 0), added(C2, 1)]);
    await events.return?.();
    await marker.return?.();
    expect(hub.size).toBe(0);
  });

  it("ends a subscription whose membership cannot be loaded", async () => {
    const events = hub.subscribeViewer("vera", () => Promise.reject(new Error("database unreachable")));
    await expect(events.next()).rejects.toThrow("database unreachable");
    expect(hub.size).toBe(0);
  });
});
