// Multipart straight into the store (issue 13, section 2): file parts stream from the socket into
// the pipeline with no temporary file, and a request that cannot succeed is answered while its
// body is still arriving. Runs on both backends.
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IDLE_TIMEOUT_MS } from "../src/app.ts";
import { startTestServer, type TestServer } from "./harness.ts";
import { eventually, generated, multipartBody, multipartHeaders, newBoundary, type FilePart } from "@parley/testkit";

const MiB = 1024 * 1024;
const SEND = `mutation($i: SendMediaMessageInput!) { sendMediaMessage(input: $i) { id media { filename size sha256 } } }`;

// This file's own temp directory (the server runs in this process): /tmp is shared with other runs.
const ownTmp = mkdtempSync(`${tmpdir()}/parley-multipart-test-`);
const previousTmp = process.env.TMPDIR;
beforeAll(() => void (process.env.TMPDIR = ownTmp));
afterAll(() => {
  if (previousTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = previousTmp;
  rmSync(ownTmp, { recursive: true, force: true });
});

/** Temporary files a multipart request could leave in this process's temp directory. */
const bufferFiles = () => readdirSync(tmpdir()).filter((f) => /^(multipart-.*\.part|capacitor-.*\.tmp)$/.test(f));

interface Paced {
  status: number;
  json: { data?: Record<string, unknown> | null; errors?: { extensions?: { code?: string } }[] };
  /** Body bytes written when the answer's head arrived. */
  sentAtAnswer: number;
  /** Temporary buffer files seen while the body was being written. */
  buffersSeen: string[];
}

/**
 * A multipart request written 128 KiB at a time with a pause in between (a client on a modest
 * link), recording how much of the body had been written when the answer arrived. Keeps writing
 * after the answer, as a browser does, to see that the server reads and discards the rest.
 */
function pacedMultipart(
  url: string,
  token: string | null,
  operations: unknown,
  files: FilePart[],
  pauseMs = 2,
): Promise<Paced> {
  const boundary = newBoundary();
  return new Promise((resolve, reject) => {
    let sent = 0;
    let sentAtAnswer = -1;
    const buffersSeen = new Set<string>();
    const look = () => {
      for (const f of bufferFiles()) buffersSeen.add(f);
    };
    // Between the writes and, once the body is written, until the answer has ended: the server may
    // still be reading what the socket holds when the last write returns.
    const sampler = setInterval(look, 1);
    const req = request(url, { method: "POST", headers: multipartHeaders(boundary, token) });
    req.on("close", () => clearInterval(sampler));
    req.on("response", (res) => {
      sentAtAnswer = sent;
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          json: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Paced["json"],
          sentAtAnswer,
          buffersSeen: [...buffersSeen],
        }),
      );
    });
    req.on("error", (error) => (sentAtAnswer >= 0 ? undefined : reject(error)));
    (async () => {
      for await (const chunk of multipartBody(boundary, operations, files)) {
        for (let at = 0; at < chunk.length; at += 128 * 1024) {
          const piece = chunk.subarray(at, at + 128 * 1024);
          sent += piece.length;
          if (!req.write(piece)) await new Promise((r) => req.once("drain", r));
          look();
          if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
          if (req.destroyed) return;
        }
      }
      req.end();
    })().catch(() => {});
  });
}

