import { createHash } from "node:crypto";
import { deflateSync } from "node:zlib";
import exifr from "exifr";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./harness.ts";
import { ihdr, PNG_SIGNATURE, pngChunk } from "./png.ts";
import { collect, wsClient } from "./ws.ts";
import { eventually, postMediaMessage } from "@parley/testkit";

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

const SEND = `mutation($i: SendMediaMessageInput!) { sendMediaMessage(input: $i) {
  id media { id contentType size sha256 width height placeholder temporaryUrl preview { width } } } }`;
const MESSAGE = `query($id: ID!, $size: Int) { message(id: $id) { media { id width height placeholder
  preview(maxSize: $size) { width height contentType temporaryUrl temporaryUrlExpiresAt } } } }`;

interface Sent {
  id: string;
  media: {
    id: string;
    contentType: string;
    size: number;
    sha256: string;
    width: number | null;
    height: number | null;
    temporaryUrl: string;
  }[];
}

/** A noisy 12-bit-ish picture so the JPEG has real entropy data. */
function noise(width: number, height: number) {
  const px = Buffer.alloc(width * height * 3);
  let x = 0x2545f491;
  for (let i = 0; i < px.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    px[i] = x & 0xff;
  }
  return sharp(px, { raw: { width, height, channels: 3 } });
}

const GPS_EXIF = {
  IFD0: { Make: "Acme", Model: "Phone 9 Pro" },
  IFD2: { BodySerialNumber: "SN-0042-7731" },
  IFD3: {
    GPSLatitudeRef: "N",
    GPSLatitude: "51/1 30/1 2637/100",
    GPSLongitudeRef: "W",
    GPSLongitude: "0/1 7/1 3964/100",
  },
};

