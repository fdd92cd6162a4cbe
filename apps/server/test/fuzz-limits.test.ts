// Property-based fuzzing, round two (issue 17): what fuzz.test.ts did not generate.
// - values at and one past every length limit, counted after encoding (code points, UTF-8 bytes of
//   JSON): at the limit they are stored exactly, past it refused with BAD_USER_INPUT, storing nothing;
// - filenames and declared types near their limits, sent every way a client can (MediaInput, the
//   part's quoted filename, RFC 5987 filename*): the send works, temporaryUrl serves the exact bytes
//   with a Content-Disposition that fits, and the history page is never null;
// - token claims of every shape (iss, aud, sub, exp, nbf, iat, alg, crit, signature), over HTTP and
//   WebSocket, against a model of what must be accepted;
// - cursors and ids of every shape: a contract code or a page, never INTERNAL_SERVER_ERROR or null.
// Fan-out (answer sizes, /healthz stalls) is fuzz-fanout.test.ts's.
//
// Reproduce a failure: PARLEY_FUZZ_SEED=<seed> npx vitest run test/fuzz-limits.test.ts;
// PARLEY_FUZZ_RUNS=<factor> for a longer run (fuzz-kit.ts).
import { createHash, createHmac, randomBytes } from "node:crypto";
import fc from "fast-check";
import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { sanitizeFilename } from "../src/media/filename.ts";
import { startTestServer, type TestServer } from "./harness.ts";
import { rawRequest } from "./raw-http.ts";
import {
  ATTRIBUTES_MAX,
  attributesOf,
  BODY_MAX,
  check,
  codeOfAnswer,
  describeAnswer,
  expectContractAnswer,
  type Gql,
  labelled,
  multipart,
  scaledRuns,
} from "./fuzz-kit.ts";
import { readFixture } from "@parley/testkit";

const RUNS = scaledRuns({ values: 24, filenames: 12, tokens: 80, cursors: 60, ids: 50 });

const ISSUER = "https://parley.example";
const AUDIENCE = "parley";
const NAME_MAX = 256;
const FILENAME_MAX_BYTES = 255;
const SIGNED_HEADER_MAX = 1024;

const codePoints = (s: string) => [...s].length;
/** What PostgreSQL stores for a string: lone surrogates become U+FFFD (String.prototype.toWellFormed). */
const wellFormed = (s: string) => s.replace(/\p{Cs}/gu, "\ufffd");

// Characters by how encoding grows them: UTF-16 units, UTF-8 bytes, JSON escapes, percent-encoding.
const WIDE = [
  "a",
  "Z",
  "0",
  "%",
  "(",
  ")",
  "'",
  "*",
  " ",
  ".",
  "-",
  "é",
  "ß",
  "中",
  "한",
  "😀",
  "𝄞",
  "\u0301",
  "\u00a0",
];
const ESCAPED = ['"', "\\", "\n", "\t", "\u0001", "\u001f", "\u007f", "\u2028", "\ufeff"];
const BIDI = ["\u202e", "\u2066", "\u200f"];
const LONE = ["\ud800", "\udfff"];

/** `n` code points cycling through `chars`. */
function ofLength(chars: readonly string[], n: number): string {
  let out = "";
  for (let i = 0; i < n; i++) out += chars[i % chars.length];
  return out;
}

