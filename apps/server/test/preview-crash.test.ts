// A preview worker killed mid-job: SIGKILL of the real server process (src/main.ts) while it renders
// a large PNG, then a restart. The job, still "active" in pgboss.job, expires and is run again by the
// restarted instance; the copy of the original the dead job left behind is gone. Runs on both backends.
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backend } from "./harness.ts";
import { largePng } from "./png.ts";
import { eventually, gqlAt, listDir, processBackend, startServer, type ProcessBackend } from "./process-backend.ts";
import { postMediaMessage, type ServerProcess } from "@parley/testkit";

const SEND = `mutation($i: SendMediaMessageInput!) { sendMediaMessage(input: $i) { id media { id width height } } }`;
const PREVIEW = `query($id: ID!) { message(id: $id) { media { preview(maxSize: 1024) { width height temporaryUrl } } } }`;
const SIDE = 9000;

describe("SIGKILL while a preview is being made, then a restart", () => {
  let pb: ProcessBackend;
  let first: ServerProcess | undefined;
  let second: ServerProcess | undefined;
  let token = "";
  let messageId = "";
  let copyAtKill: string[] = [];
  // A job's time limit is 2 × 10 + 15 s: the dead worker's job is retried within that plus one
  // maintenance interval (15 s) after it started.
  const env = () => ({ ...pb.env, MEDIA_PREVIEW_TIMEOUT_SECONDS: "10", MEDIA_ORPHAN_GRACE_SECONDS: "3600" });
  /** Temporary copies of originals: `previews/` in each process's own upload directory. */
  const copies = () =>
    listDir(pb.uploadTmpDir)
      .filter((d) => d.startsWith("parley-uploads-"))
      .flatMap((d) => listDir(join(pb.uploadTmpDir, d, "previews")).map((f) => join(d, "previews", f)));

  beforeAll(async () => {
    pb = await processBackend(backend);
    first = await startServer(env());
    token = await pb.token("alice");
    const created = await gqlAt<{ createConversation: { id: string } }>(
      first.url,
      token,
      `mutation { createConversation(input: {}) { id } }`,
    );
    const png = await largePng(SIDE);
    const res = await postMediaMessage(`${first.url}/graphql`, token, SEND, created.data!.createConversation.id, [
      { filename: "large.png", body: png },
    ]);
    expect(res.json.errors).toBeUndefined();
    const sent = res.json.data!.sendMediaMessage as { id: string; media: { width: number; height: number }[] };
    expect(sent.media[0]).toMatchObject({ width: SIDE, height: SIDE });
    messageId = sent.id;
    // The job has started once it copies the original into its temporary file; kill it there.
    await eventually(
      async () => {
        copyAtKill = copies();
        expect(copyAtKill.length).toBe(1);
      },
      30_000,
      10,
    );
    await first.kill("SIGKILL");
    second = await startServer(env());
  }, 180_000);

  afterAll(async () => {
    await first?.kill("SIGKILL");
    await second?.kill("SIGTERM");
    await pb?.cleanup();
  });

  it("the first process died in the middle of the job", () => {
    expect(first!.child.signalCode).toBe("SIGKILL");
    expect(copyAtKill).toHaveLength(1);
    expect(first!.output()).not.toMatch(/preview job done/);
  });

  it("the copy of the original the dead job left is gone after the restart", () => {
    expect(copies()).not.toContain(copyAtKill[0]);
    expect(listDir(pb.uploadTmpDir)).not.toContain(copyAtKill[0]!.split("/")[0]);
  });

  it("the restarted instance finishes the job: the preview appears and decodes as WebP within maxSize", async () => {
    const preview = await eventually(
      async () => {
        const res = await gqlAt<{
          message: { media: { preview: { width: number; height: number; temporaryUrl: string } | null }[] };
        }>(second!.url, token, PREVIEW, { id: messageId });
        const p = res.data?.message.media[0]?.preview;
        if (!p) throw new Error(`no preview yet: ${JSON.stringify(res)}`);
        return p;
      },
      90_000,
      500,
    );
    expect(preview).toMatchObject({ width: 1024, height: 1024 });
    const webp = Buffer.from(await (await fetch(preview.temporaryUrl)).arrayBuffer());
    const meta = await sharp(webp).metadata();
    expect(meta).toMatchObject({ format: "webp", width: 1024, height: 1024 });
    expect(second!.output()).toMatch(/"outcome":"ready"[^\n]*"msg":"preview job done"/);
  }, 120_000);
});