describe("media derivatives: metadata stripped, dimensions, previews", () => {
  let t: TestServer;
  let conversationId: string;
  beforeAll(async () => {
    t = await startTestServer({ env: { MEDIA_PREVIEW_TIMEOUT_SECONDS: "10" } });
    const res = await t.gql<{ createConversation: { id: string } }>(
      "alice",
      `mutation { createConversation(input: { participants: ["bob"] }) { id } }`,
    );
    conversationId = res.data!.createConversation.id;
  });
  afterAll(() => t?.close());

  async function send(files: { filename: string; body: Buffer }[]) {
    const res = await postMediaMessage(t.graphqlUrl, await t.token("alice"), SEND, conversationId, files);
    expect(res.json.errors).toBeUndefined();
    return res.json.data!.sendMediaMessage as Sent;
  }

  it("stores a phone JPEG without GPS or camera EXIF, same pixels, orientation kept; size/sha256/width/height of the stored bytes", async () => {
    const original = await noise(600, 400)
      .jpeg({ quality: 90 })
      .withExif(GPS_EXIF)
      .withMetadata({ orientation: 6 })
      .toBuffer();
    expect(await exifr.gps(original)).toBeDefined();
    const sent = await send([{ filename: "IMG_0001.jpg", body: original }]);
    const [m] = sent.media;
    expect(m).toMatchObject({ contentType: "image/jpeg", width: 400, height: 600 });
    const stored = Buffer.from(await (await fetch(m!.temporaryUrl)).arrayBuffer());
    expect(m!.size).toBe(stored.length);
    expect(m!.sha256).toBe(sha256(stored));
    expect(stored.length).toBeLessThan(original.length);
    expect(await exifr.gps(stored)).toBeUndefined();
    expect(await exifr.parse(stored, { tiff: true, exif: true, gps: true, translateValues: false })).toEqual({
      Orientation: 6,
    });
    for (const secret of ["Acme", "SN-0042"]) expect(stored.includes(secret)).toBe(false);
    const raw = (b: Buffer) => sharp(b).raw().toBuffer();
    expect((await raw(stored)).equals(await raw(original))).toBe(true);
  });

  it("stores a PNG without its eXIf/tEXt chunks", async () => {
    const png = await noise(64, 32).png().withExif(GPS_EXIF).toBuffer();
    const withText = Buffer.concat([
      png.subarray(0, 33),
      pngChunk("tEXt", Buffer.from("Comment\0at home, 51.5N", "latin1")),
      png.subarray(33),
    ]);
    const [m] = (await send([{ filename: "shot.png", body: withText }])).media;
    const stored = Buffer.from(await (await fetch(m!.temporaryUrl)).arrayBuffer());
    expect(stored.includes("eXIf")).toBe(false);
    expect(stored.includes("tEXt")).toBe(false);
    expect(stored.includes("Acme")).toBe(false);
    expect(m).toMatchObject({ width: 64, height: 32, size: stored.length, sha256: sha256(stored) });
  });

  it("makes previews and a placeholder after the send, announces them with reason MEDIA, serves them to participants only", async () => {
    const client = wsClient(t.url, await t.token("bob"));
    const updates = collect<{ messageUpdated: { reasons: string[]; message: { id: string } } }>(
      client,
      `subscription($c: ID!) { messageUpdated(conversationId: $c) { reasons message { id } } }`,
      { c: conversationId },
    );
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    const sent = await send([
      { filename: "big.jpg", body: await noise(1600, 1200).jpeg().withMetadata({ orientation: 6 }).toBuffer() },
    ]);
    type Got = { message: { media: { placeholder: string | null; preview: Record<string, string> | null }[] } };
    const got = await eventually(async () => {
      const res = await t.gql<Got>("bob", MESSAGE, { id: sent.id, size: 200 });
      const media = res.data!.message.media[0]!;
      if (!media.preview) throw new Error("no preview yet");
      return media;
    }, 20_000);
    const latencyMs = Date.now() - started;
    expect(latencyMs).toBeLessThan(20_000);
    expect(got.placeholder).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(got.preview).toMatchObject({ contentType: "image/webp", width: 96, height: 128 });
    const webp = Buffer.from(await (await fetch(got.preview!.temporaryUrl!)).arrayBuffer());
    const meta = await sharp(webp).metadata();
    expect(meta.format).toBe("webp");
    expect(Math.max(meta.width!, meta.height!)).toBeLessThanOrEqual(200);
    expect(Date.parse(got.preview!.temporaryUrlExpiresAt!) - Date.now()).toBeLessThanOrEqual(300_000);
    // Default 320 and the largest.
    const big = await t.gql<Got>("bob", MESSAGE, { id: sent.id, size: 1024 });
    expect(big.data!.message.media[0]!.preview).toMatchObject({ width: 768, height: 1024 });
    const bad = await t.gql("bob", MESSAGE, { id: sent.id, size: 2000 });
    expect(bad.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    // Not a participant: the message (and so its previews) is refused.
    const stranger = await t.gql("mallory", MESSAGE, { id: sent.id, size: 200 });
    expect(stranger.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    // Earlier messages' previews are announced too: find this one's.
    const update = await eventually(async () => {
      const u = updates.items.find((i) => i.messageUpdated.message.id === sent.id);
      if (!u) throw new Error("no messageUpdated for this message yet");
      return u;
    }, 20_000);
    expect(update.messageUpdated.reasons).toEqual(["MEDIA"]);
    updates.stop();
    await client.dispose();

    // Removing the message deletes its previews with it.
    const keys = await t.objects(`media/${conversationId}/${sent.media[0]!.id}`, { previews: true });
    expect(keys.filter((k) => k.includes(".preview-")).length).toBe(8);
    const removed = await t.gql("alice", `mutation($id: ID!) { removeMessage(id: $id) { id } }`, { id: sent.id });
    expect(removed.errors).toBeUndefined();
    expect(await t.objects(`media/${conversationId}/${sent.media[0]!.id}`, { previews: true })).toEqual([]);
  });

  it("refuses a decompression bomb a preview, keeping the message and its original", async () => {
    const bomb = Buffer.concat([
      PNG_SIGNATURE,
      pngChunk("IHDR", ihdr(60_000, 60_000, 0)),
      pngChunk("IDAT", deflateSync(Buffer.alloc(256 * 1024))),
      pngChunk("IEND", Buffer.alloc(0)),
    ]);
    const sent = await send([{ filename: "bomb.png", body: bomb }]);
    expect(sent.media[0]).toMatchObject({ width: 60_000, height: 60_000 });
    await eventually(async () => {
      const [row] = await t.sql`select preview_state from media where id = ${sent.media[0]!.id}`;
      if (row!.preview_state !== "failed") throw new Error(`still ${String(row!.preview_state)}`);
    }, 20_000);
    const res = await t.gql<{ message: { media: { preview: unknown }[] } }>("bob", MESSAGE, { id: sent.id, size: 320 });
    expect(res.data!.message.media[0]!.preview).toBeNull();
    const original = Buffer.from(await (await fetch(sent.media[0]!.temporaryUrl)).arrayBuffer());
    expect(original.equals(bomb)).toBe(true);
  });
});

// The same rules as the originals' temporaryUrl: participants only, and the URL stops working at
// temporaryUrlExpiresAt (MEDIA_URL_TTL_SECONDS short here, instead of waiting the default 300 s).
describe("preview URLs: participants only, and they expire", () => {
  let t: TestServer;
  let conversationId: string;
  beforeAll(async () => {
    t = await startTestServer({ env: { MEDIA_URL_TTL_SECONDS: "3", MEDIA_PREVIEW_TIMEOUT_SECONDS: "10" } });
    const res = await t.gql<{ createConversation: { id: string } }>(
      "alice",
      `mutation { createConversation(input: { participants: ["bob"] }) { id } }`,
    );
    conversationId = res.data!.createConversation.id;
  });
  afterAll(() => t?.close());

  type Preview = { width: number; height: number; temporaryUrl: string; temporaryUrlExpiresAt: string };
  type Got = { message: { media: { preview: Preview | null }[] } };
  const previewOf = async (who: string, id: string) => {
    const res = await t.gql<Got>(who, MESSAGE, { id, size: 320 });
    expect(res.errors).toBeUndefined();
    return res.data!.message.media[0]!.preview;
  };
  /** GET a URL: status and, for the disk store's refusals, the reason. */
  const get = async (url: string) => {
    const res = await fetch(url);
    const body = Buffer.from(await res.arrayBuffer());
    let reason: string | undefined;
    if (res.status === 403 && t.backend === "embedded") {
      // The contract's error shape, written by the API for the store's refusal.
      const { extensions } = (
        JSON.parse(body.toString()) as { errors: { extensions: { code: string; reason?: string } }[] }
      ).errors[0]!;
      expect(extensions.code).toBe("FORBIDDEN");
      reason = extensions.reason;
    }
    return { status: res.status, body, reason };
  };

  it("refuses a non-participant the message and mediaByIds, previews included", async () => {
    const res = await postMediaMessage(t.graphqlUrl, await t.token("alice"), SEND, conversationId, [
      { filename: "p.jpg", body: await noise(800, 600).jpeg().toBuffer() },
    ]);
    const sent = res.json.data!.sendMediaMessage as Sent;
    await eventually(async () => expect(await previewOf("bob", sent.id)).not.toBeNull(), 30_000);
    const message = await t.gql("mallory", MESSAGE, { id: sent.id, size: 320 });
    expect(message.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(message.data?.message ?? null).toBeNull();
    const byIds = await t.gql(
      "mallory",
      `query($ids: [ID!]!) { mediaByIds(ids: $ids) { id preview(maxSize: 320) { temporaryUrl } } }`,
      { ids: [sent.media[0]!.id] },
    );
    expect(byIds.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(JSON.stringify(byIds)).not.toContain("preview-");
  });

  it("serves a preview until temporaryUrlExpiresAt, then refuses it; a fresh read gives a working URL", async () => {
    const res = await postMediaMessage(t.graphqlUrl, await t.token("alice"), SEND, conversationId, [
      { filename: "q.jpg", body: await noise(900, 600).jpeg().toBuffer() },
    ]);
    const sent = res.json.data!.sendMediaMessage as Sent;
    const preview = await eventually(async () => {
      const p = await previewOf("bob", sent.id);
      if (!p) throw new Error("no preview yet");
      return p;
    }, 30_000);
    const lifetime = Date.parse(preview.temporaryUrlExpiresAt) - Date.now();
    expect(lifetime).toBeGreaterThan(0);
    expect(lifetime).toBeLessThanOrEqual(3_000);
    const fresh = await get(preview.temporaryUrl);
    expect(fresh.status).toBe(200);
    expect((await sharp(fresh.body).metadata()).format).toBe("webp");
    // An altered URL is refused too.
    const altered = preview.temporaryUrl.replace(/preview-320/, "preview-1024");
    expect(altered).not.toBe(preview.temporaryUrl);
    const tampered = await get(altered);
    expect(tampered.status).toBe(403);
    if (t.backend === "embedded") expect(tampered.reason).toBe("MEDIA_URL_INVALID");

    await new Promise((r) => setTimeout(r, Date.parse(preview.temporaryUrlExpiresAt) - Date.now() + 1500));
    const expired = await get(preview.temporaryUrl);
    expect(expired.status).toBe(403);
    if (t.backend === "embedded") expect(expired.reason).toBe("MEDIA_URL_EXPIRED");
    const again = await previewOf("bob", sent.id);
    expect(again!.temporaryUrl).not.toBe(preview.temporaryUrl);
    const renewed = await get(again!.temporaryUrl);
    expect(renewed.status).toBe(200);
    expect(renewed.body.equals(fresh.body)).toBe(true);
  });
});
