import { randomBytes, randomUUID } from "node:crypto";
import { eventually, startMinio, startMinioCluster, type MinioCluster, type MinioServer } from "@parley/testkit";
import { Client } from "minio";
import { AssumeRoleProvider } from "minio/dist/esm/AssumeRoleProvider.mjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MinioStore, StorageUnavailableError } from "../src/index.ts";
import { endlessSource, failingSource, MiB, readAll, scanFor, sha256, sourceOf, waitFor } from "./helpers.ts";
import { objectStoreContract } from "./object-store.contract.ts";
import { uploadSessionsContract } from "./upload-sessions.contract.ts";

let server: MinioServer;

function storeFor(
  s: Pick<MinioServer, "endpoint" | "accessKey" | "secretKey">,
  bucket = `parley-${randomBytes(4).toString("hex")}`,
): MinioStore {
  return new MinioStore({
    endpoint: s.endpoint,
    accessKey: s.accessKey,
    secretKey: s.secretKey,
    bucket,
    region: "us-east-1",
  });
}

beforeAll(async () => {
  server = await startMinio();
});
afterAll(async () => {
  await server?.dispose();
});

objectStoreContract("MinioStore", async () => ({ store: storeFor(server), dispose: async () => {} }));
uploadSessionsContract("MinioStore", async () => ({ store: storeFor(server), dispose: async () => {} }));

// S3_SESSION_TOKEN: temporary credentials from MinIO's STS AssumeRole, as STS, IRSA and instance roles
// hand them out. The whole contract runs with them (uploads, presigned GETs, upload sessions' part URLs).
async function temporaryCredentials(s: MinioServer) {
  const credentials = await new AssumeRoleProvider({
    stsEndpoint: s.endpoint,
    accessKey: s.accessKey,
    secretKey: s.secretKey,
    durationSeconds: 900,
    region: "us-east-1",
  }).getCredentials();
  return {
    accessKey: credentials.getAccessKey(),
    secretKey: credentials.getSecretKey(),
    sessionToken: credentials.getSessionToken() ?? "",
  };
}
const stsStore = async () => {
  const creds = await temporaryCredentials(server);
  expect(creds.sessionToken.length).toBeGreaterThan(0);
  return {
    store: new MinioStore({
      endpoint: server.endpoint,
      ...creds,
      bucket: `parley-sts-${randomBytes(4).toString("hex")}`,
      region: "us-east-1",
    }),
    dispose: async () => {},
  };
};
objectStoreContract("MinioStore with STS session credentials", stsStore);
uploadSessionsContract("MinioStore with STS session credentials", stsStore);

describe("MinioStore with STS credentials", () => {
  it("is refused without the session token (so the token is what the requests carry)", async () => {
    const { accessKey, secretKey } = await temporaryCredentials(server);
    const store = new MinioStore({
      endpoint: server.endpoint,
      accessKey,
      secretKey,
      bucket: `parley-sts-${randomBytes(4).toString("hex")}`,
      region: "us-east-1",
    });
    await expect(store.init()).rejects.toThrow();
  });
});

