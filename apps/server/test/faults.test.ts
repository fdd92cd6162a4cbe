// Dependency faults (issue 8, "Crashes and faults"): PostgreSQL and MinIO unreachable before and
// during a request. /readyz reports it, requests fail with a contract code, nothing is half-written,
// and service resumes by itself when the dependency is back, without a restart. Services backend only
// (vitest.config.ts): the embedded backend has no network dependency to lose.
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTestDatabase,
  startMinio,
  type MinioServer,
  type TestDatabase,
  tcpProxy,
  type TcpProxy,
  readFixture,
  generated,
  postMediaMessage,
  type FilePart,
} from "@parley/testkit";
import { codeOf, startTestServer, type TestServer } from "./harness.ts";
import { eventually, incompleteUploads } from "./process-backend.ts";

const png = readFixture("photo.png");
const SEND = `mutation($i: SendMessageInput!) { sendMessage(input: $i) { id index } }`;
const SEND_MEDIA = `mutation($i: SendMediaMessageInput!) { sendMediaMessage(input: $i) { id index media { size sha256 temporaryUrl } } }`;

interface Ready {
  status: string;
  database: string;
  storage: string;
}
async function readyz(t: TestServer) {
  const res = await fetch(`${t.url}/readyz`);
  return { status: res.status, body: (await res.json()) as Ready };
}

async function conversation(t: TestServer) {
  const res = await t.gql<{ createConversation: { id: string } }>(
    "alice",
    `mutation { createConversation(input: {participants: ["bob"]}) { id } }`,
  );
  expect(res.errors).toBeUndefined();
  return res.data!.createConversation.id;
}

const sendMedia = (t: TestServer, token: string, conversationId: string, files: Omit<FilePart, "path">[]) =>
  postMediaMessage(t.graphqlUrl, token, SEND_MEDIA, conversationId, files);

