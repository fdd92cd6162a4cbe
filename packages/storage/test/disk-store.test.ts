import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { open, readdir, readFile, stat, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DiskStore,
  ExpiredMediaUrlError,
  InvalidMediaUrlError,
  loadOrCreateKey,
  MediaIntegrityError,
  MediaUrlError,
  serveSignedMedia,
  serveUploadPart,
  StorageUnavailableError,
  UPLOAD_ROUTE_SEGMENT,
} from "../src/index.ts";
import {
  endlessSource,
  failingSource,
  filesUnder,
  MiB,
  readAll,
  scanFor,
  sha256,
  sourceOf,
  waitFor,
} from "./helpers.ts";
import { objectStoreContract, type StoreHarness } from "./object-store.contract.ts";
import { uploadSessionsContract } from "./upload-sessions.contract.ts";

/** A DiskStore in a fresh temp dir, behind a tiny node:http server that answers its temporary URLs. */
async function diskHarness(
  options: { chunkSize?: number; basePath?: string } = {},
): Promise<StoreHarness & { store: DiskStore; dir: string; baseUrl: string }> {
  const dir = mkdtempSync(join(tmpdir(), "parley-disk-store-"));
  // The server must listen before the store exists (its URL is the store's publicUrl).
  const ref: { store?: DiskStore } = {};
  const server: Server = createServer((req, res) => {
    if (!ref.store) return void res.writeHead(503).end();
    if (req.url?.startsWith(`${options.basePath ?? ""}/${UPLOAD_ROUTE_SEGMENT}/`)) {
      return void serveUploadPart(ref.store.uploadSessions, req, res);
    }
    void serveSignedMedia(ref.store, req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("no address");
  const baseUrl = `http://127.0.0.1:${address.port}${options.basePath ?? ""}`;
  const store = new DiskStore({
    rootDir: join(dir, "media"),
    encryptionKey: await loadOrCreateKey(dir, "media-encryption"),
    signingKey: await loadOrCreateKey(dir, "media-signing"),
    publicUrl: baseUrl,
    ...(options.chunkSize ? { chunkSize: options.chunkSize } : {}),
  });
  ref.store = store;
  return {
    store,
    dir,
    baseUrl,
    dispose: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

objectStoreContract("DiskStore", () => diskHarness());
uploadSessionsContract("DiskStore", () => diskHarness());

describe("DiskStore", () => {
  let h: Awaited<ReturnType<typeof diskHarness>>;
  let store: DiskStore;
  const prefix = () => `media/${randomUUID()}/`;

  beforeAll(async () => {
    h = await diskHarness({ chunkSize: 64 * 1024 });
    store = h.store;
    await store.init();
  });
  afterAll(async () => {
    await h?.dispose();
  });

  /** The file holding `key` (the layout is the store's business; tests peek to tamper with it). */
  const fileOf = (key: string) => join(store.rootDir, ...key.split("/"));

  describe("encryption at rest", () => {
    it("stores no plaintext: a distinctive marker appears nowhere under the root", async () => {
      const marker = "PARLEY-DISK-PLAINTEXT-MARKER-51c0de|";
      const plaintext = Buffer.alloc(MiB, marker);
      const key = `${prefix()}marker`;
      await store.put(key, sourceOf(plaintext), { contentType: "text/plain" });
      expect(sha256(await readAll(await store.get(key)))).toBe(sha256(plaintext));
      const { hits, scannedBytes } = await scanFor(store.rootDir, Buffer.from(marker));
      expect(scannedBytes).toBeGreaterThan(MiB);
      expect(hits).toEqual([]);
      // Not even 16 plaintext bytes survive.
      expect((await scanFor(store.rootDir, Buffer.from(marker.slice(0, 16)))).hits).toEqual([]);
    });

    it("stores upload session parts encrypted: no plaintext under the root before or after completion", async () => {
      const marker = "PARLEY-DISK-SESSION-MARKER-3e9b07|";
      const plaintext = Buffer.alloc(6 * MiB, marker);
      const key = `${prefix()}session-marker`;
      const sessions = store.uploadSessions;
      const uploadId = await sessions.create(key, { contentType: "text/plain" });
      for (const [i, bytes] of [plaintext.subarray(0, 5 * MiB), plaintext.subarray(5 * MiB)].entries()) {
        const { url } = await sessions.presignPart(
          key,
          uploadId,
          { number: i + 1, size: bytes.length },
          { expiresInSeconds: 60 },
        );
        expect(url.startsWith(`${h.baseUrl}/media-uploads/${uploadId}/${i + 1}?`)).toBe(true);
        expect((await fetch(url, { method: "PUT", body: bytes })).status).toBe(200);
      }
      const during = await scanFor(store.rootDir, Buffer.from(marker.slice(0, 16)));
      expect(during.scannedBytes).toBeGreaterThan(6 * MiB);
      expect(during.hits).toEqual([]);
      await sessions.complete(key, uploadId, await sessions.listParts(key, uploadId));
      expect(sha256(await readAll(await store.get(key)))).toBe(sha256(plaintext));
      expect((await scanFor(store.rootDir, Buffer.from(marker.slice(0, 16)))).hits).toEqual([]);
      // The upload's directory is gone: only the object remains.
      expect((await filesUnder(store.rootDir)).filter((f) => f.includes(".uploads"))).toEqual([]);
    });

    it("fails get() on a tampered ciphertext byte instead of returning wrong bytes", async () => {
      const key = `${prefix()}tampered`;
      const bytes = randomBytes(300 * 1024);
      await store.put(key, sourceOf(bytes), { contentType: "application/octet-stream" });
      const path = fileOf(key);
      const file = await open(path, "r+");
      const at = Math.floor((await file.stat()).size / 2); // inside chunk 2 of 5
      const one = Buffer.alloc(1);
      await file.read(one, 0, 1, at);
      one[0] = (one[0] ?? 0) ^ 0x01;
      await file.write(one, 0, 1, at);
      await file.close();

      const received: Buffer[] = [];
      const reading = (async () => {
        for await (const chunk of await store.get(key)) received.push(chunk as Buffer);
      })();
      await expect(reading).rejects.toBeInstanceOf(MediaIntegrityError);
      // What was delivered before the failure is authentic: a prefix of the original, short of the tampered chunk.
      const got = Buffer.concat(received);
      expect(got.length).toBeLessThan(bytes.length);
      expect(got.equals(bytes.subarray(0, got.length))).toBe(true);
      // A range inside the tampered chunk fails too; one before it still reads.
      await expect(store.getRange(key, 140_000, 140_010).then(readAll)).rejects.toBeInstanceOf(MediaIntegrityError);
      expect((await readAll(await store.getRange(key, 0, 99))).equals(bytes.subarray(0, 100))).toBe(true);
    });

    it("detects truncation at a chunk boundary and mid-chunk", async () => {
      const bytes = randomBytes(200 * 1024);
      const boundary = `${prefix()}cut-at-boundary`;
      const mid = `${prefix()}cut-mid-chunk`;
      for (const key of [boundary, mid]) await store.put(key, sourceOf(bytes), { contentType: "image/png" });
      const size = (await stat(fileOf(boundary))).size;
      const headerLength = size - bytes.length - 4 * 16; // 4 chunks, one tag each
      await truncate(fileOf(boundary), headerLength + 2 * (64 * 1024 + 16));
      await truncate(fileOf(mid), size - 1000);
      for (const key of [boundary, mid]) {
        await expect(store.get(key).then(readAll)).rejects.toBeInstanceOf(MediaIntegrityError);
      }
    });

    it("fails get() when the stored content type is swapped in the header", async () => {
      const key = `${prefix()}retyped`;
      await store.put(key, sourceOf(Buffer.from("<p>hello</p>")), { contentType: "image/png" });
      const raw = await readFile(fileOf(key));
      const at = raw.indexOf("image/png");
      expect(at).toBeGreaterThan(0);
      raw.write("text/html", at, "latin1");
      await writeFile(fileOf(key), raw);
      await expect(store.get(key).then(readAll)).rejects.toBeInstanceOf(MediaIntegrityError);
    });

    it("refuses to start with a different key than the one the existing media was written with", async () => {
      const other = new DiskStore({
        rootDir: store.rootDir,
        encryptionKey: randomBytes(32),
        signingKey: randomBytes(32),
        publicUrl: h.baseUrl,
      });
      await expect(other.init()).rejects.toThrow(/encryption key does not match/);
      // The right key starts fine, again and again.
      await expect(store.init()).resolves.toBeUndefined();
    });
  });

  describe("keys", () => {
    it("creates key files once with mode 0600 and reuses them", async () => {
      const dir = mkdtempSync(join(tmpdir(), "parley-keys-"));
      try {
        const first = await loadOrCreateKey(dir, "media-encryption");
        expect(first.length).toBe(32);
        const info = await stat(join(dir, "media-encryption.key"));
        expect(info.mode & 0o777).toBe(0o600);
        expect((await loadOrCreateKey(dir, "media-encryption")).equals(first)).toBe(true);
        expect((await loadOrCreateKey(dir, "media-signing")).equals(first)).toBe(false);
        // Concurrent first starts agree on one key.
        const racers = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateKey(dir, "raced")));
        expect(new Set(racers.map((k) => k.toString("hex"))).size).toBe(1);
        expect((await readdir(dir)).sort()).toEqual(["media-encryption.key", "media-signing.key", "raced.key"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("accepts a provided key as hex or base64 and rejects anything else", async () => {
      const key = randomBytes(32);
      const dir = mkdtempSync(join(tmpdir(), "parley-keys-"));
      try {
        expect((await loadOrCreateKey(dir, "k", key.toString("hex"))).equals(key)).toBe(true);
        expect((await loadOrCreateKey(dir, "k", key.toString("base64"))).equals(key)).toBe(true);
        expect((await loadOrCreateKey(dir, "k", key.toString("base64url"))).equals(key)).toBe(true);
        await expect(loadOrCreateKey(dir, "k", "too-short")).rejects.toThrow(/32 bytes/);
        await expect(loadOrCreateKey(dir, "k", randomBytes(16).toString("hex"))).rejects.toThrow(/32 bytes/);
        expect(await readdir(dir)).toEqual([]); // a provided key writes nothing
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe("atomic writes", () => {
    it("shows nothing until the upload completes and leaves no temp file after a failure", async () => {
      const p = prefix();
      const source = endlessSource();
      const controller = new AbortController();
      const put = store.put(`${p}in-progress`, source, { contentType: "video/mp4", signal: controller.signal });
      await waitFor(() => source.sent >= MiB);
      expect(await store.stat(`${p}in-progress`)).toBeNull();
      expect(await store.list(p)).toEqual([]);
      const temps = await readdir(join(store.rootDir, ".tmp"));
      expect(temps.length).toBeGreaterThan(0); // it is being written somewhere, just not visibly
      controller.abort();
      await expect(put).rejects.toThrow();

      await expect(
        store.put(`${p}broken`, failingSource(MiB, new Error("boom")), { contentType: "a/b" }),
      ).rejects.toThrow("boom");
      const destroyed = endlessSource();
      const put2 = store.put(`${p}destroyed`, destroyed, { contentType: "a/b" });
      await waitFor(() => destroyed.sent >= MiB);
      destroyed.destroy();
      await expect(put2).rejects.toThrow();

      expect(await readdir(join(store.rootDir, ".tmp"))).toEqual([]);
      expect(await store.list(p)).toEqual([]);
      expect(await filesUnder(store.rootDir)).not.toContainEqual(expect.stringContaining(p.slice(6, -1)));
    });

    it("prunes directories left empty by a delete", async () => {
      const p = prefix();
      await store.put(`${p}only`, sourceOf(Buffer.from("1")), { contentType: "text/plain" });
      await store.delete([`${p}only`]);
      await expect(stat(join(store.rootDir, ...p.split("/").filter(Boolean)))).rejects.toMatchObject({
        code: "ENOENT",
      });
      await expect(stat(join(store.rootDir, "media"))).resolves.toBeTruthy();
    });

    it("reports StorageUnavailableError when its directory is gone", async () => {
      const dir = mkdtempSync(join(tmpdir(), "parley-gone-"));
      const gone = new DiskStore({
        rootDir: join(dir, "media"),
        encryptionKey: randomBytes(32),
        signingKey: randomBytes(32),
        publicUrl: "http://127.0.0.1:1",
      });
      await gone.init();
      await expect(gone.ping()).resolves.toBeUndefined();
      rmSync(dir, { recursive: true, force: true });
      await expect(gone.ping()).rejects.toBeInstanceOf(StorageUnavailableError);
    });
  });

  describe("ranged reads", () => {
    let key: string;
    let bytes: Buffer;
    const chunk = 64 * 1024;

    beforeAll(async () => {
      key = `${prefix()}ranged`;
      bytes = randomBytes(5 * chunk + 1234);
      await store.put(key, sourceOf(bytes, 10_000), { contentType: "video/mp4" });
    });

    it.each([
      [0, 0],
      [0, chunk - 1],
      [chunk - 1, chunk],
      [1000, 3 * chunk + 17],
      [5 * chunk, 5 * chunk + 1233],
      [5 * chunk + 1233, 5 * chunk + 1233],
      [0, 5 * chunk + 1233],
    ])("getRange(%i, %i) returns exactly those bytes", async (start, end) => {
      const got = await readAll(await store.getRange(key, start, end));
      expect(got.equals(bytes.subarray(start, end + 1))).toBe(true);
    });

    it("rejects ranges outside the object", async () => {
      await expect(store.getRange(key, 0, bytes.length)).rejects.toBeInstanceOf(RangeError);
      await expect(store.getRange(key, 10, 9)).rejects.toBeInstanceOf(RangeError);
      await expect(store.getRange(key, -1, 9)).rejects.toBeInstanceOf(RangeError);
      await expect(store.getRange(`${prefix()}missing`, 0, 0)).rejects.toMatchObject({ code: "NotFound" });
    });
  });

  describe("signed media URLs", () => {
    let key: string;
    let bytes: Buffer;
    const sign = (o: { now?: Date; ttl?: number; contentType?: string; disposition?: string } = {}) =>
      store.presignGet(key, {
        expiresInSeconds: o.ttl ?? 300,
        contentType: o.contentType ?? "video/mp4",
        contentDisposition: o.disposition ?? `inline; filename="clip.mp4"`,
        ...(o.now ? { now: o.now } : {}),
      });

    beforeAll(async () => {
      key = `${prefix()}clip`;
      bytes = randomBytes(200 * 1024 + 7);
      await store.put(key, sourceOf(bytes), { contentType: "video/mp4" });
    });

    it("has the documented shape and expires on a whole second", async () => {
      const now = new Date("2030-01-02T03:04:05.678Z");
      const { url, expiresAt } = await sign({ now });
      const u = new URL(url);
      expect(`${u.origin}${u.pathname}`).toBe(`${h.baseUrl}/media/${key}`);
      expect([...u.searchParams.keys()]).toEqual(["exp", "ct", "cd", "sig"]);
      expect(u.searchParams.get("exp")).toBe(String(Math.floor(now.getTime() / 1000) + 300));
      expect(u.searchParams.get("sig")).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(expiresAt.toISOString()).toBe("2030-01-02T03:09:05.000Z");
    });

    it("verifyMediaUrl grants the signed key and headers, and types its refusals", async () => {
      const now = new Date();
      const { url, expiresAt } = await sign({ now, contentType: "image/png", disposition: "attachment" });
      const u = new URL(url);
      expect(store.verifyMediaUrl(u.pathname, u.searchParams, now)).toEqual({
        key,
        contentType: "image/png",
        contentDisposition: "attachment",
        expiresAt,
      });
      // One second before expiry it works; at expiry it is expired, not forged.
      expect(store.verifyMediaUrl(u.pathname, u.searchParams, new Date(expiresAt.getTime() - 1000)).key).toBe(key);
      const expired = (() => {
        try {
          store.verifyMediaUrl(u.pathname, u.searchParams, expiresAt);
        } catch (error) {
          return error;
        }
      })();
      expect(expired).toBeInstanceOf(ExpiredMediaUrlError);
      expect(expired).toMatchObject({ reason: "expired", code: "MEDIA_URL_EXPIRED" });

      const forgeries: [string, URLSearchParams][] = [];
      const withParam = (name: string, value: string) => {
        const p = new URLSearchParams(u.searchParams);
        p.set(name, value);
        return p;
      };
      forgeries.push([u.pathname.replace(/clip$/, "clap"), u.searchParams]);
      forgeries.push([u.pathname, withParam("exp", String(Number(u.searchParams.get("exp")) + 3600))]);
      forgeries.push([u.pathname, withParam("ct", "text/html")]);
      forgeries.push([u.pathname, withParam("cd", "inline")]);
      forgeries.push([u.pathname, withParam("sig", "A".repeat(43))]);
      forgeries.push([u.pathname, withParam("sig", "")]);
      // Another spelling of the same signature bytes: base64url's last character has 2 spare bits.
      const sig = u.searchParams.get("sig")!;
      const lastValue = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".indexOf(sig.at(-1)!);
      const respelled =
        sig.slice(0, -1) + "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[lastValue ^ 1];
      expect(Buffer.from(respelled, "base64url").equals(Buffer.from(sig, "base64url"))).toBe(true);
      forgeries.push([u.pathname, withParam("sig", respelled)]);
      const missing = new URLSearchParams(u.searchParams);
      missing.delete("sig");
      forgeries.push([u.pathname, missing]);
      const repeated = new URLSearchParams(u.searchParams);
      repeated.append("ct", "text/html");
      forgeries.push([u.pathname, repeated]);
      forgeries.push([u.pathname.replace("/media/media/", "/media/media/../"), u.searchParams]);
      forgeries.push([u.pathname.replace("/media/media/", "/other/media/"), u.searchParams]);
      for (const [pathname, params] of forgeries) {
        expect(() => store.verifyMediaUrl(pathname, params, now)).toThrow(InvalidMediaUrlError);
      }
      // A URL signed by another store's key is forged, whatever else it says.
      const stranger = new DiskStore({
        rootDir: store.rootDir,
        encryptionKey: randomBytes(32),
        signingKey: randomBytes(32),
        publicUrl: h.baseUrl,
      });
      const strangerUrl = new URL(
        (await stranger.presignGet(key, { expiresInSeconds: 300, contentType: "a/b", contentDisposition: "inline" }))
          .url,
      );
      expect(() => store.verifyMediaUrl(strangerUrl.pathname, strangerUrl.searchParams, now)).toThrow(MediaUrlError);
    });

    it("serves GET with the signed headers, nosniff, private caching for the remaining lifetime and Accept-Ranges", async () => {
      const { url } = await sign({ ttl: 120 });
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("video/mp4");
      expect(res.headers.get("content-disposition")).toBe(`inline; filename="clip.mp4"`);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("accept-ranges")).toBe("bytes");
      expect(res.headers.get("content-length")).toBe(String(bytes.length));
      const maxAge = Number(/^private, max-age=(\d+)$/.exec(res.headers.get("cache-control") ?? "")?.[1]);
      expect(maxAge).toBeGreaterThanOrEqual(115);
      expect(maxAge).toBeLessThanOrEqual(120);
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    });

    it("answers a single Range with 206 and Content-Range, in all three forms", async () => {
      const { url } = await sign();
      const size = bytes.length;
      const cases: [string, number, number][] = [
        ["bytes=100-65636", 100, 65636],
        ["bytes=150000-", 150000, size - 1],
        ["bytes=-500", size - 500, size - 1],
        ["bytes=0-999999999", 0, size - 1],
      ];
      for (const [range, start, end] of cases) {
        const res = await fetch(url, { headers: { Range: range } });
        expect(res.status, range).toBe(206);
        expect(res.headers.get("content-range")).toBe(`bytes ${start}-${end}/${size}`);
        expect(res.headers.get("content-length")).toBe(String(end - start + 1));
        expect(res.headers.get("content-type")).toBe("video/mp4");
        expect(Buffer.from(await res.arrayBuffer()).equals(bytes.subarray(start, end + 1))).toBe(true);
      }
    });

    it("answers an unsatisfiable Range with 416 and serves several ranges as the whole object", async () => {
      const { url } = await sign();
      for (const range of [`bytes=${bytes.length}-`, `bytes=${bytes.length + 10}-${bytes.length + 20}`, "bytes=-0"]) {
        const res = await fetch(url, { headers: { Range: range } });
        expect(res.status, range).toBe(416);
        expect(res.headers.get("content-range")).toBe(`bytes */${bytes.length}`);
        await res.arrayBuffer();
      }
      const multi = await fetch(url, { headers: { Range: "bytes=0-1,5-6" } });
      expect(multi.status).toBe(200);
      expect(Buffer.from(await multi.arrayBuffer()).equals(bytes)).toBe(true);
    });

    it("answers HEAD with the headers and no body", async () => {
      const { url } = await sign();
      const res = await fetch(url, { method: "HEAD" });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-length")).toBe(String(bytes.length));
      expect(res.headers.get("content-type")).toBe("video/mp4");
      expect((await res.arrayBuffer()).byteLength).toBe(0);
      const ranged = await fetch(url, { method: "HEAD", headers: { Range: "bytes=10-19" } });
      expect(ranged.status).toBe(206);
      expect(ranged.headers.get("content-range")).toBe(`bytes 10-19/${bytes.length}`);
    });

    it("refuses forged and expired URLs with 403, a JSON refusal and its reason (the API formats it)", async () => {
      const { url } = await sign();
      const forged = url.replace(/sig=[^&]+/, `sig=${"B".repeat(43)}`);
      const res = await fetch(forged);
      expect(res.status).toBe(403);
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      const body = (await res.json()) as { status: number; message: string; reason?: string };
      expect(body.status).toBe(403);
      expect(body.reason).toBe("MEDIA_URL_INVALID");
      expect(body.message).toMatch(/not valid/);

      const expired = await fetch((await sign({ now: new Date(Date.now() - 600_000) })).url);
      expect(expired.status).toBe(403);
      const expiredBody = (await expired.json()) as typeof body;
      expect(expiredBody).toEqual({
        status: 403,
        message: expect.stringMatching(/expired/),
        reason: "MEDIA_URL_EXPIRED",
      });
    });

    it("answers 404 for a validly signed URL whose object was deleted, and 405 for other methods", async () => {
      const gone = `${prefix()}gone`;
      await store.put(gone, sourceOf(Buffer.from("bye")), { contentType: "text/plain" });
      const { url } = await store.presignGet(gone, {
        expiresInSeconds: 60,
        contentType: "text/plain",
        contentDisposition: "inline",
      });
      expect((await fetch(url)).status).toBe(200);
      await store.delete([gone]);
      const res = await fetch(url);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ status: 404, message: "this media no longer exists" });
      const post = await fetch((await sign()).url, { method: "POST" });
      expect(post.status).toBe(405);
      await post.arrayBuffer();
    });

    it("serves an empty object", async () => {
      const empty = `${prefix()}empty`;
      await store.put(empty, Readable.from([], { objectMode: false }), { contentType: "text/plain" });
      const { url } = await store.presignGet(empty, {
        expiresInSeconds: 60,
        contentType: "text/plain",
        contentDisposition: "inline",
      });
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-length")).toBe("0");
      expect((await res.arrayBuffer()).byteLength).toBe(0);
    });

    it("cuts the response short rather than serve tampered bytes", async () => {
      const bad = `${prefix()}bad`;
      const data = randomBytes(500 * 1024);
      await store.put(bad, sourceOf(data), { contentType: "application/octet-stream" });
      const path = fileOf(bad);
      const raw = await readFile(path);
      const at = raw.length - 1000;
      raw[at] = (raw[at] ?? 0) ^ 0xff;
      await writeFile(path, raw);
      const { url } = await store.presignGet(bad, {
        expiresInSeconds: 60,
        contentType: "a/b",
        contentDisposition: "inline",
      });
      const res = await fetch(url);
      expect(res.status).toBe(200); // headers go out before the last chunk is read
      await expect(res.arrayBuffer()).rejects.toThrow();
    });
  });

  describe("a public URL with a base path", () => {
    let based: Awaited<ReturnType<typeof diskHarness>>;
    beforeAll(async () => {
      based = await diskHarness({ basePath: "/parley" });
      await based.store.init();
    });
    afterAll(async () => {
      await based?.dispose();
    });

    it("signs and verifies under that path", async () => {
      const key = `${prefix()}based`;
      await based.store.put(key, sourceOf(Buffer.from("hello")), { contentType: "text/plain" });
      const { url } = await based.store.presignGet(key, {
        expiresInSeconds: 60,
        contentType: "text/plain",
        contentDisposition: "inline",
      });
      expect(url.startsWith(`${based.baseUrl}/media/${key}?`)).toBe(true);
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("hello");
    });
  });
});
