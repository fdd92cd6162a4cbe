import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startParley } from "../src/app.ts";
import { ConfigError, loadConfig } from "../src/config.ts";
import { postMultipart } from "./multipart.ts";

// The zero-dependency default: no DATABASE_URL, no S3_ENDPOINT, everything in DATA_DIR.
const dataDir = mkdtempSync(join(tmpdir(), "parley-embedded-restart-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const env = { PORT: "0", LOG_LEVEL: "silent", DATA_DIR: dataDir, AUTH_DEV_TOKENS: "true" };
const png = readFileSync(new URL("./fixtures/photo.png", import.meta.url));

async function devToken(url: string, identity: string) {
  const res = await fetch(`${url}/auth/dev-token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ identity }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

async function gql<T>(url: string, token: string, query: string, variables?: unknown) {
  const res = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data: T; errors?: unknown[] };
}

describe("embedded default (PGlite + encrypted disk store)", () => {
  it("signs in with dev tokens, keeps media across a restart, and serves byte ranges", async () => {
    let parley = await startParley(loadConfig(env));
    expect(parley.db.driver).toBe("pglite");
    expect(parley.store.kind).toBe("disk");
    const alice = await devToken(parley.url, "alice");
    const conv = await gql<{ createConversation: { id: string } }>(
      parley.url,
      alice,
      `mutation { createConversation(input: { participants: ["bob"] }) { id } }`,
    );
    const id = conv.data.createConversation.id;
    const sent = await postMultipart(
      `${parley.url}/graphql`,
      alice,
      {
        query: `mutation($i: SendMediaMessageInput!) { sendMediaMessage(input: $i) { id } }`,
        variables: { i: { conversationId: id, body: "kept", media: [{ file: null }] } },
      },
      [{ path: "variables.i.media.0.file", filename: "photo.png", body: png }],
    );
    expect(sent.json.errors).toBeUndefined();
    await parley.close();

    // Same DATA_DIR, new process state: the message, its media and the keys survive.
    parley = await startParley(loadConfig(env));
    try {
      const bob = await devToken(parley.url, "bob");
      const read = await gql<{
        conversation: {
          messages: { edges: { node: { body: string; media: { temporaryUrl: string; sha256: string }[] } }[] };
        };
      }>(
        parley.url,
        bob,
        `query($id: ID!) { conversation(id: $id) { messages { edges { node { body media { temporaryUrl sha256 } } } } } }`,
        { id },
      );
      const node = read.data.conversation.messages.edges[0]!.node;
      expect(node.body).toBe("kept");
      const url = node.media[0]!.temporaryUrl;
      expect(url.startsWith(`${parley.url}/media/`)).toBe(true);
      const whole = await fetch(url);
      expect(whole.headers.get("x-content-type-options")).toBe("nosniff");
      expect(whole.headers.get("access-control-allow-origin")).toBe("*");
      const bytes = Buffer.from(await whole.arrayBuffer());
      expect(createHash("sha256").update(bytes).digest("hex")).toBe(node.media[0]!.sha256);
      expect(bytes.equals(png)).toBe(true);
      const part = await fetch(url, { headers: { range: "bytes=100-199" } });
      expect(part.status).toBe(206);
      expect(part.headers.get("content-range")).toBe(`bytes 100-199/${png.length}`);
      expect(Buffer.from(await part.arrayBuffer()).equals(png.subarray(100, 200))).toBe(true);
      // The generated keys are private to the owner.
      expect(statSync(join(dataDir, "media-encryption.key")).mode & 0o777).toBe(0o600);
    } finally {
      await parley.close();
    }
  });

  it("refuses malformed dev-token requests, and has no dev-token route unless AUTH_DEV_TOKENS=true", async () => {
    const on = await startParley(loadConfig(env));
    try {
      const bad = await fetch(`${on.url}/auth/dev-token`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe(
        "BAD_USER_INPUT",
      );
    } finally {
      await on.close();
    }
    const off = await startParley(loadConfig({ ...env, AUTH_DEV_TOKENS: "false", AUTH_JWT_SECRET: "x".repeat(32) }));
    try {
      const res = await fetch(`${off.url}/auth/dev-token`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: '{"identity":"eve"}',
      });
      expect(res.status).toBe(404);
    } finally {
      await off.close();
    }
  });

  it("refuses to start with dev tokens on under NODE_ENV=production, or without a secret", () => {
    expect(() => loadConfig({ ...env, NODE_ENV: "production" })).toThrow(ConfigError);
    expect(() => loadConfig({ ...env, NODE_ENV: "production" })).toThrow(/AUTH_DEV_TOKENS/);
    expect(() => loadConfig({ PORT: "0" })).toThrow(/AUTH_JWT_SECRET/);
  });
});