describe("PostgreSQL unreachable (a TCP proxy between the server and PostgreSQL is shut)", () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let direct: postgres.Sql;
  let t: TestServer;

  beforeAll(async () => {
    db = await createTestDatabase("parley_faults");
    const url = new URL(db.url);
    proxy = await tcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    const viaProxy = new URL(db.url);
    viaProxy.port = String(proxy.port);
    // No preview workers: previews would race the object counts.
    t = await startTestServer({ database: db, env: { DATABASE_URL: viaProxy.toString(), MEDIA_PREVIEW_WORKERS: "0" } });
    // Assertions read the database directly, not through the proxy.
    direct = postgres(db.url, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await proxy?.up();
    await t?.close();
    await direct?.end({ timeout: 1 });
    await proxy?.close();
    await db?.drop();
  });

  const rows = async (conversationId: string) => {
    const [r] = await direct`select
      (select count(*)::int from messages where conversation_id = ${conversationId}) as messages,
      (select count(*)::int from media m join messages g on g.id = m.message_id where g.conversation_id = ${conversationId}) as media,
      (select coalesce(max(index), -1)::int from messages where conversation_id = ${conversationId}) as "maxIndex"`;
    return r as { messages: number; media: number; maxIndex: number };
  };

  it("before a request: /readyz names the database, requests get STORAGE_UNAVAILABLE, nothing is written; it resumes without a restart", async () => {
    const id = await conversation(t);
    expect((await t.gql(`alice`, SEND, { i: { conversationId: id, body: "before" } })).errors).toBeUndefined();
    expect(proxy.connections).toBeGreaterThan(0);

    await proxy.down("refused");
    const ready = await readyz(t);
    expect(ready.status).toBe(503);
    expect(ready.body.status).toBe("unavailable");
    expect(ready.body.database).toMatch(/^unavailable/);
    expect(ready.body.storage).toBe("ok");

    const text = await t.gql("alice", SEND, { i: { conversationId: id, body: "while down" } });
    expect(codeOf(text)).toBe("STORAGE_UNAVAILABLE");
    expect(text.errors![0]!.message).toMatch(/database/i);
    const read = await t.gql("alice", `{ conversations { edges { node { id } } } }`);
    expect(codeOf(read)).toBe("STORAGE_UNAVAILABLE");
    const media = await sendMedia(t, await t.token("alice"), id, [{ filename: "p.png", body: png }]);
    expect(codeOf(media.json)).toBe("STORAGE_UNAVAILABLE");
    // The process is still up and says so.
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);

    // Nothing was half-written while it was down.
    expect(await rows(id)).toEqual({ messages: 1, media: 0, maxIndex: 0 });
    expect(await t.objects(`media/${id}/`)).toEqual([]);

    // Back: the pool reconnects by itself.
    await proxy.up();
    await eventually(async () => expect((await readyz(t)).status).toBe(200));
    const after = await t.gql<{ sendMessage: { index: number } }>("alice", SEND, {
      i: { conversationId: id, body: "after" },
    });
    expect(after.errors).toBeUndefined();
    expect(after.data!.sendMessage.index).toBe(1);
    const mediaAfter = await sendMedia(t, await t.token("alice"), id, [{ filename: "p.png", body: png }]);
    expect(mediaAfter.json.errors).toBeUndefined();
    expect(await rows(id)).toEqual({ messages: 3, media: 1, maxIndex: 2 });
  });

  it("during a media upload: STORAGE_UNAVAILABLE, the stored files are deleted before the answer, no row; then it resumes", async () => {
    const id = await conversation(t);
    let cut = false;
    // The first file is stored, then the database goes away while the second is still uploading.
    const second = async function* () {
      yield* generated(2 * 1024 * 1024, 3)();
      await eventually(async () => expect(await t.objects(`media/${id}/`)).toHaveLength(1));
      await proxy.down("refused");
      cut = true;
      yield* generated(2 * 1024 * 1024, 4)();
    };
    const res = await sendMedia(t, await t.token("alice"), id, [
      { filename: "p.png", body: png },
      { filename: "big.bin", body: second },
    ]);
    expect(cut).toBe(true);
    expect(codeOf(res.json)).toBe("STORAGE_UNAVAILABLE");
    expect(res.json.errors![0]!.message).toMatch(/database/i);
    // Cleanup finishes before the response: nothing to wait for.
    expect(await t.objects(`media/${id}/`)).toEqual([]);
    expect(await rows(id)).toEqual({ messages: 0, media: 0, maxIndex: -1 });

    await proxy.up();
    await eventually(async () => expect((await readyz(t)).status).toBe(200));
    const again = await sendMedia(t, await t.token("alice"), id, [{ filename: "p.png", body: png }]);
    expect(again.json.errors).toBeUndefined();
    expect((again.json.data as { sendMediaMessage: { index: number } }).sendMediaMessage.index).toBe(0);
    expect(await rows(id)).toEqual({ messages: 1, media: 1, maxIndex: 0 });
    expect(await t.objects(`media/${id}/`)).toHaveLength(1);
    // The failed send's keys could not be released while the database was away; the sweeper does it
    // (and leaves the committed message's object alone).
    const pending = async () => (await t.sql`select count(*)::int as n from pending_uploads`)[0]!.n as number;
    expect(await pending()).toBe(2);
    await t.sweep(0);
    expect(await pending()).toBe(0);
    expect(await t.objects(`media/${id}/`)).toHaveLength(1);
  });

  it("a database that goes away in the middle of concurrent sends loses no index and duplicates none", async () => {
    const id = await conversation(t);
    const send = (n: number) =>
      t.gql<{ sendMessage: { index: number } }>("alice", SEND, { i: { conversationId: id, body: `m${n}` } });
    const first = await Promise.all(Array.from({ length: 10 }, (_, n) => send(n)));
    expect(first.every((r) => r.errors === undefined)).toBe(true);
    // Cut while a second wave is in flight: each send either commits or fails with the contract code.
    const wave = Array.from({ length: 20 }, (_, n) => send(100 + n));
    await proxy.down("refused");
    const t0 = Date.now();
    const results = await Promise.all(wave);
    // Sends waiting for a connection fail at a reconnect attempt (delay capped at 1 s; it was 20 s).
    // Printed, not asserted: timings on shared CI machines are noisy.
    console.info(`PostgreSQL cut during 20 concurrent sends: all answered within ${Date.now() - t0} ms`);
    for (const r of results) {
      if (r.errors) expect(codeOf(r)).toBe("STORAGE_UNAVAILABLE");
    }
    await proxy.up();
    await eventually(async () => expect((await readyz(t)).status).toBe(200));
    const last = await send(999);
    expect(last.errors).toBeUndefined();
    const indexes = (await direct`select index from messages where conversation_id = ${id} order by index`).map(
      (r) => r.index as number,
    );
    expect(indexes).toEqual(indexes.map((_, i) => i));
    const committed = results.filter((r) => !r.errors).length;
    expect(indexes).toHaveLength(10 + committed + 1);
    // Every send that reported success is a committed row, and vice versa.
    expect(new Set(results.filter((r) => !r.errors).map((r) => r.data!.sendMessage.index)).size).toBe(committed);
  });
});