describe("MinioStore on a real MinIO server", () => {
  let store: MinioStore;

  beforeAll(async () => {
    store = storeFor(server);
    await store.init();
  });

  it("incompleteUploads.abort aborts a cut-off multipart upload by its exact key (MinIO's prefix listing does not find it)", async () => {
    const { hostname, port } = new URL(server.endpoint);
    const client = new Client({
      endPoint: hostname,
      port: Number(port),
      useSSL: false,
      accessKey: server.accessKey,
      secretKey: server.secretKey,
      region: "us-east-1",
    });
    const uploadsOf = async (prefix: string) => {
      const out: string[] = [];
      const stream = client.listIncompleteUploads(store.bucket, prefix, true);
      for await (const u of stream as AsyncIterable<{ uploadId: string }>) out.push(u.uploadId);
      return out;
    };
    // What a process killed between two parts leaves: an initiated upload holding one part.
    const key = `media/${randomUUID()}/${randomUUID()}`;
    const uploadId = await client.initiateNewMultipartUpload(store.bucket, key, {
      "Content-Type": "application/octet-stream",
      "X-Amz-Server-Side-Encryption": "AES256",
    });
    await client.uploadPart(
      { bucketName: store.bucket, objectName: key, uploadID: uploadId, partNumber: 1, headers: {} },
      randomBytes(MiB),
    );
    expect(await uploadsOf(key)).toEqual([uploadId]);
    // Why keys must be recorded: listing by prefix (what S3 supports) finds nothing on MinIO.
    expect(await store.incompleteUploads.sweep("media/", new Date(Date.now() + 60_000))).toBe(0);
    expect(await uploadsOf(key)).toEqual([uploadId]);

    // A sweep by a prefix that does list it (the exact key here, any prefix on S3) spares the uploads it is told to.
    const future = new Date(Date.now() + 60_000);
    const seen: string[] = [];
    const spare = async (uploads: { key: string; uploadId: string }[]) => {
      seen.push(...uploads.map((u) => u.uploadId));
      return new Set([uploadId]);
    };
    expect(await store.incompleteUploads.sweep(key, future, { spare })).toBe(0);
    expect(seen).toEqual([uploadId]);
    expect(await uploadsOf(key)).toEqual([uploadId]);

    expect(await store.incompleteUploads.abort([key, `media/${randomUUID()}/never-started`])).toBe(1);
    expect(await uploadsOf(key)).toEqual([]);
    expect(await store.stat(key)).toBeNull();
    expect(await store.incompleteUploads.abort([key])).toBe(0);

    // Several instances sweep at once: both may find and abort the same uploads; neither fails, none is left.
    const raced = [`media/${randomUUID()}/${randomUUID()}`, `media/${randomUUID()}/${randomUUID()}`];
    for (const k of raced)
      await client.initiateNewMultipartUpload(store.bucket, k, { "Content-Type": "application/octet-stream" });
    const other = storeFor(server, store.bucket);
    const counts = await Promise.all([store.incompleteUploads.abort(raced), other.incompleteUploads.abort(raced)]);
    expect(counts[0]! + counts[1]!).toBeGreaterThanOrEqual(2);
    for (const k of raced) expect(await uploadsOf(k)).toEqual([]);
  });

  it("keeps the bucket private: an unsigned GET of an object is refused (403)", async () => {
    const key = `media/${randomUUID()}/private`;
    await store.put(key, sourceOf(Buffer.from("secret bytes")), { contentType: "text/plain" });
    const res = await fetch(`${server.endpoint}/${store.bucket}/${key}`);
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain("secret bytes");
    // A listing of the bucket is refused too.
    expect((await fetch(`${server.endpoint}/${store.bucket}/`)).status).toBe(403);
  });

  it("encrypts at rest (SSE-S3): a distinctive plaintext appears nowhere in MinIO's data directory", async () => {
    const marker = "PARLEY-SSE-PLAINTEXT-MARKER-7f3a9c|";
    const plaintext = Buffer.alloc(MiB, marker);
    const key = `media/${randomUUID()}/marker`;
    await store.put(key, sourceOf(plaintext), { contentType: "text/plain" });
    expect(sha256(await readAll(await store.get(key)))).toBe(sha256(plaintext));
    expect(await store.stat(key)).toMatchObject({ key, size: MiB, contentType: "text/plain" });
    const { hits, scannedBytes } = await scanFor(server.dataDir, Buffer.from(marker));
    // The object's ciphertext is in there, so a megabyte was scanned; the marker was not found.
    expect(scannedBytes).toBeGreaterThan(MiB);
    expect(hits).toEqual([]);
  });

  it("a put of several parts is encrypted at rest too, and a failed or aborted one leaves no incomplete upload", async () => {
    const marker = "PARLEY-SSE-MULTIPART-MARKER-41c7b0|";
    const plaintext = Buffer.alloc(12 * MiB, marker);
    const key = `media/${randomUUID()}/multipart-marker`;
    const started: string[] = [];
    const onUploadStarted = async (id: string) => void started.push(id);
    await store.put(key, sourceOf(plaintext, 65_536), { contentType: "text/plain", onUploadStarted });
    expect(started).toHaveLength(1); // three parts: a multipart upload, sent by put() itself
    expect(sha256(await readAll(await store.get(key)))).toBe(sha256(plaintext));
    const { hits, scannedBytes } = await scanFor(server.dataDir, Buffer.from(marker));
    expect(scannedBytes).toBeGreaterThan(12 * MiB);
    expect(hits).toEqual([]);

    const { hostname, port } = new URL(server.endpoint);
    const client = new Client({
      endPoint: hostname,
      port: Number(port),
      useSSL: false,
      accessKey: server.accessKey,
      secretKey: server.secretKey,
      region: "us-east-1",
    });
    const uploadsOf = async (k: string) => {
      const out: string[] = [];
      for await (const u of client.listIncompleteUploads(store.bucket, k, true) as AsyncIterable<{ uploadId: string }>)
        out.push(u.uploadId);
      return out;
    };
    const failed = `media/${randomUUID()}/failed`;
    await expect(
      store.put(failed, failingSource(12 * MiB, new Error("gone in part three")), {
        contentType: "video/mp4",
        onUploadStarted,
      }),
    ).rejects.toThrow();
    const aborted = `media/${randomUUID()}/aborted`;
    const source = endlessSource();
    const controller = new AbortController();
    const put = store.put(aborted, source, { contentType: "video/mp4", signal: controller.signal, onUploadStarted });
    await waitFor(() => source.sent >= 12 * MiB, 30_000);
    controller.abort(new Error("request aborted by the client"));
    await expect(put).rejects.toThrow();
    expect(started).toHaveLength(3); // both had started a multipart upload before they failed
    for (const k of [failed, aborted]) {
      expect(await store.stat(k)).toBeNull();
      expect(await uploadsOf(k)).toEqual([]);
    }
  });

  it("upload session parts are encrypted at rest (SSE-S3) and their URLs are signed for the public endpoint", async () => {
    const marker = "PARLEY-SSE-SESSION-MARKER-90d1e2|";
    const plaintext = Buffer.alloc(6 * MiB, marker);
    const key = `media/${randomUUID()}/session-marker`;
    const sessions = store.uploadSessions;
    const uploadId = await sessions.create(key, { contentType: "text/plain" });
    const parts = [plaintext.subarray(0, 5 * MiB), plaintext.subarray(5 * MiB)];
    for (const [i, bytes] of parts.entries()) {
      const { url } = await sessions.presignPart(
        key,
        uploadId,
        { number: i + 1, size: bytes.length },
        { expiresInSeconds: 60 },
      );
      expect((await fetch(url, { method: "PUT", body: bytes })).status).toBe(200);
    }
    // Before completion the parts sit in MinIO's data directory: encrypted there too.
    expect((await scanFor(server.dataDir, Buffer.from(marker))).hits).toEqual([]);
    await sessions.complete(key, uploadId, await sessions.listParts(key, uploadId));
    expect(sha256(await readAll(await store.get(key)))).toBe(sha256(plaintext));
    const { hits, scannedBytes } = await scanFor(server.dataDir, Buffer.from(marker));
    expect(scannedBytes).toBeGreaterThan(6 * MiB);
    expect(hits).toEqual([]);

    const publicStore = new MinioStore({
      endpoint: server.endpoint,
      publicEndpoint: server.endpoint.replace("127.0.0.1", "localhost"),
      accessKey: server.accessKey,
      secretKey: server.secretKey,
      bucket: store.bucket,
      region: "us-east-1",
    });
    const other = `media/${randomUUID()}/public`;
    const id = await publicStore.uploadSessions.create(other, { contentType: "application/octet-stream" });
    const { url } = await publicStore.uploadSessions.presignPart(
      other,
      id,
      { number: 1, size: 10 },
      { expiresInSeconds: 60 },
    );
    expect(new URL(url).hostname).toBe("localhost");
    expect((await fetch(url, { method: "PUT", body: Buffer.alloc(10, 1) })).status).toBe(200);
    await publicStore.uploadSessions.abort(other, id);
  });

  it("rejects put and ping with StorageUnavailableError within a bounded time when MinIO is down", async () => {
    await server.stop();
    try {
      let started = Date.now();
      await expect(store.ping()).rejects.toBeInstanceOf(StorageUnavailableError);
      expect(Date.now() - started).toBeLessThan(20_000);
      started = Date.now();
      await expect(
        store.put(`media/${randomUUID()}/down`, sourceOf(randomBytes(MiB)), { contentType: "image/png" }),
      ).rejects.toBeInstanceOf(StorageUnavailableError);
      expect(Date.now() - started).toBeLessThan(20_000);
    } finally {
      await server.start();
    }
    await expect(store.ping()).resolves.toBeUndefined();
  });
});

