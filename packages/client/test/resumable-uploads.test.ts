// Large files through resumable upload sessions: parts PUT straight into storage (MinIO here),
// in parallel, retried, resumed after a cut connection or a restart without sending finished parts.
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  MediaUploadDocument,
  ParleyError,
  RESUMABLE_THRESHOLD_BYTES,
  type FetchLike,
  type UploadProgress,
} from "../src/index.ts";
import { bytesOf, clientFor, download, sha256, startTestServer, type TestServer } from "./support.ts";

const MiB = 1024 * 1024;

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ env: { MEDIA_PREVIEW_WORKERS: "0" } });
});
afterAll(() => t?.close());

interface Traffic {
  /** Every request: GraphQL operation name (JSON), "multipart", or "PUT <part>". */
  log: string[];
  /** PUT attempts per part number. */
  puts: Map<number, number>;
  maxInFlight: number;
}

/**
 * A fetch that records what the SDK sends and can fail part PUTs: `fail(part, attempt)` returns
 * "cut" (the body is cut 1 MiB in, a real dropped connection), a status to answer instead of
 * forwarding, or undefined to forward.
 */
function recordingFetch(fail: (part: number, attempt: number) => "cut" | number | undefined = () => undefined) {
  const traffic: Traffic = { log: [], puts: new Map(), maxInFlight: 0 };
  let inFlight = 0;
  const wrapped: FetchLike = async (input, init) => {
    if (init?.method !== "PUT") {
      const type = new Headers(init?.headers).get("content-type") ?? "";
      traffic.log.push(
        type.startsWith("multipart/")
          ? "multipart"
          : ((JSON.parse(init!.body as string) as { operationName?: string }).operationName ?? "?"),
      );
      return fetch(input, init);
    }
    const url = new URL(input);
    const part = Number(url.searchParams.get("partNumber") ?? url.pathname.split("/").at(-1));
    const attempt = (traffic.puts.get(part) ?? 0) + 1;
    traffic.puts.set(part, attempt);
    traffic.log.push(`PUT ${part}`);
    const how = fail(part, attempt);
    if (typeof how === "number") {
      await (init.body as ReadableStream<Uint8Array>).cancel().catch(() => {});
      return new Response("{}", { status: how });
    }
    let body = init.body as ReadableStream<Uint8Array>;
    if (how === "cut") {
      let sent = 0;
      const reader = body.getReader();
      body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const next = await reader.read();
          if (next.done || sent >= MiB) {
            controller.error(new TypeError("network connection lost (test)"));
            return;
          }
          sent += next.value.byteLength;
          controller.enqueue(next.value);
        },
      });
    }
    inFlight++;
    traffic.maxInFlight = Math.max(traffic.maxInFlight, inFlight);
    try {
      return await fetch(input, { ...init, body } as RequestInit);
    } finally {
      inFlight--;
    }
  };
  return { fetch: wrapped, traffic };
}

async function conversation(client: Awaited<ReturnType<typeof clientFor>>) {
  return (await client.createConversation()).id;
}

/** Progress: overall never falling, ending at the total, per file at its size. */
function expectFullProgress(events: UploadProgress[], sizes: number[]) {
  expect(events.length).toBeGreaterThan(2);
  for (let i = 1; i < events.length; i++) {
    expect(events[i]!.loaded).toBeGreaterThanOrEqual(events[i - 1]!.loaded);
    events[i]!.files.forEach((f, j) => expect(f.loaded).toBeGreaterThanOrEqual(events[i - 1]!.files[j]!.loaded));
  }
  const total = sizes.reduce((a, b) => a + b, 0);
  expect(events.every((e) => e.total === total)).toBe(true);
  expect(events.at(-1)!.files.map((f) => f.loaded)).toEqual(sizes);
}