describe("MinIO unreachable", () => {
  let minio: MinioServer;
  let t: TestServer;
  beforeAll(async () => {
    minio = await startMinio();
    // No preview workers: the sweep below counts the originals' objects, and a PNG's preview,
    // made a moment after the send, would race it (previews have their own tests).
    t = await startTestServer({ minio, env: { MEDIA_PREVIEW_WORKERS: "0" } });
  });
  afterAll(async () => {
    await minio?.start().catch(() => {});
    await t?.close();
    await minio?.dispose();
  });

  it("killed during an upload, then back: uploads and temporary URLs work again without a restart", async () => {
    const id = await conversation(t);
    const token = await t.token("alice");
    // Past the first part (5 MiB), so MinIO holds an incomplete multipart upload when it dies.
    const dying = async function* () {
      yield* generated(12 * 1024 * 1024, 8)();
      await eventually(async () => expect(incompleteUploads(minio.dataDir).length).toBeGreaterThan(0));
      await minio.stop({ hard: true });
      yield* generated(3 * 1024 * 1024, 9)();
    };
    const failed = await sendMedia(t, token, id, [{ filename: "x.bin", body: dying }]);
    expect(codeOf(failed.json)).toBe("STORAGE_UNAVAILABLE");
    const down = await readyz(t);
    expect(down.status).toBe(503);
    expect(down.body.storage).toMatch(/^unavailable/);
    expect(down.body.database).toBe("ok");
    const before = await sendMedia(t, token, id, [{ filename: "p.png", body: png }]);
    expect(codeOf(before.json)).toBe("STORAGE_UNAVAILABLE");

    await minio.start();
    await eventually(async () => expect((await readyz(t)).status).toBe(200));
    const ok = await sendMedia(t, token, id, [{ filename: "p.png", body: png }]);
    expect(ok.json.errors).toBeUndefined();
    const message = (ok.json.data as { sendMediaMessage: { index: number; media: { temporaryUrl: string }[] } })
      .sendMediaMessage;
    expect(message.index).toBe(0);
    const download = await fetch(message.media[0]!.temporaryUrl);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(png)).toBe(true);
    const [row] = await t.sql`select count(*)::int as n from messages where conversation_id = ${id}`;
    expect(row!.n).toBe(1);
    // After the sweeper only the message's own object is left.
    await t.sweep(0);
    expect(await t.objects(`media/${id}/`)).toHaveLength(1);
  });

  // The upload MinIO was killed in the middle of was a multipart upload that nothing could abort then;
  // its key was reserved in pending_uploads, so the sweeper aborts it by key (MinIO lists incomplete
  // uploads only for an exact key).
  it("leaves no incomplete multipart upload in MinIO and no pending upload once the sweeper has run", async () => {
    await t.sweep(0);
    expect(incompleteUploads(minio.dataDir)).toEqual([]);
    const [pending] = await t.sql`select count(*)::int as n from pending_uploads`;
    expect(pending!.n).toBe(0);
  });
});