/** What a quoted-string in a part head can carry: no quote, backslash or control characters (browsers replace them). */
// eslint-disable-next-line no-control-regex
const quotable = (name: string) => wellFormed(name).replace(/["\\\u0000-\u001f\u007f]/g, "_");

/** RFC 5987 value, as a client library encodes it. */
const encode5987 = (s: string) =>
  encodeURIComponent(s).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

// ---------------------------------------------------------------------------------------------
// One in-process server for the values, filenames, tokens, cursors and ids.

let t: TestServer;
let conv = "";
let alice = "";
const messageIds: string[] = [];
const png = readFixture("photo.png");

beforeAll(async () => {
  t = await startTestServer({
    // Stored bytes stay the sent bytes (no metadata stripping), so URLs can be checked byte for byte.
    env: {
      AUTH_ISSUER: ISSUER,
      AUTH_AUDIENCE: AUDIENCE,
      RATE_LIMIT_MESSAGES_PER_MINUTE: "0",
      MEDIA_STRIP_METADATA: "false",
    },
  });
  alice = await t.token("alice");
  const created = await gql(`mutation { createConversation(input: { participants: ["bob"] }) { id } }`);
  conv = (created.json.data!.createConversation as { id: string }).id;
  for (let i = 0; i < 5; i++) {
    const sent = await gql(`mutation($i: SendMessageInput!) { sendMessage(input: $i) { id } }`, {
      i: { conversationId: conv, body: `message ${i}` },
    });
    messageIds.push((sent.json.data!.sendMessage as { id: string }).id);
  }
});
afterAll(() => t?.close());

async function gql(query: string, variables?: unknown, token: string | null = alice): Promise<Gql> {
  const res = await rawRequest(t.url, {
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  expect(res, `no answer to ${query.slice(0, 80)}`).not.toBeNull();
  return { status: res!.status, json: res!.json as Gql["json"] };
}

const codeOf = (r: Gql) => r.json.errors?.[0]?.extensions?.code;

// ---------------------------------------------------------------------------------------------

describe("fuzz: values at every length limit, filenames, tokens, cursors and ids", () => {
  it("stores values at their length limit exactly and refuses them one past it, storing nothing", async () => {
    const FIELDS = [
      "body",
      "messageAttributes",
      "friendlyName",
      "uniqueName",
      "conversationAttributes",
      "identity",
      "participantAttributes",
      "idempotencyKey",
    ] as const;
    type Field = (typeof FIELDS)[number];
    const palette = (field: Field) =>
      field === "identity"
        ? WIDE.filter((c) => c !== "\u00a0")
        : field === "idempotencyKey"
          ? WIDE
          : [...WIDE, ...ESCAPED, ...BIDI];
    type Case = { field: Field; delta: number; wide: string; pick: number[]; key: string };
    const withChars = (c: Case) => {
      const allowed = palette(c.field);
      const chars = [allowed.includes(c.wide) ? c.wide : "😀", ...c.pick.map((i) => allowed[i % allowed.length]!)];
      return labelled(
        { ...c, chars },
        `${c.field} ${c.delta >= 0 ? "+" : ""}${c.delta} chars=${JSON.stringify(chars)} key=${JSON.stringify(c.key)}`,
      );
    };
    // Every field exactly at its limit and one past it, in astral characters (2 UTF-16 units, 4 bytes).
    const edges = FIELDS.flatMap((field) =>
      [0, 1].map((delta) => withChars({ field, delta, wide: "😀", pick: [], key: "😀" })),
    );
    const arb = fc
      .record({
        field: fc.constantFrom(...FIELDS),
        delta: fc.constantFrom(-1, 0, 0, 0, 1, 1, 7),
        // At least one character that encodes wider than it counts (astral, multi-byte, escaped).
        wide: fc.constantFrom("😀", "𝄞", "中", "é", "\u0301", '"', "\n", "\u0001"),
        pick: fc.array(fc.nat({ max: 1000 }), { maxLength: 3 }),
        key: fc.constantFrom("k", "clé", "中", "😀", 'q"uote', "a\nb"),
      })
      .map(withChars);
    let nonce = 0;
    await check(
      "values",
      arb,
      RUNS.values,
      async (c) => {
        const over = c.delta > 0;
        const text = (limit: number, prefix = "") => prefix + ofLength(c.chars, limit + c.delta - codePoints(prefix));
        const attributes = () => attributesOf(c.key, c.chars.join(""), ATTRIBUTES_MAX + c.delta);
        const counts = async () =>
          (
            await t.sql`select (select count(*)::int from messages) as m, (select count(*)::int from conversations) as c,
            (select count(*)::int from participants) as p`
          )[0];
        const before = await counts();
        let res: Gql;
        let readBack: () => Promise<unknown>;
        let expected: unknown;
        switch (c.field) {
          case "body":
          case "messageAttributes":
          case "idempotencyKey": {
            const input: Record<string, unknown> = { conversationId: conv, body: "x" };
            if (c.field === "body") input.body = expected = text(BODY_MAX);
            if (c.field === "messageAttributes") input.attributes = expected = attributes();
            if (c.field === "idempotencyKey") input.idempotencyKey = expected = text(256, `${nonce++}-`);
            const SEND = `mutation($i: SendMessageInput!) { sendMessage(input: $i) { id body attributes } }`;
            res = await gql(SEND, { i: input });
            readBack = async () => {
              const id = (res.json.data!.sendMessage as { id: string }).id;
              if (c.field === "idempotencyKey") {
                // The same key again is the same message.
                const again = await gql(SEND, { i: input });
                return (again.json.data?.sendMessage as { id?: string } | undefined)?.id === id ? expected : again.json;
              }
              const m = (await gql(`query($id: ID!) { message(id: $id) { body attributes } }`, { id })).json.data!
                .message as Record<string, unknown>;
              return c.field === "body" ? m.body : m.attributes;
            };
            break;
          }
          case "friendlyName":
          case "uniqueName":
          case "conversationAttributes": {
            const input: Record<string, unknown> = {};
            if (c.field === "friendlyName") input.friendlyName = expected = text(NAME_MAX);
            if (c.field === "uniqueName") input.uniqueName = expected = text(NAME_MAX, `${nonce++}-`);
            if (c.field === "conversationAttributes") input.attributes = expected = attributes();
            res = await gql(`mutation($i: CreateConversationInput!) { createConversation(input: $i) { id } }`, {
              i: input,
            });
            readBack = async () => {
              const id = (res.json.data!.createConversation as { id: string }).id;
              const r = (
                await gql(`query($id: ID!) { conversation(id: $id) { friendlyName uniqueName attributes } }`, { id })
              ).json.data!.conversation as Record<string, unknown>;
              return c.field === "conversationAttributes" ? r.attributes : r[c.field];
            };
            break;
          }
          case "identity":
          case "participantAttributes": {
            const identity = c.field === "identity" ? text(NAME_MAX, `${nonce++}-`) : `member-${nonce++}`;
            const input: Record<string, unknown> = { conversationId: conv, identity };
            expected = identity;
            if (c.field === "participantAttributes") input.attributes = expected = attributes();
            res = await gql(`mutation($i: AddParticipantInput!) { addParticipant(input: $i) { id } }`, { i: input });
            readBack = async () => {
              const list = (
                await gql(`query($id: ID!) { conversation(id: $id) { participants { identity attributes } } }`, {
                  id: conv,
                })
              ).json.data!.conversation as { participants: { identity: string; attributes: unknown }[] };
              const p = list.participants.find((x) => x.identity === identity);
              return c.field === "identity" ? p?.identity : p?.attributes;
            };
            break;
          }
        }
        const where = `${c.label} -> ${JSON.stringify(res.json).slice(0, 300)}`;
        if (over) {
          expect(codeOf(res), where).toBe("BAD_USER_INPUT");
          expect(await counts(), `rows after ${where}`).toEqual(before);
        } else {
          expect(res.json.errors, where).toBeUndefined();
          expect(await readBack(), where).toEqual(expected);
        }
      },
      edges,
    );
  });

  it("signs every filename and declared type, however it was sent and encoded; the history loads", async () => {
    const ROUTES = ["input", "quoted", "star", "inputOverPart"] as const;
    const nameArb = fc.oneof(
      {
        weight: 4,
        arbitrary: fc
          .record({
            pick: fc.array(fc.nat({ max: 1000 }), { minLength: 1, maxLength: 4 }),
            bytes: fc.integer({ min: 200, max: 320 }),
            ext: fc.constantFrom("", ".txt", ".png", ".tar.gz", ".😀", ".PDF"),
            prefix: fc.constantFrom("", "", "dir/", "..\\x\\", "/abs/"),
          })
          .map(({ pick, bytes, ext, prefix }) => {
            const all = [...WIDE, ...ESCAPED, ...BIDI, ...LONE];
            const chars = pick.map((i) => all[i % all.length]!);
            let name = prefix;
            for (let i = 0; Buffer.byteLength(name + ext) < bytes; i++) name += chars[i % chars.length];
            return name + ext;
          }),
      },
      { weight: 1, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 300 }) },
    );
    const typeArb = fc.oneof(
      fc.constant(undefined),
      fc.constantFrom("text/plain", "Application/X-Custom; charset=utf-8", "image/png", "text/html"),
      fc.integer({ min: 1, max: 126 }).map((n) => `application/${"x".repeat(n)}`),
      fc.integer({ min: 1, max: 40 }).map((n) => `text/plain; name="${"%".repeat(n * 20)}"`),
    );
    const arb = fc
      .array(
        fc.record({
          name: nameArb,
          route: fc.constantFrom(...ROUTES),
          type: typeArb,
          png: fc.boolean(),
          typeIn: fc.constantFrom("input", "part"),
        }),
        { minLength: 1, maxLength: 3 },
      )
      .map((files) =>
        labelled(
          { files },
          files
            .map(
              (f) =>
                `${f.route}:${JSON.stringify(f.name).slice(0, 80)} type(${f.typeIn})=${f.type ?? "-"}${f.png ? " png" : ""}`,
            )
            .join(" | "),
        ),
      );
    const SEND = `mutation($i: SendMediaMessageInput!) { sendMediaMessage(input: $i) { id media { filename contentType size sha256 temporaryUrl } } }`;
    const HISTORY = `query($id: ID!) { conversation(id: $id) { id messages(last: 3) { edges { cursor node { id index body attributes
      media { id filename contentType size sha256 temporaryUrl temporaryUrlExpiresAt width height placeholder preview { temporaryUrl } } } } } } }`;
    await check("filenames", arb, RUNS.filenames, async ({ files, label }) => {
      const bytes = files.map((f, i) =>
        f.png ? png : Buffer.concat([Buffer.from([0xfe, 0xed, i]), randomBytes(200)]),
      );
      const media = files.map((f) => ({
        file: null,
        ...(f.route === "input" || f.route === "inputOverPart" ? { filename: f.name } : {}),
        ...(f.type !== undefined && f.typeIn === "input" ? { contentType: f.type } : {}),
      }));
      const operations = { query: SEND, variables: { i: { conversationId: conv, media } } };
      const map = Object.fromEntries(files.map((_, i) => [String(i), [`variables.i.media.${i}.file`]]));
      const parts = files.map((f, i) => {
        const name = wellFormed(f.name);
        const disposition =
          f.route === "quoted"
            ? `; filename="${quotable(f.name)}"`
            : f.route === "star"
              ? `; filename="fallback.bin"; filename*=UTF-8''${encode5987(name)}`
              : `; filename="part-name.bin"`;
        const type = f.type !== undefined && f.typeIn === "part" ? f.type : "application/octet-stream";
        return {
          name: String(i),
          value: bytes[i]!,
          rawHead: `Content-Disposition: form-data; name="${i}"${disposition}\r\nContent-Type: ${type}`,
        };
      });
      const res = await rawRequest(t.url, {
        headers: {
          "content-type": "multipart/form-data; boundary=names",
          "apollo-require-preflight": "true",
          authorization: `Bearer ${alice}`,
        },
        body: multipart("names", [
          { name: "operations", value: JSON.stringify(operations) },
          { name: "map", value: JSON.stringify(map) },
          ...parts,
        ]),
      });
      const where = `${label} -> ${describeAnswer(res)}`;
      expectContractAnswer(res, { mutation: false, label });
      const answer = res!.json as Gql["json"];
      expect(answer.errors, where).toBeUndefined();
      const stored = (
        answer.data!.sendMediaMessage as {
          media: { filename: string | null; contentType: string; temporaryUrl: string; sha256: string }[];
        }
      ).media;
      for (const [i, f] of files.entries()) {
        const sent = f.route === "quoted" ? quotable(f.name) : f.route === "star" ? wellFormed(f.name) : f.name;
        const name = stored[i]!.filename;
        const expectedName = sanitizeFilename(sent);
        expect(name, `${where} [${i}]`).toBe(expectedName === null ? null : wellFormed(expectedName));
        if (name !== null) {
          expect(Buffer.byteLength(name), where).toBeLessThanOrEqual(FILENAME_MAX_BYTES);
          // eslint-disable-next-line no-control-regex
          expect(name, where).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069/\\]/);
        }
        const declared = f.type?.split(";")[0]!.trim().toLowerCase();
        expect(stored[i]!.contentType, where).toBe(f.png ? "image/png" : (declared ?? "application/octet-stream"));
        expect(stored[i]!.sha256, where).toBe(createHash("sha256").update(bytes[i]!).digest("hex"));
      }
      // The history page: never null, every URL serves the exact bytes with headers that fit.
      const history = await gql(HISTORY, { id: conv });
      expect(history.json.errors, `history after ${where}`).toBeUndefined();
      const edges = (
        history.json.data!.conversation as {
          messages: { edges: { node: { id: string; media: { temporaryUrl: string; filename: string | null }[] } }[] };
        }
      ).messages.edges;
      const sentId = (answer.data!.sendMediaMessage as { id: string }).id;
      const node = edges.find((e) => e.node.id === sentId)!.node;
      for (const [i, m] of node.media.entries()) {
        const got = await fetch(m.temporaryUrl);
        expect(got.status, `${where} GET [${i}]`).toBe(200);
        expect(Buffer.from(await got.arrayBuffer()).equals(bytes[i]!), `${where} bytes [${i}]`).toBe(true);
        expect(got.headers.get("content-type"), where).toBe(stored[i]!.contentType);
        const cd = got.headers.get("content-disposition") ?? "";
        expect(cd.length, where).toBeLessThanOrEqual(SIGNED_HEADER_MAX);
        expect(cd, where).toMatch(/^(inline|attachment)/);
        if (m.filename !== null) {
          const star = /filename\*=UTF-8''([^;]+)$/.exec(cd)?.[1];
          expect(decodeURIComponent(star ?? ""), `${where} filename* [${i}]`).toBe(m.filename);
        }
      }
    });
  });

  it("accepts exactly the tokens a model of the claims accepts, over HTTP and WebSocket", async () => {
    const secret = t.env.AUTH_JWT_SECRET!;
    const now = () => Math.floor(Date.now() / 1000);
    const b64 = (v: unknown) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v)).toString("base64url");
    const VALID_SUBS = ["alice", "Zoë", "😀".repeat(256), "a".repeat(256), "o'brien@example.com", "中 文"];
    const INVALID_SUBS = [
      "",
      "a\u0000b",
      "a\r\nb",
      "a\u202eb",
      "\u2066a",
      "a\ud800",
      "\udc00a",
      "a".repeat(257),
      "😀".repeat(257),
      "a\u0085",
    ];
    const claim = <T>(valid: fc.Arbitrary<T>, ...invalid: fc.Arbitrary<unknown>[]) =>
      fc.oneof(
        { weight: 3, arbitrary: valid.map((v) => ({ ok: true, v: v as unknown })) },
        ...invalid.map((a) => ({ weight: 1, arbitrary: a.map((v) => ({ ok: false, v })) })),
      );
    const absent = fc.constant(undefined);
    const arb = fc
      .record({
        iss: claim(fc.constant(ISSUER), absent, fc.constantFrom("https://other.example", `${ISSUER}/`, [ISSUER], 1)),
        aud: claim(
          fc.constantFrom(AUDIENCE, [AUDIENCE], ["other", AUDIENCE]),
          absent,
          fc.constantFrom("other", ["other"], [], 7, "PARLEY"),
        ),
        sub: claim(
          fc.constantFrom(...VALID_SUBS),
          absent,
          fc.constantFrom(...INVALID_SUBS),
          fc.constantFrom(42, null, ["alice"], { id: "alice" }),
        ),
        exp: claim(
          fc.integer({ min: 120, max: 10_000_000 }).map((d) => ({ rel: d })),
          absent,
          fc.integer({ min: 1, max: 10_000_000 }).map((d) => ({ rel: -d })),
          fc.constantFrom("9999999999", null, true, { rel: "x" }),
        ),
        nbf: claim(
          fc.oneof(
            absent,
            fc.integer({ min: 1, max: 1_000_000 }).map((d) => ({ rel: -d })),
          ),
          fc.integer({ min: 120, max: 1_000_000 }).map((d) => ({ rel: d })),
          fc.constantFrom("0", null),
        ),
        iat: claim(
          fc.oneof(
            absent,
            fc.integer({ min: 0, max: 1_000_000 }).map((d) => ({ rel: -d })),
          ),
          fc.constantFrom("now", null),
        ),
        alg: claim(fc.constant("HS256"), fc.constantFrom("none", "HS384", "HS512", "RS256", "hs256", "")),
        header: claim(
          fc.constantFrom({}, { typ: "JWT" }, { typ: "at+jwt", kid: "k1" }),
          fc.constant({ crit: ["x"], x: 1 }),
        ),
        signature: claim(fc.constant("right"), fc.constantFrom("otherSecret", "empty", "truncated", "flipped")),
        shape: claim(
          fc.constantFrom("Bearer ", "bearer ", "BEARER  "),
          fc.constantFrom("Basic ", "Bearer", "Token ", "twoParts", "fourParts"),
        ),
        overWs: fc.boolean(),
      })
      .map((c) => {
        const accepted = Object.entries(c).every(([k, v]) => k === "overWs" || (v as { ok: boolean }).ok);
        const shown = Object.entries(c)
          .filter(([k]) => k !== "overWs")
          .map(([k, v]) => `${k}=${JSON.stringify((v as { v: unknown }).v)?.slice(0, 40)}`)
          .join(" ");
        return labelled({ ...c, accepted }, `${accepted ? "accept" : "refuse"} ${shown} ${c.overWs ? "ws" : "http"}`);
      });
    const resolve = (v: unknown) =>
      v === "now"
        ? now()
        : v && typeof v === "object" && "rel" in v
          ? typeof v.rel === "number"
            ? now() + v.rel
            : v.rel
          : v;
    await check("tokens", arb, RUNS.tokens, async (c) => {
      const payload: Record<string, unknown> = {};
      for (const k of ["iss", "aud", "sub", "exp", "nbf", "iat"] as const) {
        const v = resolve(c[k].v);
        if (v !== undefined) payload[k] = v;
      }
      const header = { alg: c.alg.v, ...(c.header.v as object) };
      const signingInput = `${b64(header)}.${b64(payload)}`;
      const key = c.signature.v === "otherSecret" ? randomBytes(32).toString("hex") : secret;
      let sig = createHmac("sha256", key).update(signingInput).digest("base64url");
      if (c.signature.v === "empty") sig = "";
      if (c.signature.v === "truncated") sig = sig.slice(0, 20);
      if (c.signature.v === "flipped") sig = `${sig[0] === "A" ? "B" : "A"}${sig.slice(1)}`;
      let jwt = `${signingInput}.${sig}`;
      if (c.shape.v === "twoParts") jwt = signingInput;
      if (c.shape.v === "fourParts") jwt = `${jwt}.${sig}`;
      const scheme = c.shape.v === "twoParts" || c.shape.v === "fourParts" ? "Bearer " : String(c.shape.v);
      const authorization = `${scheme}${jwt}`;
      let identity: string | undefined;
      let refusal: string | undefined;
      if (c.overWs) {
        const client = createClient({
          url: `${t.url.replace(/^http/, "ws")}/graphql`,
          webSocketImpl: WebSocket,
          connectionParams: { authorization },
          retryAttempts: 0,
          lazy: true,
        });
        try {
          identity = await new Promise<string | undefined>((done, fail) => {
            client.subscribe<{ viewer: { identity: string } }>(
              { query: "{ viewer { identity } }" },
              { next: (r) => done(r.data?.viewer.identity), error: (e) => fail(e), complete: () => done(undefined) },
            );
          });
        } catch (error) {
          refusal = String((error as { code?: number }).code ?? error);
        } finally {
          await client.dispose();
        }
        if (!c.accepted) expect(refusal, c.label).toBe("4403");
      } else {
        const res = await rawRequest(t.url, {
          headers: { "content-type": "application/json", authorization },
          body: JSON.stringify({ query: "{ viewer { identity } }" }),
        });
        expectContractAnswer(res, { mutation: false, label: c.label });
        identity = (res!.json as Gql["json"]).data?.viewer
          ? ((res!.json as Gql["json"]).data!.viewer as { identity: string }).identity
          : undefined;
        if (!c.accepted) {
          expect(res!.status, `${c.label} -> ${describeAnswer(res)}`).toBe(401);
          expect(codeOfAnswer(res), c.label).toBe("UNAUTHENTICATED");
        }
      }
      expect(identity, c.label).toBe(c.accepted ? c.sub.v : undefined);
    });
  });

  it("answers cursors of every shape with a page or BAD_USER_INPUT, never a server error or a null page", async () => {
    const real = await gql(
      `query($id: ID!) { conversation(id: $id) { messages(first: 2) { edges { cursor } } } conversations(first: 2) { edges { cursor } } }`,
      { id: conv },
    );
    const data = real.json.data as {
      conversation: { messages: { edges: { cursor: string }[] } };
      conversations: { edges: { cursor: string }[] };
    };
    const messageCursors = data.conversation.messages.edges.map((e) => e.cursor);
    const conversationCursors = data.conversations.edges.map((e) => e.cursor);
    const realCursors = [...messageCursors, ...conversationCursors];
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v) ?? "null").toString("base64url");
    const cursorArb = fc.oneof(
      fc
        .record({
          base: fc.constantFrom(...realCursors),
          how: fc.constantFrom("as is", "flip", "cut", "append", "upper", "pad"),
          at: fc.nat(),
        })
        .map(({ base, how, at }) => {
          const i = at % base.length;
          if (how === "flip") return base.slice(0, i) + (base[i] === "A" ? "B" : "A") + base.slice(i + 1);
          if (how === "cut") return base.slice(0, i);
          if (how === "append") return `${base}A`;
          if (how === "upper") return base.toUpperCase();
          if (how === "pad") return `${base}==`;
          return base;
        }),
      fc.jsonValue({ maxDepth: 2 }).map(b64),
      fc
        .tuple(
          fc.oneof(fc.integer(), fc.double(), fc.constantFrom(2 ** 31, -1, 1e300, "1", null)),
          fc.option(fc.uuid()),
        )
        .map(b64),
      fc
        .tuple(
          fc.oneof(
            fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
            fc.string({ maxLength: 30 }),
            fc.integer(),
          ),
          fc.oneof(fc.uuid(), fc.string({ maxLength: 40 }), fc.integer()),
        )
        .map(b64),
      fc.string({ unit: "binary", maxLength: 40 }),
      fc.integer({ min: 1000, max: 100_000 }).map((n) => "A".repeat(n)),
    );
    const arb = fc
      .record({
        field: fc.constantFrom("messages.after", "messages.before", "conversations.after"),
        cursor: cursorArb,
        n: fc.option(fc.integer({ min: 1, max: 100 })),
      })
      .map((c) => labelled(c, `${c.field}=${JSON.stringify(c.cursor).slice(0, 100)} n=${c.n}`));
    await check("cursors", arb, RUNS.cursors, async (c) => {
      const [list, arg] = c.field.split(".") as [string, string];
      const size = arg === "before" ? "last" : "first";
      const query =
        list === "messages"
          ? `query($id: ID!, $k: String, $n: Int) { conversation(id: $id) { id messages(${size}: $n, ${arg}: $k) { edges { cursor node { index } } pageInfo { hasNextPage } } } }`
          : `query($k: String, $n: Int) { conversations(first: $n, after: $k) { edges { cursor node { id } } } }`;
      const res = await rawRequest(t.url, {
        headers: { "content-type": "application/json", authorization: `Bearer ${alice}` },
        body: JSON.stringify({ query, variables: { id: conv, k: c.cursor, n: c.n } }),
      });
      expectContractAnswer(res, { mutation: false, label: c.label });
      const answer = res!.json as Gql["json"];
      if (answer.errors) expect(codeOfAnswer(res), `${c.label} -> ${describeAnswer(res)}`).toBe("BAD_USER_INPUT");
      else if (list === "messages") expect(answer.data?.conversation, c.label).not.toBeNull();
      // A cursor this API returned for this list always pages.
      if ((list === "messages" ? messageCursors : conversationCursors).includes(c.cursor))
        expect(answer.errors, `${c.label} -> ${describeAnswer(res)}`).toBeUndefined();
    });
  });

  it("answers ids of every shape with a contract code or the object, and changes nothing for unknown ones", async () => {
    const uuidLike = (id: string) => [
      id.toUpperCase(),
      `{${id}}`,
      id.replaceAll("-", ""),
      ` ${id}`,
      `${id}\u0000`,
      id.slice(0, -1),
      `${id}0`,
    ];
    const idArb = fc.oneof(
      fc.uuid({ version: [4, 7] }),
      fc.uuid().chain((u) => fc.constantFrom(...uuidLike(u))),
      fc.string({ unit: "binary", maxLength: 60 }),
      fc.integer().map(String),
      fc.constantFrom("", "0", "-1", "null", "💥".repeat(40), "0".repeat(100_000)),
    );
    const realIdArb = fc.constantFrom(conv, ...messageIds).chain((id) => fc.constantFrom(id, ...uuidLike(id)));
    const OPS = {
      conversation: { doc: `query($x: ID!) { conversation(id: $x) { id } }`, mutation: false },
      message: { doc: `query($x: ID!) { message(id: $x) { id } }`, mutation: false },
      mediaUpload: { doc: `query($x: ID!) { mediaUpload(id: $x) { id } }`, mutation: false },
      mediaByIds: { doc: `query($xs: [ID!]!) { mediaByIds(ids: $xs) { id } }`, mutation: false },
      removeMessage: { doc: `mutation($x: ID!) { removeMessage(id: $x) { id } }`, mutation: true },
      updateMessage: {
        doc: `mutation($x: ID!) { updateMessage(input: { id: $x, body: "b" }) { id } }`,
        mutation: true,
      },
      sendMessage: {
        doc: `mutation($x: ID!) { sendMessage(input: { conversationId: $x, body: "b" }) { id } }`,
        mutation: true,
      },
      addParticipant: {
        doc: `mutation($x: ID!) { addParticipant(input: { conversationId: $x, identity: "zed" }) { id } }`,
        mutation: true,
      },
      removeParticipant: {
        doc: `mutation($x: ID!) { removeParticipant(conversationId: $x, identity: "bob") }`,
        mutation: true,
      },
      setLastRead: {
        doc: `mutation($x: ID!) { setLastReadMessageIndex(conversationId: $x, index: 0) { id } }`,
        mutation: true,
      },
      advanceLastRead: {
        doc: `mutation($x: ID!) { advanceLastReadMessageIndex(conversationId: $x, index: 0) { id } }`,
        mutation: true,
      },
      createMediaUpload: {
        doc: `mutation($x: ID!) { createMediaUpload(input: { conversationId: $x, size: 10 }) { id } }`,
        mutation: true,
      },
      abortMediaUpload: { doc: `mutation($x: ID!) { abortMediaUpload(id: $x) }`, mutation: true },
    };
    type Op = keyof typeof OPS;
    const queries = (Object.keys(OPS) as Op[]).filter((o) => !OPS[o].mutation && o !== "mediaByIds");
    const arb = fc
      .oneof(
        fc.record({
          op: fc.constantFrom(...(Object.keys(OPS) as Op[])),
          ids: fc.array(idArb, { minLength: 1, maxLength: 1 }),
        }),
        fc.record({ op: fc.constantFrom(...queries), ids: fc.array(realIdArb, { minLength: 1, maxLength: 1 }) }),
        fc.record({ op: fc.constant<Op>("mediaByIds"), ids: fc.array(fc.oneof(idArb, realIdArb), { maxLength: 120 }) }),
      )
      .map((c) => labelled(c, `${c.op} ${c.ids.length} ids ${JSON.stringify(c.ids).slice(0, 120)}`));
    const state = async () =>
      (
        await t.sql`select (select count(*)::int from messages) as m, (select count(*)::int from participants) as p,
          (select count(*)::int from media) as media, (select max(updated_at)::text from messages) as updated,
          (select count(*)::int from participants where last_read_message_index is not null) as horizons`
      )[0];
    await check("ids", arb, RUNS.ids, async (c) => {
      const before = await state();
      const res = await rawRequest(t.url, {
        headers: { "content-type": "application/json", authorization: `Bearer ${alice}` },
        body: JSON.stringify({ query: OPS[c.op].doc, variables: { x: c.ids[0], xs: c.ids } }),
      });
      expectContractAnswer(res, { mutation: false, label: c.label });
      const answer = res!.json as Gql["json"];
      const where = `${c.label} -> ${describeAnswer(res)}`;
      for (const e of answer.errors ?? [])
        expect(["BAD_USER_INPUT", "NOT_FOUND", "FORBIDDEN"], where).toContain(e.extensions?.code);
      if (OPS[c.op].mutation) {
        // An unknown id is an error, or for the idempotent removals "nothing to do".
        if (!answer.errors)
          expect([{ abortMediaUpload: false }, { removeMessage: null }], where).toContainEqual(answer.data);
        expect(await state(), where).toEqual(before);
      }
    });
  });
});