describe("MinioStore on a distributed MinIO (4 nodes, one drive each)", () => {
  let cluster: MinioCluster;
  let store: MinioStore;

  beforeAll(async () => {
    cluster = await startMinioCluster();
    store = storeFor({
      endpoint: cluster.nodes[0]!.endpoint,
      accessKey: cluster.accessKey,
      secretKey: cluster.secretKey,
    });
    await store.init();
  });
  afterAll(async () => {
    await cluster?.dispose();
  });

  it("stores and reads with one node down; without write quorum (two down) a put is StorageUnavailableError", async () => {
    const bytes = randomBytes(9 * MiB);
    const key = `media/${randomUUID()}/one-down`;
    await cluster.nodes[3]!.stop({ hard: true });
    await store.put(key, sourceOf(bytes), { contentType: "application/octet-stream" });
    expect(sha256(await readAll(await store.get(key)))).toBe(sha256(bytes));
    await cluster.nodes[2]!.stop({ hard: true });
    try {
      // MinIO answers 503 (write quorum lost), which minio-js turns into a plain Error after one retry.
      await expect(
        store.put(`media/${randomUUID()}/two-down`, sourceOf(bytes), { contentType: "application/octet-stream" }),
      ).rejects.toBeInstanceOf(StorageUnavailableError);
    } finally {
      await Promise.all([cluster.nodes[2]!.start(), cluster.nodes[3]!.start()]);
    }
    expect(sha256(await readAll(await store.get(key)))).toBe(sha256(bytes));
  });

  it("aborts by the id put reported an upload the answering node cannot list (begun while its drive was offline)", async () => {
    const client = (i: number) => {
      const { hostname, port } = new URL(cluster.nodes[i]!.endpoint);
      return new Client({
        endPoint: hostname,
        port: Number(port),
        useSSL: false,
        accessKey: cluster.accessKey,
        secretKey: cluster.secretKey,
        region: "us-east-1",
      });
    };
    // put reports its multipart upload's id before the first part is stored.
    const reported: string[] = [];
    const done = `media/${randomUUID()}/reported`;
    await store.put(done, sourceOf(randomBytes(9 * MiB)), {
      contentType: "application/octet-stream",
      onUploadStarted: async (id) => void reported.push(id),
    });
    expect(reported).toHaveLength(1);

    // An upload begun while node 2 was down is on drives 1, 3 and 4 only.
    const key = `media/${randomUUID()}/cut-off`;
    await cluster.nodes[1]!.stop({ hard: true });
    const uploadId = await client(0).initiateNewMultipartUpload(store.bucket, key, {});
    await cluster.nodes[1]!.start();
    // Asked through node 2, MinIO lists the key's uploads from node 2's own drive: none.
    const viaNode2 = storeFor(
      { endpoint: cluster.nodes[1]!.endpoint, accessKey: cluster.accessKey, secretKey: cluster.secretKey },
      store.bucket,
    );
    expect(await viaNode2.incompleteUploads.abort([key])).toBe(0);
    // Node 2 has just come back: the cluster may still answer 503 for a moment (minio-js retries
    // once), which says nothing about the upload.
    const settled = async <T>(f: () => Promise<T>): Promise<T> => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await f();
        } catch (error) {
          if (attempt >= 20 || !/Retryable HTTP status: 50[234]/.test((error as Error).message)) throw error;
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      }
    };
    const part = () =>
      settled(() =>
        client(0).uploadPart(
          { bucketName: store.bucket, objectName: key, uploadID: uploadId, partNumber: 1, headers: {} },
          Buffer.from("x"),
        ),
      );
    // Node 1 lists from its own drive, which holds the upload.
    const listedViaNode1 = () =>
      settled(async () => {
        const ids: string[] = [];
        const stream = client(0).listIncompleteUploads(store.bucket, key, true);
        for await (const u of stream as AsyncIterable<{ uploadId: string }>) ids.push(u.uploadId);
        return ids;
      });
    // ListParts by id, a read: what S3 says of an upload that is gone. (minio-js keeps it protected.)
    const partsById = (node = 0) =>
      settled(() =>
        (client(node) as unknown as { listParts(b: string, k: string, id: string): Promise<unknown[]> }).listParts(
          store.bucket,
          key,
          uploadId,
        ),
      );
    // A node that has just come back answers before it sees its peers, and meanwhile takes an abort
    // of an upload it cannot see as done (204) without removing it: wait until node 2 finds the
    // upload by its id (on its peers' drives) before asking it to abort.
    await eventually(() => expect(partsById(1)).resolves.toEqual([]), 30_000, 250);
    await expect(part()).resolves.toMatchObject({ etag: expect.any(String) }); // still there
    expect(await listedViaNode1()).toEqual([uploadId]);
    await expect(partsById()).resolves.toHaveLength(1);
    // By its id it goes, whichever node answers.
    expect(await viaNode2.incompleteUploads.abort([key], new Map([[key, uploadId]]))).toBe(1);
    await eventually(() => expect(partsById()).rejects.toMatchObject({ code: "NoSuchUpload" }), 10_000, 250);
  });
});
