// Crashes (issue 8, "Crashes and faults"): the real server entry (src/main.ts) as a child process,
// killed with SIGKILL in the middle of a 50 MiB upload and started again; and stopped with SIGTERM
// while a request is in flight. Runs on both backends.
import { request } from "node:http";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startMinio,
  type MinioServer,
  readFixture,
  generated,
  postMultipart,
  type ServerProcess,
} from "@parley/testkit";
import { backend } from "./harness.ts";
import { eventually, gqlAt, listDir, processBackend, startServer, type ProcessBackend } from "./process-backend.ts";

const MiB = 1024 * 1024;
const png = readFixture("photo.png");
const SEND_MEDIA = `mutation($i: SendMediaMessageInput!) { sendMediaMessage(input: $i) { id index media { size sha256 } } }`;
const MESSAGES = `query($c: ID!) { conversation(id: $c) { messages(first: 100) { edges { node { id index } } } } }`;

async function createConversation(url: string, token: string) {
  const res = await gqlAt<{ createConversation: { id: string } }>(
    url,
    token,
    `mutation { createConversation(input: {}) { id } }`,
  );
  expect(res.errors).toBeUndefined();
  return res.data!.createConversation.id;
}

const messagesOf = async (url: string, token: string, conversationId: string) => {
  const res = await gqlAt<{ conversation: { messages: { edges: { node: { id: string; index: number } }[] } } }>(
    url,
    token,
    MESSAGES,
    {
      c: conversationId,
    },
  );
  expect(res.errors).toBeUndefined();
  return res.data!.conversation.messages.edges.map((e) => e.node);
};

/**
 * A file body that, `at` bytes in, waits until `ready` passes and then SIGKILLs the server; the
 * request dies with it. `killed()` settles once the process has exited.
 */
function killMidway(proc: ServerProcess, source: () => AsyncIterable<Buffer>, at: number, ready: () => Promise<void>) {
  let killed: Promise<unknown> | undefined;
  const body = async function* () {
    let sent = 0;
    for await (const chunk of source()) {
      yield chunk;
      sent += chunk.length;
      if (sent === at) {
        await eventually(ready, 30_000);
        killed = proc.kill("SIGKILL");
        await killed;
        throw new Error("server killed by the test");
      }
    }
  };
  return { body, killed: () => killed };
}

/** The restarted instance sweeps at start and every second, taking objects older than 1 s. */
const restartSweeping = (pb: ProcessBackend, env: Record<string, string> = {}) =>
  startServer({ ...pb.env, ...env, MEDIA_ORPHAN_GRACE_SECONDS: "1", MEDIA_ORPHAN_SWEEP_INTERVAL_SECONDS: "1" });

describe("SIGKILL in the middle of a 50 MiB upload, then a restart", () => {
  let pb: ProcessBackend;
  let first: ServerProcess | undefined;
  let second: ServerProcess | undefined;
  let conv = "";
  let token = "";
  /** What the crash left, seen just before SIGKILL. */
  const atKill = { objects: [] as string[], uploadBuffers: [] as string[], partialUploads: [] as string[] };
  let uploadError: unknown;

  let minio: MinioServer | undefined;

  beforeAll(async () => {
    // A MinIO of its own, so the partial uploads found in its data directory are this test's.
    if (backend === "services") minio = await startMinio();
    pb = await processBackend(backend, minio);
    // The first instance never sweeps during the test (a young object is not an orphan yet).
    first = await startServer({ ...pb.env, MEDIA_ORPHAN_GRACE_SECONDS: "3600" });
    token = await pb.token("alice");
    conv = await createConversation(first.url, token);

    // A small file that is stored completely, then a 50 MiB one that is cut off half-way.
    // Wait until the server holds everything a crash can leave: the first object and a partial
    // upload of the second (its bytes stream from the socket into storage: no buffer file).
    const half = killMidway(first, generated(50 * MiB, 5), 25 * MiB, async () => {
      atKill.objects = await pb.objects(`media/${conv}/`);
      atKill.uploadBuffers = pb.uploadBuffers();
      atKill.partialUploads = await pb.partialUploads();
      expect(atKill.objects.length).toBe(1);
      expect(atKill.partialUploads.length).toBeGreaterThan(0);
    });
    try {
      await postMultipart(
        `${first.url}/graphql`,
        token,
        { query: SEND_MEDIA, variables: { i: { conversationId: conv, media: [{ file: null }, { file: null }] } } },
        [
          { path: "variables.i.media.0.file", filename: "photo.png", contentType: "image/png", body: png },
          { path: "variables.i.media.1.file", filename: "big.bin", body: half.body },
        ],
      );
    } catch (error) {
      uploadError = error;
    }
    // The request fails as soon as the socket dies, possibly before the exit is reported.
    await half.killed();
    expect(
      first.child.signalCode,
      `upload ended before the kill: ${String(uploadError)} ${JSON.stringify(atKill)}\n${first.output().slice(-3000)}`,
    ).toBe("SIGKILL");

    second = await restartSweeping(pb);
  }, 180_000);

  afterAll(async () => {
    await first?.kill("SIGKILL");
    await second?.kill("SIGTERM");
    await pb?.cleanup();
    await minio?.dispose();
  });

  it("the client saw the connection fail, and the crash left an object and a partial upload, but no buffer file", () => {
    expect(uploadError).toBeInstanceOf(Error);
    expect(atKill.objects).toHaveLength(1);
    expect(atKill.partialUploads.length).toBeGreaterThan(0);
    // Files in order stream from the socket into the store: nothing was written to UPLOAD_TMP_DIR.
    expect(atKill.uploadBuffers).toEqual([]);
  });

  it("commits no message: the conversation has no message and the next send gets index 0", async () => {
    expect(await messagesOf(second!.url, token, conv)).toEqual([]);
    const res = await gqlAt<{ sendMessage: { index: number } }>(
      second!.url,
      token,
      `mutation($i: SendMessageInput!) { sendMessage(input: $i) { index } }`,
      {
        i: { conversationId: conv, body: "after the crash" },
      },
    );
    expect(res.data?.sendMessage.index).toBe(0);
  });

  it("the orphan sweeper of the restarted instance removes the objects stored before the crash", async () => {
    await eventually(async () => expect(await pb.objects(`media/${conv}/`)).toEqual([]));
  });

  it("UPLOAD_TMP_DIR holds no buffer file after the restart, only the new process's own directory", () => {
    expect(pb.uploadBuffers()).toEqual([]);
    // Only the restarted process's own directory is left.
    expect(listDir(pb.uploadTmpDir)).toHaveLength(1);
  });

  // The restarted server's sweep (small grace here) aborts the upload cut off by the kill: by its key,
  // reserved in pending_uploads before the first byte (MinIO lists incomplete uploads only for an
  // exact key), and by age for the disk store's temporary parts.
  it("leaves no partial upload behind (MinIO incomplete multipart upload, disk store temporary part)", async () => {
    await eventually(async () => expect(await pb.partialUploads()).toEqual([]));
  });
});

