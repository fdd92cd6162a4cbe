import { randomBytes, randomUUID } from "node:crypto";
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  UploadNotFoundError,
  UploadPartsChangedError,
  type IncompleteUploads,
  type ObjectStore,
  type UploadSessions,
} from "../src/index.ts";
import { MiB, readAll, sha256, tamperParam } from "./helpers.ts";
import type { StoreHarness } from "./object-store.contract.ts";

/** PUTs `bytes` to a part URL the way a browser or curl would: no header but the ones HTTP needs. */
async function putPart(url: string, bytes: Buffer): Promise<{ status: number; etag: string | null }> {
  const res = await fetch(url, { method: "PUT", body: bytes });
  await res.arrayBuffer();
  return { status: res.status, etag: res.headers.get("etag") };
}

/** Sends the head of a part's bytes, then drops the connection (a network cut mid-PUT). */
async function cutPut(url: string, bytes: Buffer, sendBytes: number): Promise<void> {
  const target = new URL(url);
  await new Promise<void>((resolve) => {
    const req = request(target, { method: "PUT", headers: { "Content-Length": bytes.length } });
    req.on("error", () => resolve());
    req.write(bytes.subarray(0, sendBytes), () => {
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 200);
    });
  });
}

/**
 * What every store's upload sessions must do (S3 multipart semantics): parts PUT by plain HTTP
 * clients, in any order, resumable after a cut, nothing visible before completion, nothing left
 * after an abort.
 */
