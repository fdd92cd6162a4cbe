// What a partner installs: the packed tarball, run by plain Node and type-checked by a strict
// TypeScript project, with no monorepo around it.
import { execFile, execFileSync, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { builtinModules, createRequire } from "node:module";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { chromiumExecutable, fixturePath } from "@parley/testkit";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256, startTestServer, type TestServer } from "./support.ts";

const packageDir = new URL("../", import.meta.url).pathname;
const fixture = fixturePath("report.pdf");
const require = createRequire(import.meta.url);
let dir: string;
let installed: string;
let manifest: {
  exports: Record<string, { types: string; default: string }>;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
};
let tarballPath: string;
let packed: string[];

beforeAll(() => {
  execFileSync("pnpm", ["run", "build"], { cwd: packageDir, stdio: "pipe" });
  dir = mkdtempSync(join(tmpdir(), "parley-partner-"));
  execFileSync("pnpm", ["pack", "--pack-destination", dir], { cwd: packageDir, stdio: "pipe" });
  const tarball = readdirSync(dir).find((f) => f.endsWith(".tgz"))!;
  tarballPath = join(dir, tarball);
  packed = execFileSync("tar", ["-tzf", join(dir, tarball)], { encoding: "utf8" })
    .trim()
    .split("\n");
  // Install as npm would: the package under node_modules, its dependencies beside it.
  installed = join(dir, "node_modules/@parley/client");
  mkdirSync(installed, { recursive: true });
  execFileSync("tar", ["-xzf", join(dir, tarball), "-C", installed, "--strip-components=1"]);
  manifest = JSON.parse(readFileSync(join(installed, "package.json"), "utf8")) as typeof manifest;
  for (const dep of [...Object.keys(manifest.dependencies), "ws", "@types/node"]) {
    const target = join(dir, "node_modules", dep);
    mkdirSync(dirname(target), { recursive: true });
    symlinkSync(realpathSync(join(packageDir, "node_modules", dep)), target);
  }
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module", private: true }));
}, 120_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the published package", () => {
  it("exports dist/ JavaScript and declarations, with plain semver dependencies", () => {
    expect(manifest.exports["."]).toEqual({ types: "./dist/index.d.ts", default: "./dist/index.js" });
    expect(manifest.exports["./node"]).toEqual({ types: "./dist/node.d.ts", default: "./dist/node.js" });
    for (const entry of Object.values(manifest.exports)) {
      expect(existsSync(join(installed, entry.types)), entry.types).toBe(true);
      expect(existsSync(join(installed, entry.default)), entry.default).toBe(true);
    }
    expect(Object.keys(manifest.dependencies).sort()).toEqual([
      "@graphql-typed-document-node/core",
      "graphql",
      "graphql-ws",
    ]);
    // For live events on Node.js 20 only, loaded only by "@parley/client/node": an optional peer.
    expect(manifest.peerDependencies).toEqual({ ws: expect.stringMatching(/^\^\d/) });
    expect(manifest.peerDependenciesMeta).toEqual({ ws: { optional: true } });
    for (const range of Object.values(manifest.dependencies)) expect(range).toMatch(/^\^\d/);
    expect(packed).toContain("package/CHANGELOG.md");
    expect(packed).toContain("package/README.md");
    expect(packed.filter((f) => /\/(test|examples)\//.test(f) || f.includes("codegen.ts"))).toEqual([]);
  });

  it("keeps Node built-ins out of everything the main entry loads", () => {
    const allowed = new Set(Object.keys(manifest.dependencies));
    const builtins = new Set(builtinModules);
    const seen = new Set<string>();
    const bare = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(file, "utf8");
      for (const m of source.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)["']([^"']+)["']/g)) {
        const spec = m[1]!;
        if (spec.startsWith(".")) visit(resolve(dirname(file), spec));
        else bare.add(spec);
      }
    };
    visit(join(installed, "dist/index.js"));
    expect(seen.size).toBeGreaterThan(10);
    for (const spec of bare) {
      expect(spec.startsWith("node:") || builtins.has(spec), `${spec} is a Node built-in`).toBe(false);
      expect(
        allowed.has(
          spec
            .split("/")
            .slice(0, spec.startsWith("@") ? 2 : 1)
            .join("/"),
        ),
        `${spec} is not a dependency`,
      ).toBe(true);
    }
    // The Node helpers are where Node built-ins (and the ws package) belong, and only there.
    expect(readFileSync(join(installed, "dist/node.js"), "utf8")).toMatch(/from "node:fs"/);
    // ws, an optional peer, is loaded on first use only (mediaFromPath works without it).
    expect(readFileSync(join(installed, "dist/node.js"), "utf8")).toMatch(/\("ws"\)/);
    expect(seen.has(join(installed, "dist/node.js"))).toBe(false);
    expect(bare.has("ws")).toBe(false);
    expect(allowed.has("ws")).toBe(false);
    expect(bare.has("graphql-ws/client")).toBe(true);
  });

  it("type-checks a strict partner project, browser (DOM) and Node flavours", () => {
    writeFileSync(
      join(dir, "partner.ts"),
      `import { createClient, ParleyError, type Message, type UploadProgress } from "@parley/client";
export async function send(file: Blob): Promise<Message> {
  const client = createClient({ url: "https://parley.example.com", getToken: async () => "jwt" });
  const conversation = client.conversation("c1");
  // Twilio's chain: build() is synchronous, so .build().send() type-checks.
  const chained: Message = await conversation.prepareMessage().setBody("hi").build().send();
  const direct: Message = await conversation.prepareMessage().setBody("hi").buildAndSend({ signal: AbortSignal.timeout(1000) });
  void [chained, direct];
  const unsent = conversation.prepareMessage().setBody("hi").addMedia({ media: file, filename: "a.png" }).build();
  const message = await unsent.send({ onProgress: (p: UploadProgress) => void p.files[0]?.loaded });
  const size: number = message.media[0]!.size;
  const url: string = await message.media[0]!.getContentTemporaryUrl();
  // @ts-expect-error body is string | null, not a number: the types are real, not any
  const wrong: number = message.body;
  void [size, url, wrong, ParleyError];
  return message;
}
export function live(client: ReturnType<typeof createClient>): () => void {
  const conversation = client.conversation("c1");
  const offAdded = conversation.on("messageAdded", (m: Message) => void m.index, { after: 3 });
  const offUpdated = conversation.on("messageUpdated", ({ message, reasons }) => void [message.body, reasons[0]]);
  const offRemoved = conversation.on("messageRemoved", (r) => void r.removedAt.getTime());
  conversation.on("error", (e: ParleyError) => void e.code);
  client.on("connectionStateChanged", (state) => void state);
  // @ts-expect-error events are named, not any string
  conversation.on("messageAdd", () => {});
  return () => [offAdded, offUpdated, offRemoved].forEach((off) => off());
}
`,
    );
    writeFileSync(
      join(dir, "partner-node.ts"),
      `import { createReadStream } from "node:fs";
import { createClient, isParleyError } from "@parley/client";
import { mediaFromPath, WebSocket } from "@parley/client/node";
const client = createClient({ url: "http://127.0.0.1:4000", token: "jwt", webSocketImpl: WebSocket });
const unsent = await client.conversation("c1").prepareMessage()
  .addMedia(await mediaFromPath("./a.pdf"))
  .addMedia({ media: createReadStream("./b.bin"), size: 10 })
  .addMedia({ media: Buffer.from("hello"), filename: "c.txt" })
  .build();
try { await unsent.send(); } catch (e) { if (isParleyError(e, "PAYLOAD_TOO_LARGE")) console.log(e.status); }
`,
    );
    const base = {
      strict: true,
      noEmit: true,
      module: "nodenext",
      moduleResolution: "nodenext",
      target: "es2022",
      skipLibCheck: false,
      noUncheckedIndexedAccess: true,
    };
    const tsc = require.resolve("typescript/bin/tsc");
    for (const [name, compilerOptions, files] of [
      ["browser", { ...base, lib: ["es2022", "dom", "dom.iterable"], types: [] }, ["partner.ts"]],
      ["node", { ...base, lib: ["es2022"], types: ["node"] }, ["partner.ts", "partner-node.ts"]],
    ] as const) {
      writeFileSync(join(dir, `tsconfig.${name}.json`), JSON.stringify({ compilerOptions, files }));
      const run = spawnSync(process.execPath, [tsc, "-p", `tsconfig.${name}.json`], { cwd: dir, encoding: "utf8" });
      expect(run.stdout + run.stderr, name).toBe("");
      expect(run.status, name).toBe(0);
    }
  }, 180_000); // two full tsc runs: slow on a busy 2-core machine

  describe("run by plain Node against a real server", () => {
    let t: TestServer;
    beforeAll(async () => {
      t = await startTestServer();
    });
    afterAll(() => t?.close());

    it("sends a media message with progress from a file path and downloads it intact", async () => {
      const token = await t.token("alice");
      writeFileSync(
        join(dir, "partner.mjs"),
        `import { createClient } from "@parley/client";
import { mediaFromPath } from "@parley/client/node";
const [url, token, path] = process.argv.slice(2);
const client = createClient({ url, token });
const conversation = await client.createConversation({ friendlyName: "from the tarball" });
const progress = [];
const unsent = await client.conversation(conversation.id).prepareMessage().setBody("packed").addMedia(await mediaFromPath(path)).build();
const message = await unsent.send({ onProgress: (p) => progress.push(p.loaded) });
const res = await fetch(await message.media[0].getContentTemporaryUrl());
const bytes = Buffer.from(await res.arrayBuffer());
console.log(JSON.stringify({ id: message.id, progress, media: message.media[0], downloaded: bytes.toString("base64") }));
`,
      );
      // Asynchronously: the server runs in this process and must keep answering.
      const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
        const child = execFile(
          process.execPath,
          ["partner.mjs", t.url, token, fixture],
          { cwd: dir, timeout: 30_000 },
          (error, stdout, stderr) => done({ code: error ? (child.exitCode ?? 1) : 0, stdout, stderr }),
        );
      });
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      const out = JSON.parse(run.stdout) as {
        id: string;
        progress: number[];
        media: { sha256: string; filename: string };
        downloaded: string;
      };
      const original = readFileSync(fixture);
      expect(out.progress.at(-1)).toBe(original.length);
      expect(out.media).toMatchObject({ filename: "report.pdf", sha256: sha256(original) });
      expect(sha256(Buffer.from(out.downloaded, "base64"))).toBe(sha256(original));
      const rows = await t.sql`select body from messages where id = ${out.id}`;
      expect(rows).toEqual([{ body: "packed" }]);
    });

    for (const how of ["file:", "tarball"] as const) {
      it(`installs with npm (${how}) into an empty Node project, which sends a file and downloads it intact`, async () => {
        const project = mkdtempSync(join(tmpdir(), "parley-npm-"));
        try {
          writeFileSync(
            join(project, "package.json"),
            JSON.stringify({ name: "partner-app", private: true, type: "module" }),
          );
          await npmInstall(project, how);
          writeFileSync(
            join(project, "send.mjs"),
            `import { createClient } from "@parley/client";
import { mediaFromPath } from "@parley/client/node";
import { createHash } from "node:crypto";
const [url, token, path] = process.argv.slice(2);
const client = createClient({ url, token });
const { id } = await client.createConversation();
const message = await client.conversation(id).prepareMessage().setBody("installed").addMedia(await mediaFromPath(path)).build().send();
const urls = await message.getTemporaryContentUrlsForAttachedMedia();
const bytes = new Uint8Array(await (await fetch(urls.get(message.media[0].id))).arrayBuffer());
console.log(JSON.stringify({ id: message.id, sha256: message.media[0].sha256, downloaded: createHash("sha256").update(bytes).digest("hex") }));
`,
          );
          const out = await sendFixture<{ id: string; sha256: string; downloaded: string }>(project, "send.mjs");
          const original = sha256(readFileSync(fixture));
          expect(out).toEqual({ id: expect.any(String), sha256: original, downloaded: original });
          expect(await t.sql`select body from messages where id = ${out.id}`).toEqual([{ body: "installed" }]);
        } finally {
          rmSync(project, { recursive: true, force: true });
        }
      }, 240_000);

      it(`installs with npm (${how}) into a Vite 7 project, whose production build sends a file from Chromium and downloads it intact`, async () => {
        const project = mkdtempSync(join(tmpdir(), "parley-vite-"));
        let site: Server | undefined;
        let browser: Browser | undefined;
        try {
          writeFileSync(
            join(project, "package.json"),
            JSON.stringify({ name: "partner-web-app", private: true, type: "module" }),
          );
          await npmInstall(project, how, "vite@7");
          writeFileSync(
            join(project, "index.html"),
            '<!doctype html><title>partner</title><script type="module" src="/main.js"></script>',
          );
          writeFileSync(
            join(project, "main.js"),
            `import { createClient } from "@parley/client";
const hex = (buffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");
globalThis.partner = async (url, token) => {
  const client = createClient({ url, token });
  const { id } = await client.createConversation();
  const bytes = new Uint8Array(300_000);
  for (let i = 0; i < bytes.length; i += 65_536) crypto.getRandomValues(bytes.subarray(i, i + 65_536));
  const progress = [];
  const message = await client.conversation(id).prepareMessage().setBody("vite")
    .addMedia(new File([bytes], "random.bin")).build().send({ onProgress: (p) => progress.push(p.loaded) });
  const urls = await message.getTemporaryContentUrlsForAttachedMedia();
  const downloaded = await (await fetch(urls.get(message.media[0].id))).arrayBuffer();
  return { id: message.id, size: message.media[0].size, sha256: message.media[0].sha256, sent: hex(await crypto.subtle.digest("SHA-256", bytes)),
    downloaded: hex(await crypto.subtle.digest("SHA-256", downloaded)), progress: progress.at(-1) };
};
`,
          );
          const vite = join(project, "node_modules/vite/bin/vite.js");
          const version = await runAsync(process.execPath, [vite, "--version"], project, 30_000);
          expect(version.stdout).toMatch(/^vite\/7\./);
          const build = await runAsync(process.execPath, [vite, "build"], project, 180_000);
          expect(build.code, build.stderr).toBe(0);
          // A Node built-in reached from the main entry would be externalized with this warning.
          expect(build.stdout + build.stderr).not.toMatch(/externalized for browser compatibility/);
          // The entry chunk is what the page loads; graphql's printer is a chunk of its own, loaded only
          // for a DocumentNode passed to client.request() (the SDK's own operations are strings).
          const entry = /src="\/assets\/([^"]+\.js)"/.exec(readFileSync(join(project, "dist/index.html"), "utf8"))![1]!;
          const chunks = readdirSync(join(project, "dist/assets")).filter((f) => f.endsWith(".js"));
          const sizes = chunks.map((f) => {
            const bytes = readFileSync(join(project, "dist/assets", f));
            return `${f === entry ? "entry" : f.replace(/-[\w-]+\.js$/, "")} ${bytes.length} bytes, ${gzipSync(bytes).length} gzipped`;
          });
          console.info(`vite 7 build (${how}) of an app calling createClient and send: ${sizes.join("; ")}`);
          expect(chunks.filter((f) => f !== entry).map((f) => f.replace(/-[\w-]+\.js$/, ""))).toEqual(["graphql"]);
          // Served from another origin than the API, as partners do (CORS preflights included).
          const files = join(project, "dist");
          site = createServer((req, res) => {
            const path = req.url === "/" ? "/index.html" : req.url!;
            const type = path.endsWith(".js") ? "text/javascript" : "text/html";
            let body: Buffer;
            try {
              body = readFileSync(join(files, path));
            } catch {
              return void res.writeHead(404).end();
            }
            res.writeHead(200, { "content-type": type }).end(body);
          });
          site.listen(0, "127.0.0.1");
          await new Promise((r) => site!.once("listening", r));
          browser = await chromium.launch({
            executablePath: chromiumExecutable(),
            args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
          });
          const page = await browser.newPage();
          const errors: string[] = [];
          page.on("pageerror", (e) => errors.push(e.message));
          const scripts: string[] = [];
          page.on("request", (r) => void (r.url().endsWith(".js") && scripts.push(r.url().split("/").pop()!)));
          await page.goto(`http://127.0.0.1:${(site.address() as AddressInfo).port}/`);
          await page.waitForFunction(() => "partner" in globalThis);
          const token = await t.token("alice");
          const out = (await page.evaluate(
            ([url, jwt]) =>
              (globalThis as unknown as { partner: (u: string, j: string) => Promise<unknown> }).partner(url, jwt),
            [t.graphqlUrl, token] as const,
          )) as { id: string; size: number; sha256: string; sent: string; downloaded: string; progress: number };
          expect(out).toMatchObject({ size: 300_000, progress: 300_000 });
          expect(out.sha256).toBe(out.sent);
          expect(out.downloaded).toBe(out.sent);
          expect(errors).toEqual([]);
          expect(scripts).toEqual([entry]); // not the printer's chunk
          expect(await t.sql`select body from messages where id = ${out.id}`).toEqual([{ body: "vite" }]);
        } finally {
          await browser?.close();
          site?.close();
          rmSync(project, { recursive: true, force: true });
        }
      }, 300_000);
    }

    it("serves moduleResolution node10 (CommonJS): compiles against the Node entry and runs, sending a file", async () => {
      // typesVersions maps "@parley/client/node" for resolvers that ignore `exports`; the emitted
      // require() of the ESM package works on Node >= 20.19 (require(esm)).
      const project = join(dir, "node10");
      mkdirSync(project, { recursive: true });
      writeFileSync(join(project, "package.json"), JSON.stringify({ private: true, type: "commonjs" }));
      writeFileSync(
        join(project, "send.ts"),
        `import { createClient, type Message } from "@parley/client";
import { mediaFromPath } from "@parley/client/node";
export async function send(url: string, token: string, path: string): Promise<Message> {
  const client = createClient({ url, token });
  const { id } = await client.createConversation();
  return client.conversation(id).prepareMessage().setBody("node10").addMedia(await mediaFromPath(path)).buildAndSend();
}
const [url, token, path] = process.argv.slice(2);
send(url!, token!, path!).then((m) => console.log(JSON.stringify({ id: m.id, sha256: m.media[0]!.sha256 })));
`,
      );
      const compilerOptions = {
        strict: true,
        module: "commonjs",
        moduleResolution: "node10",
        target: "es2022",
        lib: ["es2022"],
        types: ["node"],
        skipLibCheck: false,
        outDir: "out",
      };
      writeFileSync(join(project, "tsconfig.json"), JSON.stringify({ compilerOptions, files: ["send.ts"] }));
      const tsc = await runAsync(
        process.execPath,
        [require.resolve("typescript/bin/tsc"), "-p", "."],
        project,
        120_000,
      );
      expect(tsc.stdout + tsc.stderr).toBe("");
      expect(tsc.code).toBe(0);
      expect(readFileSync(join(project, "out/send.js"), "utf8")).toContain('require("@parley/client/node")');
      const out = await sendFixture<{ id: string; sha256: string }>(project, "out/send.js");
      expect(out.sha256).toBe(sha256(readFileSync(fixture)));
      expect(await t.sql`select body from messages where id = ${out.id}`).toEqual([{ body: "node10" }]);
    }, 180_000);

    /** Runs `script` in `project` with the server's URL, alice's token and the fixture; its JSON output. */
    async function sendFixture<T>(project: string, script: string): Promise<T> {
      const run = await runAsync(process.execPath, [script, t.url, await t.token("alice"), fixture], project, 30_000);
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      return JSON.parse(run.stdout) as T;
    }

    it("runs live events with the ws WebSocket from the Node entry, and with the runtime's global WebSocket", async () => {
      writeFileSync(
        join(dir, "live.mjs"),
        `import { createClient } from "@parley/client";
const [url, alice, bob, mode] = process.argv.slice(2);
const webSocketImpl = mode === "node-entry" ? (await import("@parley/client/node")).WebSocket : undefined;
const sender = createClient({ url, token: alice });
const receiver = createClient({ url, token: bob, webSocketImpl });
const { id } = await sender.createConversation({ participants: ["bob"] });
const added = [];
const updates = [];
const done = new Promise((resolve) => {
  receiver.conversation(id).on("messageAdded", (m) => added.push(m.index), { after: -1 });
  receiver.conversation(id).on("messageUpdated", (u) => { updates.push([u.message.body, u.reasons]); resolve(); });
});
const sent = [];
for (const body of ["one", "two", "three"]) sent.push(await sender.conversation(id).sendMessage(body));
while (receiver.connectionState !== "connected") await new Promise((r) => setTimeout(r, 50));
await new Promise((r) => setTimeout(r, 300));
await sent[1].updateBody("two, edited");
await done;
await receiver.close();
console.log(JSON.stringify({ added, updates, state: receiver.connectionState }));
`,
      );
      const hasGlobal = typeof (globalThis as { WebSocket?: unknown }).WebSocket !== "undefined";
      const tokens = [await t.token("alice"), await t.token("bob")];
      for (const [mode, flags] of [
        ["node-entry", []],
        // Node 20 has its (undici) WebSocket behind a flag; Node 22 and later have it on.
        ["global", hasGlobal ? [] : ["--experimental-websocket"]],
      ] as const) {
        const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
          const child = execFile(
            process.execPath,
            [...flags, "live.mjs", t.url, ...tokens, mode],
            { cwd: dir, timeout: 30_000, env: { ...process.env, NODE_NO_WARNINGS: "1" } },
            (error, stdout, stderr) => done({ code: error ? (child.exitCode ?? 1) : 0, stdout, stderr }),
          );
        });
        expect(run.stderr, mode).toBe("");
        expect(run.code, mode).toBe(0);
        expect(JSON.parse(run.stdout), mode).toEqual({
          added: [0, 1, 2],
          updates: [["two, edited", ["BODY"]]],
          state: "disconnected",
        });
      }
    });
  });
});

/** npm install of the client (a `file:` directory or the packed tarball), and `extra` packages from the registry. */
async function npmInstall(project: string, how: "file:" | "tarball", ...extra: string[]): Promise<void> {
  const spec = how === "file:" ? `file:${packageDir}` : tarballPath;
  const install = await runAsync(
    "npm",
    ["install", "--no-audit", "--no-fund", "--prefer-offline", spec, ...extra],
    project,
    180_000,
  );
  expect(install.code, install.stderr).toBe(0);
}

/** Runs a command without blocking the event loop (the test server runs in this process). */
function runAsync(
  command: string,
  args: string[],
  cwd: string,
  timeout: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = execFile(
      command,
      args,
      { cwd, timeout, env: { ...process.env, NODE_NO_WARNINGS: "1" } },
      (error, stdout, stderr) => done({ code: error ? (child.exitCode ?? 1) : 0, stdout, stderr }),
    );
  });
}