describe("SIGTERM", () => {
  let pb: ProcessBackend;
  let server: ServerProcess | undefined;
  let after: ServerProcess | undefined;
  beforeAll(async () => {
    pb = await processBackend(backend);
  });
  afterAll(async () => {
    await server?.kill("SIGKILL");
    await after?.kill("SIGTERM");
    await pb?.cleanup();
  });

  it("drains: an upload in flight when SIGTERM arrives completes, new connections are refused, the process exits 0 within 10 s", async () => {
    // Production: Apollo Server registers signal handlers of its own outside NODE_ENV=test.
    server = await startServer({ ...pb.env, NODE_ENV: "production" });
    const token = await pb.token("alice");
    const conv = await createConversation(server.url, token);
    const proc = server;
    const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
      proc.child.once("exit", (code) => resolve({ code, at: Date.now() })),
    );
    let sigtermAt = 0;
    const size = 8 * MiB;
    const slow = async function* () {
      let sent = 0;
      for await (const chunk of generated(size, 11)()) {
        yield chunk;
        sent += chunk.length;
        if (sent === 2 * MiB) {
          sigtermAt = Date.now();
          proc.child.kill("SIGTERM");
          // Draining: the listener closes, so new connections are refused, while this request goes on.
          await eventually(
            async () => {
              const refused = await fetch(`${proc.url}/healthz`).then(
                () => false,
                () => true,
              );
              expect(refused).toBe(true);
            },
            5_000,
            50,
          );
        }
      }
    };
    const res = await postMultipart(
      `${server.url}/graphql`,
      token,
      { query: SEND_MEDIA, variables: { i: { conversationId: conv, media: [{ file: null }] } } },
      [{ path: "variables.i.media.0.file", filename: "drain.bin", body: slow }],
    );
    expect(res.json.errors).toBeUndefined();
    const message = (res.json.data as { sendMediaMessage: { index: number; media: { size: number }[] } })
      .sendMediaMessage;
    expect(message.index).toBe(0);
    expect(message.media).toEqual([expect.objectContaining({ size })]);

    const { code, at } = await exited;
    expect(code).toBe(0);
    expect(at - sigtermAt).toBeLessThan(10_000);
    expect(server.output()).toMatch(/shutting down: draining requests/);
    // Its upload buffer directory went with it.
    expect(listDir(pb.uploadTmpDir)).toEqual([]);

    // What it committed while draining is there after a restart, object included.
    after = await startServer(pb.env);
    expect(await messagesOf(after.url, token, conv)).toEqual([expect.objectContaining({ index: 0 })]);
    expect(await pb.objects(`media/${conv}/`)).toHaveLength(1);
    // Two embedded starts (PGlite) took over 60 s on a loaded 2-core machine.
  }, 180_000);
});