describe("resumable uploads", () => {
  it("sends a file of 8 MiB and more through a session: 4 parts at once, no multipart request, exact bytes, progress to 100 %", async () => {
    const { fetch, traffic } = recordingFetch();
    const client = await clientFor(t, "alice", { fetch });
    const id = await conversation(client);
    const big = bytesOf(40 * MiB + 3, 1);
    const events: UploadProgress[] = [];
    const started: { index: number; uploadId: string }[] = [];
    const message = await client
      .conversation(id)
      .prepareMessage()
      .setBody("video")
      .addMedia({ media: big, filename: "clip.bin" })
      .build()
      .send({ onProgress: (p) => events.push(p), onUploadStarted: (u) => started.push(u) });
    expect(RESUMABLE_THRESHOLD_BYTES).toBe(8 * MiB);
    // createConversation's answer carried the limits: no lookup before the upload.
    expect(traffic.log.filter((l) => !l.startsWith("PUT"))).toEqual([
      "CreateConversation",
      "CreateMediaUpload",
      "SendMediaMessage",
    ]);
    expect([...traffic.puts.values()]).toEqual([1, 1, 1, 1, 1, 1]);
    expect(traffic.maxInFlight).toBe(4);
    expect(started).toEqual([{ index: 0, uploadId: expect.any(String) }]);
    expectFullProgress(events, [big.length]);
    const [m] = message.media;
    expect(m).toMatchObject({ filename: "clip.bin", size: big.length, sha256: sha256(big) });
    expect(sha256((await download(m!.temporaryUrl)).bytes)).toBe(sha256(big));
  });

  it("mixes a small file (multipart) and a large one (session) in one message, with parallelParts and a Node stream of known size", async () => {
    const { fetch, traffic } = recordingFetch();
    const client = await clientFor(t, "alice", { fetch });
    const id = await conversation(client);
    const small = bytesOf(300_000, 2);
    const big = bytesOf(20 * MiB, 3);
    const events: UploadProgress[] = [];
    const message = await client
      .conversation(id)
      .prepareMessage()
      .addMedia({ media: small, filename: "small.bin" })
      .addMedia({
        media: Readable.from([big.subarray(0, 7 * MiB), big.subarray(7 * MiB)]),
        size: big.length,
        filename: "big.bin",
      })
      .build()
      .send({ onProgress: (p) => events.push(p), resumable: { parallelParts: 2 } });
    expect(traffic.log.filter((l) => l === "multipart")).toHaveLength(1);
    expect(traffic.maxInFlight).toBe(2);
    expectFullProgress(events, [small.length, big.length]);
    expect(message.media.map((m) => [m.filename, m.size, m.sha256])).toEqual([
      ["small.bin", small.length, sha256(small)],
      ["big.bin", big.length, sha256(big)],
    ]);
  });

  it("retries a failed part with backoff: a cut connection and a 503 cost one more PUT of that part only", async () => {
    const { fetch, traffic } = recordingFetch((part, attempt) =>
      attempt === 1 && part === 2 ? "cut" : attempt === 1 && part === 3 ? 503 : undefined,
    );
    const client = await clientFor(t, "alice", { fetch });
    const id = await conversation(client);
    const big = bytesOf(30 * MiB, 4);
    const started = Date.now();
    const message = await client
      .conversation(id)
      .prepareMessage()
      .addMedia({ media: new Blob([big]), filename: "blob.bin" })
      .build()
      .send({ resumable: { retryDelayMs: 200 } });
    expect(Object.fromEntries(traffic.puts)).toEqual({ 1: 1, 2: 2, 3: 2, 4: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(message.media[0]).toMatchObject({ size: big.length, sha256: sha256(big) });
  });

  it("resumes after the network stays down past the retries: send() again PUTs only the parts not stored", async () => {
    let down = false;
    const { fetch, traffic } = recordingFetch((part) => (down && part >= 3 ? "cut" : undefined));
    const client = await clientFor(t, "alice", { fetch });
    const id = await conversation(client);
    const big = bytesOf(40 * MiB, 5);
    down = true;
    const unsent = client.conversation(id).prepareMessage().addMedia({ media: big, filename: "x.bin" }).build();
    const error = await unsent
      .send({ resumable: { retries: 2, retryDelayMs: 50, parallelParts: 2 } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParleyError);
    expect((error as ParleyError).code).toBe("NETWORK_ERROR");
    expect((error as ParleyError).message).toMatch(/parts stored so far are kept/);
    expect(traffic.puts.get(1)).toBe(1);
    expect(traffic.puts.get(2)).toBe(1);
    expect(await t.sql`select id from messages where conversation_id = ${id}`).toEqual([]);
    down = false;
    const before = new Map(traffic.puts);
    const message = await unsent.send();
    // Parts 1 and 2 were stored before the drop: not sent again.
    expect(traffic.puts.get(1)).toBe(1);
    expect(traffic.puts.get(2)).toBe(1);
    for (const n of [3, 4, 5]) expect(traffic.puts.get(n)! - (before.get(n) ?? 0)).toBe(1);
    expect(message.media[0]).toMatchObject({ size: big.length, sha256: sha256(big) });
    expect(traffic.log.filter((l) => l === "CreateMediaUpload")).toHaveLength(1);
  });

  it("resumes after a process restart from a saved upload id (addMedia({ uploadId }) and client.resumeUpload)", async () => {
    const big = bytesOf(25 * MiB, 6);
    let saved = "";
    // The first process: parts 1 and 2 stored, then it dies (every other PUT fails, no retries).
    {
      const { fetch } = recordingFetch((part) => (part > 2 ? 503 : undefined));
      const client = await clientFor(t, "alice", { fetch });
      const id = await conversation(client);
      saved = id;
      const error = await client
        .conversation(id)
        .prepareMessage()
        .addMedia({ media: big })
        .build()
        .send({ resumable: { retries: 0, parallelParts: 1 }, onUploadStarted: (u) => (saved = `${id} ${u.uploadId}`) })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "STORAGE_UNAVAILABLE" });
    }
    const [conversationId, uploadId] = saved.split(" ") as [string, string];
    // A new process with a new client: the upload shows two parts stored.
    const { fetch, traffic } = recordingFetch();
    const client = await clientFor(t, "alice", { fetch });
    const seen = (await client.request(MediaUploadDocument, { id: uploadId })).mediaUpload;
    expect(seen?.parts.map((p) => p.uploaded)).toEqual([true, true, false, false]);
    const progress: number[] = [];
    const resumed = await client.resumeUpload(
      uploadId,
      conversationId,
      { media: big },
      {
        onProgress: (loaded) => progress.push(loaded),
      },
    );
    expect(resumed).toBe(uploadId);
    expect([...traffic.puts.keys()].sort()).toEqual([3, 4]);
    expect(progress[0]).toBe(16 * MiB); // the stored parts count from the start
    expect(progress.at(-1)).toBe(big.length);
    const message = await client
      .conversation(conversationId)
      .prepareMessage()
      .addMedia({ media: big, uploadId })
      .build()
      .send();
    expect([...traffic.puts.values()]).toEqual([1, 1]); // nothing PUT again: the upload was complete
    expect(message.media[0]).toMatchObject({ size: big.length, sha256: sha256(big) });
    // Used: resuming it now starts a new upload.
    const again: string[] = [];
    await client.resumeUpload(uploadId, conversationId, { media: big }, { onUploadStarted: (u) => again.push(u) });
    expect(again).toHaveLength(1);
    expect(again[0]).not.toBe(uploadId);
    expect(await client.abortUpload(again[0]!)).toBe(true);
  });

  it("aborting a session send rejects with an AbortError and deletes the upload; refusals keep the server's code", async () => {
    const client = await clientFor(t, "alice");
    const id = await conversation(client);
    const big = bytesOf(30 * MiB, 7);
    const controller = new AbortController();
    let uploadId = "";
    const error = await client
      .conversation(id)
      .prepareMessage()
      .addMedia({ media: big })
      .build()
      .send({
        signal: controller.signal,
        onUploadStarted: (u) => (uploadId = u.uploadId),
        onProgress: (p) => {
          if (p.loaded > 10 * MiB) controller.abort();
        },
      })
      .catch((e: unknown) => e);
    expect((error as Error).name).toBe("AbortError");
    expect((await client.request(MediaUploadDocument, { id: uploadId })).mediaUpload).toBeNull();
    expect(await t.objects(`media/${id}/`)).toEqual([]);
    expect(await t.sql`select id from media_uploads where id = ${uploadId}`).toEqual([]);
    // Someone else's conversation: createMediaUpload is FORBIDDEN, nothing uploaded.
    const mallory = await clientFor(t, "mallory");
    const refused = await mallory.uploadMedia(id, { media: big }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: "FORBIDDEN" });
  });

  it("resumable: false sends a large file in the one multipart request", async () => {
    const { fetch, traffic } = recordingFetch();
    const client = await clientFor(t, "alice", { fetch });
    const id = await conversation(client);
    const big = bytesOf(9 * MiB, 8);
    const message = await client
      .conversation(id)
      .prepareMessage()
      .addMedia({ media: big })
      .build()
      .send({ resumable: false });
    expect(traffic.log).toContain("multipart");
    expect(traffic.puts.size).toBe(0);
    expect(message.media[0]!.sha256).toBe(sha256(big));
  });
});
