import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMinio, type MinioServer, readFixture, generated, postMediaMessage } from "@parley/testkit";
import { reservationsIn } from "../src/repositories/upload-reservations.ts";
import { codeOf, startTestServer, type TestServer } from "./harness.ts";

// These tests stop MinIO, so they own one instead of sharing the run's.
let minio: MinioServer;
let t: TestServer;
beforeAll(async () => {
  minio = await startMinio();
  // No preview workers: these sweep with no grace period, which would take a job's previews in flight.
  t = await startTestServer({ minio, env: { MEDIA_PREVIEW_WORKERS: "0" } });
});
afterAll(async () => {
  await minio?.start().catch(() => {});
  await t?.close();
  await minio?.dispose();
});

const SEND_MEDIA = `mutation($i: SendMediaMessageInput!) { sendMediaMessage(input: $i) { id } }`;
const png = readFixture("photo.png");

async function conversation() {
  const res = await t.gql<{ createConversation: { id: string } }>(
    "alice",
    `mutation { createConversation(input: {}) { id } }`,
  );
  return res.data!.createConversation.id;
}

const messageCount = async (id: string) =>
  (await t.sql`select count(*)::int as n from messages where conversation_id = ${id}`)[0]!.n as number;

describe("MinIO unreachable", () => {
  it("before an upload: STORAGE_UNAVAILABLE, /readyz reports it, nothing is committed", async () => {
    const id = await conversation();
    await minio.stop();
    try {
      const ready = await fetch(`${t.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { storage: string }).storage).toMatch(/^unavailable/);
      const res = await postMediaMessage(t.graphqlUrl, await t.token("alice"), SEND_MEDIA, id, [
        { filename: "p.png", body: png },
      ]);
      expect(codeOf(res.json)).toBe("STORAGE_UNAVAILABLE");
      expect(await messageCount(id)).toBe(0);
      // Text still works without storage.
      const text = await t.gql("alice", `mutation($i: SendMessageInput!) { sendMessage(input: $i) { index } }`, {
        i: { conversationId: id, body: "still here" },
      });
      expect(text.errors).toBeUndefined();
    } finally {
      await minio.start();
    }
    expect(await t.objects(`media/${id}/`)).toEqual([]);
    expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
  });

  it("during an upload: STORAGE_UNAVAILABLE, no row, and the orphan sweeper removes what could not be deleted", async () => {
    const id = await conversation();
    let killed = false;
    const slow = async function* () {
      yield* generated(4 * 1024 * 1024)();
      await minio.stop({ hard: true });
      killed = true;
      yield* generated(4 * 1024 * 1024, 9)();
    };
    const res = await postMediaMessage(t.graphqlUrl, await t.token("alice"), SEND_MEDIA, id, [
      { filename: "p.png", body: png },
      { filename: "big.bin", body: slow },
    ]);
    expect(killed).toBe(true);
    expect(codeOf(res.json)).toBe("STORAGE_UNAVAILABLE");
    expect(await messageCount(id)).toBe(0);
    await minio.start();
    // The first file was stored before MinIO died and could not be deleted then; the sweeper takes it.
    const swept = await t.sweep(0);
    expect(swept.deleted).toBeLessThanOrEqual(1);
    expect(await t.objects(`media/${id}/`)).toEqual([]);
    expect(await messageCount(id)).toBe(0);
  });

  it("the sweeper never deletes objects that media rows reference, nor young ones", async () => {
    const id = await conversation();
    const res = await postMediaMessage(t.graphqlUrl, await t.token("alice"), SEND_MEDIA, id, [
      { filename: "p.png", body: png },
    ]);
    expect(res.json.errors).toBeUndefined();
    const { Readable } = await import("node:stream");
    await t.parley.store.put(`media/${id}/orphan`, Readable.from([Buffer.from("x")]), { contentType: "text/plain" });
    const young = await t.sweep(3_600_000);
    expect(young.deleted).toBe(0);
    expect(await t.objects(`media/${id}/`)).toHaveLength(2);
    const now = await t.sweep(0);
    expect(now.deleted).toBe(1);
    expect(await t.objects(`media/${id}/`)).toHaveLength(1);
  });

  it("commits release pending upload keys; the sweeper takes a pending key only once it is older than the grace period", async () => {
    const id = await conversation();
    const pendingKeys = async () =>
      (await t.sql`select object_key from pending_uploads`).map((r) => r.object_key as string);
    const res = await postMediaMessage(t.graphqlUrl, await t.token("alice"), SEND_MEDIA, id, [
      { filename: "p.png", body: png },
    ]);
    expect(res.json.errors).toBeUndefined();
    expect(await pendingKeys()).toEqual([]);
    // An upload in flight on some instance: its key is reserved and its object is being written.
    const key = `media/${id}/in-flight`;
    await reservationsIn(t.parley.db.db).reserve([key]);
    const { Readable } = await import("node:stream");
    await t.parley.store.put(key, Readable.from([Buffer.from("partial")]), { contentType: "application/octet-stream" });
    const young = await t.sweep(3_600_000);
    expect(young.abandoned).toBe(0);
    expect(await pendingKeys()).toEqual([key]);
    expect(await t.objects(`media/${id}/`)).toHaveLength(2);
    // Past the grace period it was cut off: object deleted, key released; the committed one stays.
    const old = await t.sweep(0);
    expect(old.abandoned).toBe(1);
    expect(await pendingKeys()).toEqual([]);
    expect(await t.objects(`media/${id}/`)).toHaveLength(1);
    expect(await t.objects(`media/${id}/`)).not.toContain(key);
  });
});
