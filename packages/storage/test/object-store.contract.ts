import { randomBytes, randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidObjectKeyError, type ObjectStore } from "../src/index.ts";
import { endlessSource, failingSource, MiB, readAll, sha256, sourceOf, tamperParam, waitFor } from "./helpers.ts";

export interface StoreHarness {
  store: ObjectStore;
  dispose(): Promise<void>;
}

/** Query parameters holding the signature and the signed content type, whichever scheme the store uses. */
const SIGNATURE_PARAMS = ["X-Amz-Signature", "sig"];
const CONTENT_TYPE_PARAMS = ["response-content-type", "ct"];

/**
 * One set of expectations every ObjectStore must meet (apollo-server's integration-testsuite
 * pattern). Each test works under its own random prefix, so tests do not see each other's objects.
 */
export function objectStoreContract(name: string, setup: () => Promise<StoreHarness>): void {
  describe(`ObjectStore contract: ${name}`, () => {
    let harness: StoreHarness;
    let store: ObjectStore;
    const prefix = () => `media/${randomUUID()}/`;

    beforeAll(async () => {
      harness = await setup();
      store = harness.store;
      await store.init();
      await store.init(); // idempotent
    });
    afterAll(async () => {
      await harness?.dispose();
    });

    it("answers ping when reachable", async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });

    it("round-trips 20 MiB of random bytes with equal sha256, and stats them", async () => {
      const key = `${prefix()}big`;
      const bytes = randomBytes(20 * MiB);
      await store.put(key, sourceOf(bytes), { contentType: "video/mp4" });
      const back = await readAll(await store.get(key));
      expect(back.length).toBe(bytes.length);
      expect(sha256(back)).toBe(sha256(bytes));
      const info = await store.stat(key);
      expect(info).toMatchObject({ key, size: 20 * MiB, contentType: "video/mp4" });
      expect(info?.lastModified).toBeInstanceOf(Date);
      expect(Math.abs((info?.lastModified.getTime() ?? 0) - Date.now())).toBeLessThan(120_000);
    });

    it("round-trips objects at and around the multipart part boundaries, from chunks of odd sizes", async () => {
      // 5 MiB is S3's smallest part: one part exactly, one byte past it, two parts, a last part of one byte.
      const p = prefix();
      const sizes = [5 * MiB - 1, 5 * MiB, 5 * MiB + 1, 10 * MiB, 10 * MiB + 1, 15 * MiB - 1];
      for (const [i, size] of sizes.entries()) {
        const bytes = randomBytes(size);
        await store.put(`${p}${i}`, sourceOf(bytes, 100_003), { contentType: "application/octet-stream" });
        const back = await readAll(await store.get(`${p}${i}`));
        expect({ size: back.length, sha256: sha256(back) }).toEqual({ size, sha256: sha256(bytes) });
      }
    });

    it("rejects a put whose source errors after several parts and leaves no object", async () => {
      const p = prefix();
      const boom = new Error("client went away in the third part");
      await expect(
        store.put(`${p}broken`, failingSource(12 * MiB, boom), { contentType: "video/mp4" }),
      ).rejects.toThrow();
      expect(await store.list(p)).toEqual([]);
      expect(await store.stat(`${p}broken`)).toBeNull();
    });

    it("round-trips an empty object and a 1-byte object", async () => {
      const p = prefix();
      await store.put(`${p}empty`, Readable.from([], { objectMode: false }), { contentType: "text/plain" });
      await store.put(`${p}one`, sourceOf(Buffer.from([0x7f])), { contentType: "application/octet-stream" });
      expect((await readAll(await store.get(`${p}empty`))).length).toBe(0);
      expect([...(await readAll(await store.get(`${p}one`)))]).toEqual([0x7f]);
      expect(await store.stat(`${p}empty`)).toMatchObject({ size: 0, contentType: "text/plain" });
      expect(await store.stat(`${p}one`)).toMatchObject({ size: 1, contentType: "application/octet-stream" });
    });

    it("replaces an object put twice under the same key", async () => {
      const key = `${prefix()}again`;
      await store.put(key, sourceOf(Buffer.from("first version")), { contentType: "text/plain" });
      await store.put(key, sourceOf(Buffer.from("second")), { contentType: "application/json" });
      expect((await readAll(await store.get(key))).toString()).toBe("second");
      expect(await store.stat(key)).toMatchObject({ size: 6, contentType: "application/json" });
    });

    it("stats a missing key as null and refuses to get it", async () => {
      const key = `${prefix()}missing`;
      expect(await store.stat(key)).toBeNull();
      await expect(store.get(key).then(readAll)).rejects.toThrow();
    });

    it("lists exactly the keys under a prefix, with their sizes", async () => {
      const conv = prefix();
      const other = prefix();
      await store.put(`${conv}a`, sourceOf(Buffer.alloc(10)), { contentType: "text/plain" });
      await store.put(`${conv}b`, sourceOf(Buffer.alloc(20)), { contentType: "text/plain" });
      await store.put(`${conv}c`, sourceOf(Buffer.alloc(0)), { contentType: "text/plain" });
      await store.put(`${other}a`, sourceOf(Buffer.alloc(5)), { contentType: "text/plain" });
      const listed = await store.list(conv);
      expect(listed.map((o) => [o.key, o.size])).toEqual([
        [`${conv}a`, 10],
        [`${conv}b`, 20],
        [`${conv}c`, 0],
      ]);
      // A partial last segment is a plain string prefix, as in S3.
      expect((await store.list(`${conv}b`)).map((o) => o.key)).toEqual([`${conv}b`]);
      expect(await store.list(prefix())).toEqual([]);
    });

    it("deletes objects, ignores missing keys, and is idempotent", async () => {
      const p = prefix();
      await store.put(`${p}x`, sourceOf(Buffer.from("x")), { contentType: "text/plain" });
      await store.put(`${p}y`, sourceOf(Buffer.from("y")), { contentType: "text/plain" });
      await store.put(`${p}keep`, sourceOf(Buffer.from("k")), { contentType: "text/plain" });
      await store.delete([`${p}x`, `${p}y`, `${p}never-existed`]);
      expect(await store.stat(`${p}x`)).toBeNull();
      expect(await store.stat(`${p}y`)).toBeNull();
      expect((await store.list(p)).map((o) => o.key)).toEqual([`${p}keep`]);
      await store.delete([`${p}x`, `${p}y`]);
      await store.delete([]);
      expect((await store.list(p)).map((o) => o.key)).toEqual([`${p}keep`]);
    });

    it("rejects a put whose source errors midway and leaves no object", async () => {
      const p = prefix();
      const boom = new Error("client went away mid-upload");
      await expect(
        store.put(`${p}broken`, failingSource(3 * MiB, boom), { contentType: "image/png" }),
      ).rejects.toThrow();
      expect(await store.list(p)).toEqual([]);
      expect(await store.stat(`${p}broken`)).toBeNull();
    });

    it("rejects a put aborted by its AbortSignal and leaves no object", async () => {
      const p = prefix();
      const source = endlessSource();
      const controller = new AbortController();
      const put = store.put(`${p}aborted`, source, { contentType: "image/png", signal: controller.signal });
      await waitFor(() => source.sent >= 2 * MiB);
      const started = Date.now();
      controller.abort(new Error("request aborted by the client"));
      await expect(put).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(await store.list(p)).toEqual([]);
    });

    it("rejects a put whose signal is already aborted and leaves no object", async () => {
      const p = prefix();
      const controller = new AbortController();
      controller.abort(new Error("already gone"));
      await expect(
        store.put(`${p}pre-aborted`, sourceOf(Buffer.from("data")), {
          contentType: "text/plain",
          signal: controller.signal,
        }),
      ).rejects.toThrow();
      expect(await store.list(p)).toEqual([]);
    });

    it("rejects within seconds a put whose source is destroyed without an error, leaving no object", async () => {
      const p = prefix();
      const source = endlessSource();
      const put = store.put(`${p}destroyed`, source, { contentType: "image/png" });
      await waitFor(() => source.sent >= 2 * MiB);
      const started = Date.now();
      source.destroy();
      await expect(put).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(await store.list(p)).toEqual([]);
    });

    it.each([
      "../escape",
      "media/../../escape",
      "/etc/passwd",
      "media//double",
      "media/.hidden",
      "media/a b",
      "media/a\\b",
      "media/naïve",
      "media/x/",
      "",
    ])("rejects the object key %j everywhere, before touching the store", async (key) => {
      await expect(store.put(key, sourceOf(Buffer.from("x")), { contentType: "text/plain" })).rejects.toBeInstanceOf(
        InvalidObjectKeyError,
      );
      await expect(store.stat(key)).rejects.toBeInstanceOf(InvalidObjectKeyError);
      await expect(store.get(key)).rejects.toBeInstanceOf(InvalidObjectKeyError);
      await expect(store.delete([key])).rejects.toBeInstanceOf(InvalidObjectKeyError);
      await expect(
        store.presignGet(key, { expiresInSeconds: 60, contentType: "a/b", contentDisposition: "inline" }),
      ).rejects.toBeInstanceOf(InvalidObjectKeyError);
    });

    it("rejects list and sweep prefixes that climb out of the root", async () => {
      await expect(store.list("../")).rejects.toBeInstanceOf(InvalidObjectKeyError);
      await expect(store.list("/etc/")).rejects.toBeInstanceOf(InvalidObjectKeyError);
      if (store.incompleteUploads) {
        await expect(store.incompleteUploads.sweep("../", new Date())).rejects.toBeInstanceOf(InvalidObjectKeyError);
        await expect(store.incompleteUploads.abort(["../escape"])).rejects.toBeInstanceOf(InvalidObjectKeyError);
      }
    });

    describe("temporary URLs", () => {
      const disposition = `attachment; filename="resume.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf`;
      let key: string;
      let twin: string;
      let bytes: Buffer;

      beforeAll(async () => {
        const p = prefix();
        key = `${p}aaaa`;
        twin = `${p}bbbb`; // same length, so swapping it into a URL changes nothing else
        bytes = randomBytes(300 * 1024);
        await store.put(key, sourceOf(bytes), { contentType: "application/octet-stream" });
        await store.put(twin, sourceOf(randomBytes(1024)), { contentType: "application/octet-stream" });
      });

      it("serves the bytes to a plain fetch with the requested Content-Type and Content-Disposition", async () => {
        const before = Math.floor(Date.now() / 1000);
        const { url, expiresAt } = await store.presignGet(key, {
          expiresInSeconds: 300,
          contentType: "application/pdf",
          contentDisposition: disposition,
        });
        expect(expiresAt.getTime() % 1000).toBe(0);
        expect(expiresAt.getTime() / 1000).toBeGreaterThanOrEqual(before + 300);
        expect(expiresAt.getTime() / 1000).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 300);
        const res = await fetch(url);
        expect(res.status).toBe(200);
        expect(res.headers.get("content-type")).toBe("application/pdf");
        expect(res.headers.get("content-disposition")).toBe(disposition);
        const body = Buffer.from(await res.arrayBuffer());
        expect(sha256(body)).toBe(sha256(bytes));
      });

      it("counts the lifetime from the given `now`, in whole seconds", async () => {
        const now = new Date(Date.now() + 1234);
        const { expiresAt } = await store.presignGet(key, {
          expiresInSeconds: 60,
          contentType: "application/pdf",
          contentDisposition: "inline",
          now,
        });
        expect(expiresAt.getTime()).toBe(Math.floor(now.getTime() / 1000) * 1000 + 60_000);
      });

      it("refuses a URL whose key was changed (403)", async () => {
        const { url } = await store.presignGet(key, {
          expiresInSeconds: 300,
          contentType: "application/pdf",
          contentDisposition: "inline",
        });
        const forged = url.replace("/aaaa?", "/bbbb?");
        expect(forged).not.toBe(url);
        const res = await fetch(forged);
        expect(res.status).toBe(403);
        expect((await res.arrayBuffer()).byteLength).toBeLessThan(bytes.length);
      });

      it("refuses a URL whose signature or signed content type was changed (403)", async () => {
        const { url } = await store.presignGet(key, {
          expiresInSeconds: 300,
          contentType: "application/pdf",
          contentDisposition: "inline",
        });
        for (const forged of [tamperParam(url, SIGNATURE_PARAMS), tamperParam(url, CONTENT_TYPE_PARAMS)]) {
          expect(forged).not.toBe(url);
          const res = await fetch(forged);
          expect(res.status).toBe(403);
          await res.arrayBuffer();
        }
        // The untouched URL still works, so the 403s above are about the tampering.
        expect((await fetch(url)).status).toBe(200);
      });

      it("refuses an expired URL (403)", async () => {
        const { url, expiresAt } = await store.presignGet(key, {
          expiresInSeconds: 300,
          contentType: "application/pdf",
          contentDisposition: "inline",
          now: new Date(Date.now() - 3600_000),
        });
        expect(expiresAt.getTime()).toBeLessThan(Date.now());
        const res = await fetch(url);
        expect(res.status).toBe(403);
        await res.arrayBuffer();
      });
    });
  });
}