describe("SIGKILL during upload sessions (a part PUT in flight, a send assembling one), then a restart", () => {
  const TTL = 45; // long enough for the set-up on a loaded machine, before the first check
  let pb: ProcessBackend;
  let minio: MinioServer | undefined;
  let first: ServerProcess | undefined;
  let second: ServerProcess | undefined;
  let conv = "";
  let token = "";
  const ids: string[] = [];
  const atKill = { objects: [] as string[], partialUploads: [] as string[] };
  const CREATE = `mutation($i: CreateMediaUploadInput!) { createMediaUpload(input: $i) { id partSize parts { number size url } } }`;
  type Upload = { id: string; partSize: number; parts: { number: number; size: number; url: string }[] };

  beforeAll(async () => {
    if (backend === "services") minio = await startMinio();
    pb = await processBackend(backend, minio);
    first = await startServer({ ...pb.env, MEDIA_UPLOAD_TTL_SECONDS: String(TTL), MEDIA_ORPHAN_GRACE_SECONDS: "3600" });
    token = await pb.token("alice");
    conv = await createConversation(first.url, token);
    const bytes = Buffer.alloc(20 * MiB);
    for (let i = 0; i < bytes.length; i += 4096) bytes.writeUInt32BE(i, i);
    const start = async () => {
      const res = await gqlAt<{ createMediaUpload: Upload }>(first!.url, token, CREATE, {
        i: { conversationId: conv, size: bytes.length },
      });
      expect(res.errors).toBeUndefined();
      ids.push(res.data!.createMediaUpload.id);
      return res.data!.createMediaUpload;
    };
    const put = async (u: Upload, n: number) => {
      const at = (n - 1) * u.partSize;
      const res = await fetch(u.parts[n - 1]!.url, {
        method: "PUT",
        body: bytes.subarray(at, at + u.parts[n - 1]!.size),
      });
      expect(res.status).toBe(200);
    };
    // A: part 1 stored, part 2 in flight at the kill. B: every part stored, named by a send in flight.
    const a = await start();
    await put(a, 1);
    const b = await start();
    for (const p of b.parts) await put(b, p.number);
    const partTwo = a.parts[1]!;
    const inFlight = request(new URL(partTwo.url), { method: "PUT", headers: { "Content-Length": partTwo.size } });
    inFlight.on("error", () => {});
    inFlight.write(bytes.subarray(a.partSize, a.partSize + 3 * MiB));

    // B assembled at its key, the multipart file's partial upload started, A's parts stored.
    const slow = killMidway(first, generated(30 * MiB, 9), 10 * MiB, async () => {
      atKill.objects = await pb.objects(`media/${conv}/`);
      atKill.partialUploads = await pb.partialUploads();
      expect(atKill.objects).toContain(`media/${conv}/${b.id}`);
      expect(atKill.partialUploads.length).toBeGreaterThanOrEqual(2);
    });
    await postMultipart(
      `${first.url}/graphql`,
      token,
      {
        query: SEND_MEDIA,
        variables: { i: { conversationId: conv, media: [{ uploadId: b.id }, { file: null }] } },
      },
      [{ path: "variables.i.media.1.file", filename: "big.bin", body: slow.body }],
    ).catch(() => {});
    await slow.killed();
    inFlight.destroy();
    expect(first.child.signalCode, first.output().slice(-3000)).toBe("SIGKILL");
    second = await restartSweeping(pb, { MEDIA_UPLOAD_TTL_SECONDS: String(TTL) });
  }, 180_000);

  afterAll(async () => {
    await first?.kill("SIGKILL");
    await second?.kill("SIGTERM");
    await pb?.cleanup();
    await minio?.dispose();
  });

  it("the crash left an assembled upload, stored parts and partial uploads", () => {
    expect(atKill.objects.length).toBeGreaterThanOrEqual(1);
    expect(atKill.partialUploads.length).toBeGreaterThanOrEqual(2);
  });

  it("until they expire the uploads stay the uploader's to resume; once swept, nothing is left: no object, no partial upload, no session", async () => {
    const GET = `query($id: ID!) { mediaUpload(id: $id) { id } }`;
    const seen = await gqlAt<{ mediaUpload: { id: string } | null }>(second!.url, token, GET, { id: ids[0] });
    expect(seen.data?.mediaUpload?.id).toBe(ids[0]);
    await eventually(
      async () => {
        expect(await pb.objects(`media/${conv}/`)).toEqual([]);
        expect(await pb.partialUploads()).toEqual([]);
        for (const id of ids) {
          expect((await gqlAt<{ mediaUpload: null }>(second!.url, token, GET, { id })).data?.mediaUpload).toBeNull();
        }
      },
      (TTL + 30) * 1000,
    );
    expect(await messagesOf(second!.url, token, conv)).toEqual([]);
    if (pb.env.DATABASE_URL) {
      const sql = postgres(pb.env.DATABASE_URL, { max: 1 });
      try {
        expect(await sql`select id from media_uploads`).toEqual([]);
        expect(await sql`select object_key from pending_uploads`).toEqual([]);
      } finally {
        await sql.end();
      }
    }
  }, 120_000);
});
