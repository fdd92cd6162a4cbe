import { createHash, randomBytes } from "node:crypto";
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DiskStore } from "@parley/storage";
import { startParley } from "../src/app.ts";
import { ConfigError, loadConfig } from "../src/config.ts";
import { UPLOAD_DIR_MARKER, UPLOAD_DIR_PREFIX } from "../src/upload-tmp-dir.ts";
import { readFixture, postMultipart, startServerProcess } from "@parley/testkit";

// The zero-dependency default: no DATABASE_URL, no S3_ENDPOINT, everything in DATA_DIR.
const dataDir = mkdtempSync(join(tmpdir(), "parley-embedded-restart-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const env = { PORT: "0", LOG_LEVEL: "silent", DATA_DIR: dataDir, AUTH_DEV_TOKENS: "true" };
const png = readFixture("photo.png");

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
    expect(parley.store).toBeInstanceOf(DiskStore);
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

/** Every entry under `dir` with its content's digest (files) or target (links), to compare before and after. */
function snapshot(dir: string, prefix = ""): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const stat = lstatSync(path);
    const key = `${prefix}${name}`;
    if (stat.isSymbolicLink()) out[key] = `-> ${readlinkSync(path)}`;
    else if (stat.isDirectory()) Object.assign(out, { [`${key}/`]: "dir" }, snapshot(path, `${key}/`));
    else out[key] = createHash("sha256").update(readFileSync(path)).digest("hex");
  }
  return out;
}

/** Parley's own buffer directories in `dir`: real directories with its marker. */
const ownDirs = (dir: string) =>
  readdirSync(dir).filter(
    (n) =>
      n.startsWith(UPLOAD_DIR_PREFIX) &&
      lstatSync(join(dir, n)).isDirectory() &&
      readdirSync(join(dir, n)).includes(UPLOAD_DIR_MARKER),
  );

// Review finding 7: UPLOAD_TMP_DIR was emptied recursively at every start. Set to DATA_DIR it wiped
// the database, the media and both keys; set to /tmp it would have emptied /tmp.
describe("UPLOAD_TMP_DIR: Parley deletes only what it created", () => {
  const root = mkdtempSync(join(tmpdir(), "parley-upload-tmp-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const secret = randomBytes(32).toString("hex");

  it("leaves foreign files in a shared UPLOAD_TMP_DIR through starts, a crash and a shutdown; sweeps a crashed process's buffers", async () => {
    // A shared directory such as /tmp, with files of others, one of them named like Parley's.
    const shared = join(root, "shared");
    mkdirSync(join(shared, "keep", "deeper"), { recursive: true });
    writeFileSync(join(shared, "foreign.txt"), "not Parley's");
    writeFileSync(join(shared, "keep", "deeper", "x.bin"), randomBytes(64));
    mkdirSync(join(shared, `${UPLOAD_DIR_PREFIX}lookalike`));
    writeFileSync(join(shared, `${UPLOAD_DIR_PREFIX}lookalike`, "data"), "no marker: not Parley's");
    // A link named like Parley's, to a directory with a stale-looking marker: never followed.
    const elsewhere = join(root, "elsewhere");
    mkdirSync(elsewhere);
    const stale = { kind: "parley-upload-buffers/1", pid: 2 ** 22 + 1, host: hostname(), startedAt: "" };
    writeFileSync(join(elsewhere, UPLOAD_DIR_MARKER), JSON.stringify(stale));
    writeFileSync(join(elsewhere, "precious"), "x");
    symlinkSync(elsewhere, join(shared, `${UPLOAD_DIR_PREFIX}looklink`));
    const foreign = snapshot(shared);
    const outside = snapshot(elsewhere);
    const env = { DATA_DIR: join(root, "data-shared"), AUTH_JWT_SECRET: secret, UPLOAD_TMP_DIR: shared };

    /** The shared directory without Parley's own directories in it. */
    const others = () => {
      const own = ownDirs(shared);
      return Object.fromEntries(
        Object.entries(snapshot(shared)).filter(([k]) => !own.some((d) => k.startsWith(`${d}/`))),
      );
    };

    const first = await startServerProcess(env);
    expect(others()).toEqual(foreign);
    expect(snapshot(elsewhere)).toEqual(outside);
    const [firstDir] = ownDirs(shared);
    expect(ownDirs(shared)).toHaveLength(1);
    expect(readdirSync(join(shared, firstDir!))).toEqual([UPLOAD_DIR_MARKER]);
    expect(statSync(join(shared, firstDir!)).mode & 0o777).toBe(0o700);
    // A buffer file the crash leaves behind.
    writeFileSync(join(shared, firstDir!, "capacitor-0123.tmp"), "plaintext in flight");
    await first.kill("SIGKILL");

    const second = await startServerProcess(env);
    try {
      expect(ownDirs(shared), second.output()).toHaveLength(1);
      expect(ownDirs(shared)).not.toContain(firstDir);
      expect(others()).toEqual(foreign);
      expect((await fetch(`${second.url}/healthz`)).status).toBe(200);
    } finally {
      expect(await second.kill("SIGTERM")).toBe(0);
    }
    // What remains is exactly what was there before Parley ever ran.
    expect(snapshot(shared)).toEqual(foreign);
    expect(snapshot(elsewhere)).toEqual(outside);
  }, 300_000);

  it("refuses to start with UPLOAD_TMP_DIR set to DATA_DIR, a directory holding it or a link to it, and leaves DATA_DIR as it was", async () => {
    const dataDir = join(root, "parent", "data");
    const env = { DATA_DIR: dataDir, AUTH_JWT_SECRET: secret };
    const first = await startServerProcess(env);
    const code = await first.kill("SIGTERM");
    expect(code, `${first.child.signalCode} ${first.output()}`).toBe(0);
    const before = snapshot(dataDir);
    // The database and both keys are there to be lost.
    expect(Object.keys(before)).toEqual(
      expect.arrayContaining(["db/", "media-encryption.key", "media-url-signing.key"]),
    );
    symlinkSync(dataDir, join(root, "link-to-data"));
    for (const uploadTmpDir of [dataDir, join(root, "parent"), join(root, "link-to-data")]) {
      const refused = await startServerProcess({ ...env, UPLOAD_TMP_DIR: uploadTmpDir }).then(
        (p) => p.kill("SIGKILL").then(() => "started"),
        (error: Error) => error.message,
      );
      expect(refused, uploadTmpDir).toMatch(/exited with 78/);
      expect(refused, uploadTmpDir).toMatch(/UPLOAD_TMP_DIR: must not be DATA_DIR or a directory that holds it/);
      expect(snapshot(dataDir), uploadTmpDir).toEqual(before);
    }
  }, 300_000);
});