export function uploadSessionsContract(name: string, setup: () => Promise<StoreHarness>): void {
  describe(`UploadSessions contract: ${name}`, () => {
    let harness: StoreHarness;
    let store: ObjectStore;
    let sessions: UploadSessions;
    let incomplete: IncompleteUploads;
    const newKey = () => `media/${randomUUID()}/${randomUUID()}`;
    const ttl = { expiresInSeconds: 600 };
    const partsOf = (bytes: Buffer, partSize: number) => {
      const out: { number: number; bytes: Buffer }[] = [];
      for (let at = 0, n = 1; at < bytes.length; at += partSize, n++) {
        out.push({ number: n, bytes: bytes.subarray(at, at + partSize) });
      }
      return out;
    };
    const urlOf = (key: string, uploadId: string, p: { number: number; bytes: Buffer }) =>
      sessions.presignPart(key, uploadId, { number: p.number, size: p.bytes.length }, ttl).then((u) => u.url);

    beforeAll(async () => {
      harness = await setup();
      store = harness.store;
      await store.init();
      if (!store.uploadSessions) throw new Error(`${name} offers no upload sessions`);
      // A store with upload sessions finds the sessions of a key to abort (a crash may lose the id).
      if (!store.incompleteUploads) throw new Error(`${name} offers upload sessions but no incompleteUploads`);
      incomplete = store.incompleteUploads;
      sessions = store.uploadSessions;
    });
    afterAll(async () => {
      await harness?.dispose();
    });

    it("assembles parts PUT in parallel and out of order by a plain fetch into the object, visible only once complete", async () => {
      expect(sessions.minPartSize).toBe(5 * MiB);
      const key = newKey();
      const bytes = randomBytes(12 * MiB + 1);
      const uploadId = await sessions.create(key, { contentType: "video/mp4" });
      const parts = partsOf(bytes, 5 * MiB);
      expect(parts.map((p) => p.bytes.length)).toEqual([5 * MiB, 5 * MiB, 2 * MiB + 1]);
      const results = await Promise.all(
        [...parts]
          .reverse()
          .map(async (p) => ({ number: p.number, ...(await putPart(await urlOf(key, uploadId, p), p.bytes)) })),
      );
      for (const r of results) expect(r.status, `part ${r.number}`).toBe(200);
      expect(await store.stat(key)).toBeNull();
      expect(await store.list(key)).toEqual([]);
      const listed = await sessions.listParts(key, uploadId);
      expect(listed.map((p) => [p.number, p.size])).toEqual([
        [1, 5 * MiB],
        [2, 5 * MiB],
        [3, 2 * MiB + 1],
      ]);
      await sessions.complete(key, uploadId, listed);
      expect(sha256(await readAll(await store.get(key)))).toBe(sha256(bytes));
      expect(await store.stat(key)).toMatchObject({ key, size: bytes.length });
      // The upload is over: no parts, no incomplete upload left for a sweeper to find.
      await expect(sessions.listParts(key, uploadId)).rejects.toBeInstanceOf(UploadNotFoundError);
      await expect(sessions.complete(key, uploadId, listed)).rejects.toBeInstanceOf(UploadNotFoundError);
      expect(await incomplete.abort([key])).toBe(0);
    });

    it("stores nothing for a PUT cut off mid-way; the part is PUT again and the upload completes", async () => {
      const key = newKey();
      const bytes = randomBytes(6 * MiB);
      const uploadId = await sessions.create(key, { contentType: "application/octet-stream" });
      const [first, second] = partsOf(bytes, 5 * MiB) as [
        { number: number; bytes: Buffer },
        { number: number; bytes: Buffer },
      ];
      expect((await putPart(await urlOf(key, uploadId, second), second.bytes)).status).toBe(200);
      const url = await urlOf(key, uploadId, first);
      await cutPut(url, first.bytes, 3 * MiB);
      // Give the store a moment to notice the cut and drop what it had.
      await new Promise((r) => setTimeout(r, 500));
      expect((await sessions.listParts(key, uploadId)).map((p) => p.number)).toEqual([2]);
      // The same URL works again (a retry needs no new URL while it is valid).
      expect((await putPart(url, first.bytes)).status).toBe(200);
      const listed = await sessions.listParts(key, uploadId);
      expect(listed.map((p) => p.number)).toEqual([1, 2]);
      await sessions.complete(key, uploadId, listed);
      expect(sha256(await readAll(await store.get(key)))).toBe(sha256(bytes));
    });

    it("replaces a part PUT again: the last copy is the one assembled", async () => {
      const key = newKey();
      const uploadId = await sessions.create(key, { contentType: "application/octet-stream" });
      const a = randomBytes(1000);
      const b = randomBytes(1000);
      const url = await urlOf(key, uploadId, { number: 1, bytes: a });
      const first = await putPart(url, a);
      const [before] = await sessions.listParts(key, uploadId);
      const second = await putPart(url, b);
      const [after] = await sessions.listParts(key, uploadId);
      expect([first.status, second.status]).toEqual([200, 200]);
      expect(after!.etag).not.toBe(before!.etag);
      // Completing with the replaced copy's etag is refused; the current one works.
      await expect(sessions.complete(key, uploadId, [before!])).rejects.toBeInstanceOf(UploadPartsChangedError);
      await sessions.complete(key, uploadId, [after!]);
      expect((await readAll(await store.get(key))).equals(b)).toBe(true);
    });

    it("refuses a PUT of another size than the part's and stores nothing", async () => {
      const key = newKey();
      const uploadId = await sessions.create(key, { contentType: "application/octet-stream" });
      const url = (await sessions.presignPart(key, uploadId, { number: 1, size: 1000 }, ttl)).url;
      for (const size of [999, 1001, 5000]) {
        const { status } = await putPart(url, randomBytes(size));
        expect(status, `${size} bytes`).toBeGreaterThanOrEqual(400);
        expect(status, `${size} bytes`).toBeLessThan(500);
      }
      expect(await sessions.listParts(key, uploadId)).toEqual([]);
      expect((await putPart(url, randomBytes(1000))).status).toBe(200);
      await sessions.abort(key, uploadId);
    });

    it("refuses a part URL that was tampered with, moved to another part, or expired (403)", async () => {
      const key = newKey();
      const uploadId = await sessions.create(key, { contentType: "application/octet-stream" });
      const bytes = randomBytes(1000);
      const { url } = await sessions.presignPart(key, uploadId, { number: 1, size: 1000 }, ttl);
      const other = url.replace(/([/=])1([?&]|$)/, "$12$2");
      expect(other).not.toBe(url);
      const expired = (
        await sessions.presignPart(
          key,
          uploadId,
          { number: 1, size: 1000 },
          {
            expiresInSeconds: 60,
            now: new Date(Date.now() - 3600_000),
          },
        )
      ).url;
      for (const forged of [tamperParam(url, ["X-Amz-Signature", "sig"]), other, expired]) {
        expect((await putPart(forged, bytes)).status, forged).toBe(403);
      }
      expect(await sessions.listParts(key, uploadId)).toEqual([]);
      await sessions.abort(key, uploadId);
    });

    it("refuses to complete with a part missing or too small, leaving no object and the upload resumable", async () => {
      const key = newKey();
      const uploadId = await sessions.create(key, { contentType: "application/octet-stream" });
      const small = { number: 1, bytes: randomBytes(MiB) };
      const last = { number: 2, bytes: randomBytes(1000) };
      expect((await putPart(await urlOf(key, uploadId, last), last.bytes)).status).toBe(200);
      const [two] = await sessions.listParts(key, uploadId);
      await expect(
        sessions.complete(key, uploadId, [{ number: 1, size: MiB, etag: "missing" }, two!]),
      ).rejects.toBeInstanceOf(UploadPartsChangedError);
      expect(await store.stat(key)).toBeNull();
      // A first part under 5 MiB cannot be completed either (S3's EntityTooSmall).
      expect((await putPart(await urlOf(key, uploadId, small), small.bytes)).status).toBe(200);
      await expect(sessions.complete(key, uploadId, await sessions.listParts(key, uploadId))).rejects.toThrow();
      expect(await store.stat(key)).toBeNull();
      expect((await sessions.listParts(key, uploadId)).map((p) => p.number)).toEqual([1, 2]);
      await sessions.abort(key, uploadId);
    });

    it("abort deletes the stored parts and leaves nothing; a second abort and a later PUT are harmless", async () => {
      const key = newKey();
      const uploadId = await sessions.create(key, { contentType: "application/octet-stream" });
      const part = { number: 1, bytes: randomBytes(5 * MiB) };
      const url = await urlOf(key, uploadId, part);
      expect((await putPart(url, part.bytes)).status).toBe(200);
      await sessions.abort(key, uploadId);
      await sessions.abort(key, uploadId);
      await expect(sessions.listParts(key, uploadId)).rejects.toBeInstanceOf(UploadNotFoundError);
      const late = await putPart(url, part.bytes);
      expect([403, 404]).toContain(late.status);
      await expect(sessions.listParts(key, uploadId)).rejects.toBeInstanceOf(UploadNotFoundError);
      expect(await store.stat(key)).toBeNull();
      expect(await incomplete.abort([key])).toBe(0);
    });

    it("incompleteUploads.abort(keys) removes a session whose upload id was lost (a crash before it was recorded)", async () => {
      const key = newKey();
      const uploadId = await sessions.create(key, { contentType: "application/octet-stream" });
      const part = { number: 1, bytes: randomBytes(MiB) };
      expect((await putPart(await urlOf(key, uploadId, part), part.bytes)).status).toBe(200);
      expect(await incomplete.abort([key])).toBe(1);
      await expect(sessions.listParts(key, uploadId)).rejects.toBeInstanceOf(UploadNotFoundError);
      expect(await store.stat(key)).toBeNull();
    });

    it("keeps uploads of different keys apart: an upload id does not work with another key", async () => {
      const key = newKey();
      const uploadId = await sessions.create(key, { contentType: "application/octet-stream" });
      await expect(sessions.listParts(newKey(), uploadId)).rejects.toThrow();
      await sessions.abort(newKey(), uploadId); // not this upload's key: nothing happens
      expect(await sessions.listParts(key, uploadId)).toEqual([]);
      await sessions.abort(key, uploadId);
    });
  });
}