describe("multipart uploads stream straight into the store", () => {
  let t: TestServer;
  let conv = "";
  beforeAll(async () => {
    t = await startTestServer({ env: { MEDIA_PREVIEW_WORKERS: "0" } });
    const res = await t.gql<{ createConversation: { id: string } }>(
      "alice",
      `mutation { createConversation(input: { participants: ["bob"] }) { id } }`,
    );
    conv = res.data!.createConversation.id;
  });
  afterAll(() => t?.close());

  const ops = (conversationId: string, n: number) => ({
    query: SEND,
    variables: { i: { conversationId, media: Array.from({ length: n }, () => ({ file: null })) } },
  });
  const files = (sizes: number[]) =>
    sizes.map((size, i) => ({
      path: `variables.i.media.${i}.file`,
      filename: `f${i}.bin`,
      body: generated(size, i + 1),
    }));

  it("answers an anonymous 3 × 40 MiB request 401 before 2 MiB of it were sent, writing nothing to disk", async () => {
    const before = await t.objects(`media/${conv}/`);
    const res = await pacedMultipart(t.graphqlUrl, null, ops(conv, 3), files([40 * MiB, 40 * MiB, 40 * MiB]));
    expect(res.status).toBe(401);
    expect(res.json.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(res.sentAtAnswer).toBeGreaterThanOrEqual(0);
    expect(res.sentAtAnswer).toBeLessThan(2 * MiB);
    expect(res.buffersSeen).toEqual([]);
    expect(await t.objects(`media/${conv}/`)).toEqual(before);
    // A forged token is refused the same way.
    const forged = await pacedMultipart(t.graphqlUrl, "a.b.c", ops(conv, 1), files([40 * MiB]));
    expect(forged.status).toBe(401);
    expect(forged.sentAtAnswer).toBeLessThan(2 * MiB);
  });

  it("answers a non-participant FORBIDDEN once operations and map have arrived, before the file is read", async () => {
    const res = await pacedMultipart(t.graphqlUrl, await t.token("mallory"), ops(conv, 1), files([40 * MiB]));
    expect(res.json.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(res.sentAtAnswer).toBeLessThan(2 * MiB);
    expect(res.buffersSeen).toEqual([]);
    expect(await t.objects(`media/${conv}/`)).toEqual([]);
  });

  it("stores a 40 MiB file without any temporary file; the bytes arrive intact", async () => {
    const res = await pacedMultipart(t.graphqlUrl, await t.token("alice"), ops(conv, 1), files([40 * MiB]), 0);
    expect(res.json.errors).toBeUndefined();
    const expected = createHash("sha256");
    for await (const c of generated(40 * MiB, 1)()) expected.update(c);
    const media = (res.json.data!.sendMediaMessage as { media: { size: number; sha256: string }[] }).media;
    expect(media).toEqual([{ filename: "f0.bin", size: 40 * MiB, sha256: expected.digest("hex") }]);
    expect(res.buffersSeen).toEqual([]);
  });

  it("takes files sent out of order (the body carries media 1 first): set aside on disk, then removed", async () => {
    const a = randomBytes(3 * MiB);
    const b = randomBytes(2 * MiB);
    const res = await pacedMultipart(
      t.graphqlUrl,
      await t.token("alice"),
      ops(conv, 2),
      [
        { path: "variables.i.media.1.file", filename: "second.bin", body: b },
        { path: "variables.i.media.0.file", filename: "first.bin", body: a },
      ],
      0,
    );
    expect(res.json.errors).toBeUndefined();
    const media = (res.json.data!.sendMediaMessage as { media: { filename: string; sha256: string }[] }).media;
    const sha = (x: Buffer) => createHash("sha256").update(x).digest("hex");
    expect(media.map((m) => [m.filename, m.sha256])).toEqual([
      ["first.bin", sha(a)],
      ["second.bin", sha(b)],
    ]);
    expect(res.buffersSeen.length).toBeGreaterThan(0); // media 1 waited on disk while media 0 streamed
    await eventually(async () => expect(bufferFiles()).toEqual([]));
  });
});

describe("limits answered as they are passed", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ env: { MEDIA_MAX_FILE_BYTES: String(5 * MiB), MEDIA_PREVIEW_WORKERS: "0" } });
  });
  afterAll(() => t?.close());

  it("answers PAYLOAD_TOO_LARGE the moment a file passes the per-file limit, not after the body", async () => {
    const { data } = await t.gql<{ createConversation: { id: string } }>(
      "alice",
      `mutation { createConversation(input: {}) { id } }`,
    );
    const conv = data!.createConversation.id;
    const res = await pacedMultipart(
      t.graphqlUrl,
      await t.token("alice"),
      { query: SEND, variables: { i: { conversationId: conv, media: [{ file: null }] } } },
      [{ path: "variables.i.media.0.file", filename: "big.bin", body: generated(40 * MiB) }],
    );
    expect(res.json.errors?.[0]?.extensions?.code).toBe("PAYLOAD_TOO_LARGE");
    // Answered once the 5 MiB limit is passed and the stored part deleted, long before the 40 MiB end.
    expect(res.sentAtAnswer).toBeGreaterThan(5 * MiB);
    expect(res.sentAtAnswer).toBeLessThan(16 * MiB);
    expect(await t.objects(`media/${conv}/`)).toEqual([]);
  });

  it("sets no fixed deadline for a whole request, only an idle timeout", () => {
    expect(t.parley.server.requestTimeout).toBe(0);
    expect(t.parley.server.timeout).toBe(IDLE_TIMEOUT_MS);
    expect(IDLE_TIMEOUT_MS).toBe(120_000);
  });
});
