// Property-based fuzzing of the HTTP surface with malformed requests (issue 8, "Hostile input").
// Every answer must be JSON: a 4xx with the GraphQL error shape, or a GraphQL error whose code is in the
// contract. INTERNAL_SERVER_ERROR is never acceptable for malformed input: it means a bug. After every
// case the server still answers /healthz, and no message, media row or stored object exists.
//
// Reproduce a failure with the seed it prints: PARLEY_FUZZ_SEED=<seed> npx vitest run test/fuzz.test.ts
// (PARLEY_FUZZ_RUNS=<factor> for a longer run; see fuzz-kit.ts). Values at the length limits, fan-out,
// token claims, cursors and ids are fuzz-limits.test.ts's.
import { createHmac, randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./harness.ts";
import { rawRequest, type RawRequest, type RawResponse } from "./raw-http.ts";
import {
  check,
  codeOfAnswer,
  CRLF,
  describeAnswer,
  expectContractAnswer,
  labelled,
  multipart,
  scaledRuns,
  type Part,
} from "./fuzz-kit.ts";
import { readFixture, eventually } from "@parley/testkit";

// Bounded for CI: about 250 cases per backend in total.
const RUNS = scaledRuns({
  garbage: 40,
  operations: 50,
  documents: 25,
  nul: 15,
  multipart: 55,
  framing: 40,
  disconnect: 25,
});

/** An answer that takes longer than this is a hang (every case here is small). */
const HANG_MS = 10_000;

// Small limits so limit violations are cheap to generate.
const LIMITS = { MEDIA_MAX_FILES: "3", MEDIA_MAX_FILE_BYTES: "200000", MEDIA_MAX_TOTAL_BYTES: "300000" };

let t: TestServer;
let conv = ""; // alice and bob
let foreign = ""; // carol's, alice is not in it
let uploadTmpRoot = "";
let uploadTmp = "";
let savedTmpdir: string | undefined;
const auth: Record<string, string | undefined> = {};

beforeAll(async () => {
  t = await startTestServer({ env: LIMITS });
  const create = async (who: string, participants: string[]) =>
    (
      await t.gql<{ createConversation: { id: string } }>(
        who,
        `mutation($i: CreateConversationInput!) { createConversation(input: $i) { id } }`,
        { i: { participants } },
      )
    ).data!.createConversation.id;
  conv = await create("alice", ["bob"]);
  foreign = await create("carol", []);
  auth.alice = `Bearer ${await t.token("alice")}`;
  auth.stranger = `Bearer ${await t.token("mallory")}`;
  savedTmpdir = process.env.TMPDIR;
  uploadTmpRoot = mkdtempSync(join(tmpdir(), "parley-fuzz-uploads-"));
});

// Multipart file parts sent out of order are set aside in os.tmpdir(); each property points it at a
// fresh directory of its own so leaked buffer files can be seen and blamed on the right property.
beforeEach(() => {
  uploadTmp = mkdtempSync(join(uploadTmpRoot, "t-"));
  process.env.TMPDIR = uploadTmp;
});

afterAll(async () => {
  if (savedTmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmpdir;
  await t?.close();
  if (uploadTmpRoot) rmSync(uploadTmpRoot, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// Tokens that must all be refused.

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
function forgedTokens(): Record<string, string> {
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const payload = b64url({ sub: "alice", exp });
  const hs = b64url({ alg: "HS256", typ: "JWT" });
  const wrong = createHmac("sha256", randomBytes(32)).update(`${hs}.${payload}`).digest("base64url");
  return {
    wrongSecret: `Bearer ${hs}.${payload}.${wrong}`,
    algNone: `Bearer ${b64url({ alg: "none", typ: "JWT" })}.${payload}.`,
    basic: "Basic YWxpY2U6c2VjcmV0",
    bearerOnly: "Bearer",
    garbage: "Bearer a.b.c",
    long: `Bearer ${"x".repeat(6000)}`,
  };
}
const FORGED = forgedTokens();

const who = fc.constantFrom("alice", "alice", "alice", "alice", "stranger", "anonymous", ...Object.keys(FORGED));
function authorization(w: string): Record<string, string> {
  const value = w === "anonymous" ? undefined : (auth[w] ?? FORGED[w]);
  return value ? { authorization: value } : {};
}

// ---------------------------------------------------------------------------------------------
// Values are described compactly (so a failing case prints readably) and turned into JSON text
// only when sent; JSON text is built by hand because deeply nested values overflow JSON.stringify.

type Desc =
  | { t: "conv" }
  | { t: "foreign" }
  | { t: "json"; v: unknown }
  | { t: "rep"; ch: string; n: number }
  | { t: "nul"; s: string }
  | { t: "deepObj"; n: number }
  | { t: "deepArr"; n: number }
  | { t: "wide"; n: number };

function toJson(d: Desc): string {
  switch (d.t) {
    case "conv":
      return JSON.stringify(conv);
    case "foreign":
      return JSON.stringify(foreign);
    case "json":
      return JSON.stringify(d.v) ?? "null";
    case "rep":
      return JSON.stringify(d.ch.repeat(d.n));
    case "nul":
      return JSON.stringify(d.s);
    case "deepObj":
      return `${'{"a":'.repeat(d.n)}1${"}".repeat(d.n)}`;
    case "deepArr":
      return `{"a":${"[".repeat(d.n)}${"]".repeat(d.n)}}`;
    case "wide":
      return `{${Array.from({ length: d.n }, (_, i) => `"k${i}":"vvvvvvvvvv"`).join(",")}}`;
  }
}

const json = (v: unknown): Desc => ({ t: "json", v });
const short = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim().length > 0);
const notAString = fc.oneof(
  fc.integer().map(json),
  fc.boolean().map(json),
  fc.constant(json(null)),
  fc.array(fc.integer(), { maxLength: 3 }).map(json),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }).map(json),
);
const longText = (min: number, max: number) =>
  fc
    .record({ ch: fc.constantFrom("x", "é", "中", "😀"), n: fc.integer({ min, max }) })
    .map((r): Desc => ({ t: "rep", ...r }));

const idValid = fc.constant<Desc>({ t: "conv" });
const idInvalid = fc.oneof(
  fc.constant<Desc>({ t: "foreign" }),
  fc.uuid().map(json),
  short.map(json),
  longText(300, 200_000),
  notAString,
);
const attributesValid = fc.oneof(
  fc.constant(json({ a: 1 })),
  fc.integer({ min: 1, max: 100 }).map((n): Desc => ({ t: "deepObj", n })),
);
const attributesInvalid = fc.oneof(
  fc
    .oneof(fc.array(fc.integer(), { maxLength: 3 }), fc.string({ maxLength: 10 }), fc.integer(), fc.boolean())
    .map(json),
  // Over 16 KiB one way or another: depth (objects, arrays) or width.
  fc.integer({ min: 3_000, max: 150_000 }).map((n): Desc => ({ t: "deepObj", n })),
  fc.integer({ min: 8_300, max: 400_000 }).map((n): Desc => ({ t: "deepArr", n })),
  fc.integer({ min: 1_500, max: 40_000 }).map((n): Desc => ({ t: "wide", n })),
);

interface Field {
  name: string;
  optional: boolean;
  valid: fc.Arbitrary<Desc>;
  invalid: fc.Arbitrary<Desc>;
}

/** Inputs with at least one broken field; the others valid, broken or left out. */
function brokenInput(fields: Field[]) {
  return fc
    .nat({ max: fields.length - 1 })
    .chain((broken) =>
      fc.tuple(
        ...fields.map((f, i) =>
          (i === broken
            ? f.invalid
            : fc.oneof(f.valid, f.invalid, ...(f.optional ? [fc.constant<Desc | undefined>(undefined)] : []))
          ).map((d) => [f.name, d] as const),
        ),
      ),
    );
}

const objectJson = (entries: readonly (readonly [string, Desc | undefined])[]) =>
  `{${entries
    .filter(([, d]) => d !== undefined)
    .map(([k, d]) => `${JSON.stringify(k)}:${toJson(d!)}`)
    .join(",")}}`;

const MUTATIONS = {
  sendMessage: {
    doc: `mutation($i: SendMessageInput!) { sendMessage(input: $i) { id } }`,
    fields: [
      { name: "conversationId", optional: false, valid: idValid, invalid: idInvalid },
      {
        name: "body",
        optional: false,
        valid: short.map(json),
        // Empty, too long in code points (astral characters count once), over the 1 MiB JSON limit, wrong type.
        invalid: fc.oneof(fc.constant(json("")), longText(32_769, 40_000), longText(1_100_000, 1_200_000), notAString),
      },
      { name: "attributes", optional: true, valid: attributesValid, invalid: attributesInvalid },
      {
        name: "idempotencyKey",
        optional: true,
        valid: short.map(json),
        invalid: fc.oneof(
          fc.constant(json("")),
          longText(257, 2_000),
          notAString.filter((d) => d.t !== "json" || d.v !== null),
        ),
      },
    ],
  },
  createConversation: {
    doc: `mutation($i: CreateConversationInput!) { createConversation(input: $i) { id } }`,
    fields: [
      {
        name: "friendlyName",
        optional: true,
        valid: short.map(json),
        invalid: fc.oneof(
          longText(257, 5_000),
          notAString.filter((d) => d.t !== "json" || d.v !== null),
        ),
      },
      {
        name: "uniqueName",
        optional: true,
        valid: fc.uuid().map(json),
        invalid: fc.oneof(
          longText(257, 5_000),
          notAString.filter((d) => d.t !== "json" || d.v !== null),
        ),
      },
      { name: "attributes", optional: true, valid: attributesValid, invalid: attributesInvalid },
      {
        name: "participants",
        optional: true,
        valid: fc.constant(json(["bob"])),
        invalid: fc.oneof(
          fc.constantFrom(json([""]), json([1]), json([null]), json([{}]), json(["a\nb"]), json({ a: 1 })),
          fc.integer({ min: 257, max: 3_000 }).map((n) => json(["p".repeat(n)])),
        ),
      },
    ],
  },
  addParticipant: {
    doc: `mutation($i: AddParticipantInput!) { addParticipant(input: $i) { id } }`,
    fields: [
      { name: "conversationId", optional: false, valid: idValid, invalid: idInvalid },
      {
        name: "identity",
        optional: false,
        valid: fc.constant(json("zed")),
        invalid: fc.oneof(
          fc.constantFrom(json(""), json("tab\there"), json("nl\nhere")),
          longText(257, 5_000),
          notAString,
        ),
      },
      { name: "attributes", optional: true, valid: attributesValid, invalid: attributesInvalid },
    ],
  },
  updateMessage: {
    // No message exists, so any id is NOT_FOUND at best.
    doc: `mutation($i: UpdateMessageInput!) { updateMessage(input: $i) { id } }`,
    fields: [
      { name: "id", optional: false, valid: fc.uuid().map(json), invalid: idInvalid },
      { name: "body", optional: true, valid: short.map(json), invalid: fc.oneof(longText(32_769, 40_000), notAString) },
      { name: "attributes", optional: true, valid: attributesValid, invalid: attributesInvalid },
    ],
  },
  sendMediaMessageWithoutFiles: {
    // A media message over plain JSON cannot carry files: every variant is refused.
    doc: `mutation($i: SendMediaMessageInput!) { sendMediaMessage(input: $i) { id } }`,
    fields: [
      { name: "conversationId", optional: false, valid: idValid, invalid: idInvalid },
      {
        name: "media",
        optional: false,
        valid: fc.constantFrom(
          json([]),
          json([{ file: null }]),
          json([{ file: "data:;base64,AAAA" }]),
          json([{ file: { name: "x" } }]),
        ),
        invalid: fc.constantFrom(json(null), json("x"), json([null]), json([[]])),
      },
      { name: "body", optional: true, valid: short.map(json), invalid: fc.oneof(longText(32_769, 40_000), notAString) },
      { name: "attributes", optional: true, valid: attributesValid, invalid: attributesInvalid },
    ],
  },
} satisfies Record<string, { doc: string; fields: Field[] }>;

// Single-argument mutations whose valid calls would change state: only broken ones are generated.
const ARGUMENT_MUTATIONS = {
  removeMessage: {
    doc: `mutation($a: ID!) { removeMessage(id: $a) { id } }`,
    invalid: fc.oneof(fc.uuid().map(json), idInvalid),
  },
  removeParticipant: {
    doc: `mutation($a: ID!) { removeParticipant(conversationId: $a, identity: "bob") }`,
    invalid: idInvalid,
  },
  setLastRead: {
    doc: `mutation($a: Int, $c: ID!) { setLastReadMessageIndex(conversationId: $c, index: $a) { id } }`,
    invalid: fc.oneof(
      fc.integer({ min: -(2 ** 31), max: -1 }).map(json),
      fc.constantFrom(json(2 ** 31), json(1.5), json("3"), json([1]), json({})),
    ),
  },
};

// ---------------------------------------------------------------------------------------------
// Checking answers and state.

async function expectServerUp(label: string) {
  const res = await fetch(`${t.url}/healthz`);
  expect(res.status, `/healthz after ${label}`).toBe(200);
}

async function rowCounts() {
  const [row] = await t.sql`select
    (select count(*)::int from messages) as messages,
    (select count(*)::int from media) as media,
    (select count(*)::int from conversations) as conversations,
    (select count(*)::int from participants) as participants,
    (select count(*)::int from pending_uploads) as "pendingUploads"`;
  return row;
}

/** No message row, no media row, no object, no new conversation or participant, no upload still pending. */
async function expectNothingLeftBehind(label: string) {
  expect(await rowCounts(), `rows after ${label}`).toEqual({
    messages: 0,
    media: 0,
    conversations: 2,
    participants: 3,
    pendingUploads: 0,
  });
  expect(await t.objects("media/"), `objects after ${label}`).toEqual([]);
}

const openConnections = () =>
  new Promise<number>((resolve, reject) => t.parley.server.getConnections((e, n) => (e ? reject(e) : resolve(n))));

/** graphql-upload releases its buffer files when the response closes; none may stay behind. */
async function expectNoUploadBuffers(label: string) {
  await eventually(
    async () => expect(readdirSync(uploadTmp), `multipart buffer files after ${label}`).toEqual([]),
    10_000,
  );
}

/** After a property: no request still being served, then no leftovers at all (upload buffers included). */
async function expectQuiescentAndClean(label: string) {
  // Idle keep-alive sockets close after Node's 5 s keepAliveTimeout.
  await eventually(async () => expect(await openConnections()).toBe(0), 15_000);
  await eventually(() => expectNothingLeftBehind(label));
  await expectNoUploadBuffers(label);
}

const descLabel = (d: Desc | undefined) =>
  d === undefined
    ? "-"
    : d.t === "json"
      ? JSON.stringify(d.v)?.slice(0, 60)
      : d.t === "rep"
        ? `${JSON.stringify(d.ch)}x${d.n}`
        : d.t === "conv" || d.t === "foreign"
          ? d.t
          : d.t === "nul"
            ? JSON.stringify(d.s)
            : `${d.t}(${d.n})`;

// ---------------------------------------------------------------------------------------------
// Multipart bodies (multipart() in fuzz-kit.ts).

const png = readFixture("photo.png");

function fileBytes(size: number, seed: number, asPng: boolean): Buffer {
  if (asPng) return png.subarray(0, Math.min(size, png.length));
  const b = Buffer.alloc(size);
  let x = seed || 1;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    b[i] = x >>> 16;
  }
  return b;
}

const SEND_MEDIA = `mutation($i: SendMediaMessageInput!) { sendMediaMessage(input: $i) { id media { size } } }`;

interface MediaSend {
  files: { size: number; png: boolean }[];
  input?: Record<string, unknown>;
}

/** The parts of a valid media message to the fuzz conversation (before any breakage). */
function validMediaParts(send: MediaSend) {
  const operations = {
    query: SEND_MEDIA,
    variables: { i: { conversationId: conv, media: send.files.map(() => ({ file: null })), ...send.input } },
  };
  const map = Object.fromEntries(send.files.map((_, i) => [String(i), [`variables.i.media.${i}.file`]]));
  const files: Part[] = send.files.map((f, i) => ({
    name: String(i),
    value: fileBytes(f.size, i + 7, f.png),
    filename: f.png ? `p${i}.png` : `f${i}.bin`,
    type: f.png ? "image/png" : "application/octet-stream",
  }));
  return { operations, map, files };
}

const fileSpec = fc.record({ size: fc.integer({ min: 0, max: 120_000 }), png: fc.boolean() });

const BREAKS = [
  "noOperations",
  "operationsNotJson",
  "operationsScalar",
  "operationsBatch",
  "noMap",
  "mapNotJson",
  "mapScalar",
  "mapArray",
  "mapEntryNotArray",
  "mapPathNotString",
  "mapPathBogus",
  "mapMissingFile",
  "mapBeforeOperations",
  "fileBeforeMap",
  "tooManyFiles",
  "emptyMedia",
  "mediaNotList",
  "conversationUnknown",
  "conversationForeign",
  "conversationIdNotString",
  "noPreflight",
  "anonymous",
  "forgedToken",
  "variablesNotObject",
  "declaredTypeInvalid",
  "bodyTooLong",
  "attributesTooLarge",
  "idempotencyKeyTooLong",
] as const;
// Files over the size limits, and a repeated file field, have their own tests below (each has
// leaked graphql-upload buffer files; a property should not fail now and then on a known leak).
const DECORATIONS = [
  "extraneousFile",
  "duplicateOperations",
  "hugeExtraneousName",
  "oddFilename",
  "base64Encoding",
] as const;
type Break = (typeof BREAKS)[number];
type Decoration = (typeof DECORATIONS)[number];

interface MultipartCase {
  breaks: Break[];
  decorations: Decoration[];
  files: { size: number; png: boolean }[];
  nameLength: number;
}

function buildMultipartCase(c: MultipartCase): RawRequest {
  const send: MediaSend = { files: c.files.map((f) => ({ ...f })) };
  const has = (b: Break) => c.breaks.includes(b);
  if (has("tooManyFiles")) while (send.files.length < 4) send.files.push({ size: 10, png: false });
  if (has("bodyTooLong")) send.input = { ...send.input, body: "😀".repeat(32_769) };
  if (has("attributesTooLarge")) send.input = { ...send.input, attributes: { big: "a".repeat(17_000) } };
  if (has("idempotencyKeyTooLong")) send.input = { ...send.input, idempotencyKey: "k".repeat(257) };
  const { operations, map, files } = validMediaParts(send);
  const vars = operations.variables.i as Record<string, unknown>;
  if (has("declaredTypeInvalid"))
    (vars.media as Record<string, unknown>[])[files.length - 1]!.contentType = "not a media type";
  if (has("emptyMedia")) {
    // The map must not point into media either: graphql-upload would recreate the entry.
    vars.media = [];
    for (const k of Object.keys(map)) delete map[k];
    files.length = 0;
  }
  if (has("mediaNotList")) vars.media = "files";
  if (has("conversationUnknown")) vars.conversationId = "0190c6f2-0000-7000-8000-000000000000";
  if (has("conversationForeign")) vars.conversationId = foreign;
  if (has("conversationIdNotString")) vars.conversationId = 42;

  let opsText: string = JSON.stringify(has("variablesNotObject") ? { ...operations, variables: "i" } : operations);
  if (has("operationsNotJson")) opsText = opsText.slice(0, Math.max(1, opsText.length >> 1));
  if (has("operationsScalar")) opsText = "42";
  if (has("operationsBatch")) opsText = JSON.stringify([operations]);
  let mapValue: unknown = has("operationsBatch")
    ? Object.fromEntries(Object.entries(map).map(([k, v]) => [k, v.map((p) => `0.${p}`)]))
    : map;
  if (has("mapScalar")) mapValue = "0";
  if (has("mapArray")) mapValue = Object.values(map);
  if (has("mapEntryNotArray")) mapValue = { 0: "variables.i.media.0.file" };
  if (has("mapPathNotString")) mapValue = { 0: [0] };
  if (has("mapPathBogus")) mapValue = { 0: ["variables.i.media.0.file.deeper.still"], 1: ["nowhere"] };
  if (has("mapMissingFile")) mapValue = { ...(mapValue as object), 99: ["variables.i.media.0.file"] };
  let mapText = JSON.stringify(mapValue);
  if (has("mapNotJson")) mapText = `{"0": [variables.i.media.0.file]`;

  const opsPart: Part = { name: "operations", value: opsText };
  const mapPart: Part = { name: "map", value: mapText };
  let parts: Part[] = [opsPart, mapPart, ...files];
  if (has("noOperations")) parts = parts.filter((p) => p !== opsPart);
  if (has("noMap")) parts = parts.filter((p) => p !== mapPart);
  if (has("mapBeforeOperations")) parts = [mapPart, opsPart, ...files];
  if (has("fileBeforeMap")) parts = [opsPart, ...files, mapPart];

  const deco = (d: Decoration) => c.decorations.includes(d);
  if (deco("duplicateOperations")) parts.splice(1, 0, { name: "operations", value: opsText });
  if (deco("extraneousFile")) parts.push({ name: "x-extra", value: fileBytes(1000, 3, false), filename: "extra.bin" });
  if (deco("hugeExtraneousName")) parts.push({ name: `x${"n".repeat(c.nameLength)}`, value: "v", filename: "n.bin" });
  if (deco("oddFilename") && files[0]) files[0].filename = `../../${"é".repeat(300)}\u202e.png`;
  if (deco("base64Encoding") && files[0])
    files[0].type = "application/octet-stream\r\nContent-Transfer-Encoding: base64";

  const boundary = `fuzz${c.nameLength}`;
  const headers: Record<string, string> = { "content-type": `multipart/form-data; boundary=${boundary}` };
  if (!has("noPreflight")) headers["apollo-require-preflight"] = "true";
  if (has("forgedToken")) Object.assign(headers, { authorization: FORGED.wrongSecret });
  else if (!has("anonymous")) Object.assign(headers, authorization("alice"));
  return { headers, body: multipart(boundary, parts) };
}

const multipartCase = fc
  .record({
    breaks: fc.uniqueArray(fc.constantFrom(...BREAKS), { minLength: 1, maxLength: 3 }),
    decorations: fc.uniqueArray(fc.constantFrom(...DECORATIONS), { maxLength: 3 }),
    files: fc.array(fileSpec, { minLength: 1, maxLength: 2 }),
    nameLength: fc.integer({ min: 100, max: 8_000 }),
  })
  .map((c: MultipartCase) =>
    labelled(
      c,
      `multipart breaks=${c.breaks.join("+")} decorations=${c.decorations.join("+") || "-"} files=${c.files.map((f) => `${f.size}${f.png ? "png" : ""}`).join(",")} name=${c.nameLength}`,
    ),
  );

// ---------------------------------------------------------------------------------------------

describe("fuzz: malformed requests get contract answers and leave nothing behind", () => {
  it("garbage bodies, content types, encodings, methods and paths", async () => {
    const bodies = fc.oneof(
      fc.string({ maxLength: 300 }).map((s) => ({ text: s })),
      fc.uint8Array({ maxLength: 300 }).map((b) => ({ hex: Buffer.from(b).toString("hex") })),
      fc
        .jsonValue({ maxDepth: 3 })
        .filter((v) => !(v !== null && typeof v === "object" && !Array.isArray(v) && "query" in v))
        .map((v) => ({ json: v })),
      fc.integer({ min: 1, max: 60 }).map((cut) => ({ cutValid: cut })),
    );
    const arb = fc
      .record({
        method: fc.constantFrom("POST", "POST", "POST", "POST", "GET", "PUT", "DELETE", "PATCH"),
        path: fc.constantFrom(
          "/graphql",
          "/graphql",
          "/graphql",
          "/graphql?query=%7B",
          "/graphql/x",
          "/",
          "/media/x/y?sig=z",
          "/readyz/x",
        ),
        contentType: fc.option(
          fc.constantFrom(
            "application/json",
            "application/json; charset=utf-8",
            "application/json; charset=latin1",
            "application/json; charset=utf-16",
            "text/plain",
            "application/x-www-form-urlencoded",
            "application/graphql",
            "multipart/mixed; boundary=x",
            "*/*",
            "application/json;;;=",
            "garbage",
          ),
        ),
        encoding: fc.option(fc.constantFrom("gzip", "deflate", "br", "identity", "x-unknown")),
        body: bodies,
        who,
      })
      .map((c) =>
        labelled(
          c,
          `${c.method} ${c.path} type=${c.contentType} enc=${c.encoding} who=${c.who} body=${JSON.stringify(c.body).slice(0, 120)}`,
        ),
      );
    await check("garbage", arb, RUNS.garbage, async (c) => {
      const valid = JSON.stringify({ query: "{ viewer { identity } }" });
      const body =
        "text" in c.body
          ? c.body.text
          : "hex" in c.body
            ? Buffer.from(c.body.hex, "hex")
            : "json" in c.body
              ? JSON.stringify(c.body.json)
              : valid.slice(0, c.body.cutValid);
      const headers: Record<string, string> = { ...authorization(c.who) };
      if (c.contentType) headers["content-type"] = c.contentType;
      if (c.encoding) headers["content-encoding"] = c.encoding;
      const res = await rawRequest(t.url, { method: c.method, path: c.path, headers, body });
      expectContractAnswer(res, { mutation: true, label: c.label });
      await expectServerUp(c.label);
      await expectNothingLeftBehind(c.label);
    });
    await expectQuiescentAndClean("garbage bodies");
  });

  it("operations with wrong variable types, huge strings and deeply nested attributes", async () => {
    const mutation = fc.oneof(
      ...Object.entries(MUTATIONS).map(([op, m]) =>
        brokenInput(m.fields).map((entries) => ({
          op,
          doc: m.doc,
          vars: `{"i":${objectJson(entries)}}`,
          label: `${op} ${entries.map(([k, d]) => `${k}=${descLabel(d)}`).join(" ")}`,
        })),
      ),
      ...Object.entries(ARGUMENT_MUTATIONS).map(([op, m]) =>
        m.invalid.map((d) => ({
          op,
          doc: m.doc,
          vars: `{"a":${toJson(d)},"c":${JSON.stringify(conv)}}`,
          label: `${op} a=${descLabel(d)}`,
        })),
      ),
      // A variable declared with the wrong type, and an undeclared one.
      fc.constantFrom(
        {
          op: "wrongDeclaration",
          doc: `mutation($i: String) { sendMessage(input: $i) { id } }`,
          vars: `{"i":"x"}`,
          label: "sendMessage with $i: String",
        },
        {
          op: "undeclared",
          doc: `mutation { sendMessage(input: $i) { id } }`,
          vars: `{"i":{}}`,
          label: "undeclared $i",
        },
        { op: "variablesArray", doc: MUTATIONS.sendMessage.doc, vars: `[1,2]`, label: "variables is an array" },
        { op: "variablesString", doc: MUTATIONS.sendMessage.doc, vars: `"i"`, label: "variables is a string" },
      ),
    );
    const query = fc
      .record({
        id: fc.oneof(idValid, idInvalid),
        first: fc.option(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })),
        last: fc.option(fc.integer({ min: -200, max: 200 })),
        after: fc.option(fc.string({ maxLength: 40 })),
        before: fc.option(fc.oneof(fc.string({ maxLength: 40 }), fc.base64String({ maxLength: 40 }))),
      })
      .map((q) => ({
        op: "query",
        doc: `query($id: ID!, $first: Int, $last: Int, $after: String, $before: String) {
          conversation(id: $id) { id messages(first: $first, last: $last, after: $after, before: $before) { edges { cursor } } }
          message(id: $id) { id } conversations(first: $first, after: $after) { edges { cursor } } }`,
        vars: `{"id":${toJson(q.id)},"first":${JSON.stringify(q.first)},"last":${JSON.stringify(q.last)},"after":${JSON.stringify(q.after)},"before":${JSON.stringify(q.before)}}`,
        label: `query id=${descLabel(q.id)} first=${q.first} last=${q.last} after=${JSON.stringify(q.after)} before=${JSON.stringify(q.before)}`,
      }));
    const arb = fc
      .record({ call: fc.oneof({ weight: 3, arbitrary: mutation }, { weight: 1, arbitrary: query }), who })
      .map(({ call, who: w }) => labelled({ ...call, who: w }, `${call.label} who=${w}`));
    await check("operations", arb, RUNS.operations, async (c) => {
      const body = `{"query":${JSON.stringify(c.doc)},"variables":${c.vars}}`;
      const res = await rawRequest(t.url, {
        headers: { "content-type": "application/json", ...authorization(c.who) },
        body,
      });
      expectContractAnswer(res, { mutation: c.op !== "query", label: c.label });
      await expectServerUp(c.label);
      await expectNothingLeftBehind(c.label);
    });
    await expectQuiescentAndClean("operations");
  });

  // Documents that do not parse, or that pass the query limits (graphql-armor), are the client's
  // fault: 400 BAD_USER_INPUT, over JSON and over multipart alike.
  it("GraphQL documents that do not parse or exceed the query limits", async () => {
    // Token soup for the parser, and oversized documents (aliases, depth, directives).
    const soup = fc
      .array(
        fc.constantFrom(
          "{",
          "}",
          "(",
          ")",
          "[",
          "]",
          "...",
          "mutation",
          "query",
          "fragment",
          "on",
          "$i",
          ":",
          "!",
          "@skip",
          "viewer",
          "identity",
          "sendMessage",
          '"x"',
          "1",
          "=",
          "#",
          "\\u0000",
        ),
        { maxLength: 60 },
      )
      .map((tokens) => ({ op: "soup", doc: tokens.join(" "), vars: "{}", label: `soup: ${tokens.join(" ")}` }));
    const oversized = fc.oneof(
      fc.integer({ min: 200, max: 5_000 }).map((n) => ({
        op: "aliases",
        doc: `mutation { ${Array.from({ length: n }, (_, i) => `a${i}: sendMessage(input: {conversationId: "x", body: ""}) { id }`).join(" ")} }`,
        vars: "{}",
        label: `${n} aliased sendMessage`,
      })),
      fc.integer({ min: 50, max: 3_000 }).map((n) => ({
        op: "depth",
        doc: `{ ${"conversations { edges { node { ".repeat(n)}id${" } } }".repeat(n)} }`,
        vars: "{}",
        label: `depth ${n}`,
      })),
      fc.integer({ min: 100, max: 5_000 }).map((n) => ({
        op: "directives",
        doc: `mutation { sendMessage(input: {conversationId: "x", body: ""}) ${"@skip(if: false) ".repeat(n)}{ id } }`,
        vars: "{}",
        label: `${n} directives`,
      })),
    );
    const arb = fc
      .record({
        call: fc.oneof(soup, oversized),
        // Forged tokens are refused (401) before the document is looked at; the parser is the point here.
        who: fc.constantFrom("alice", "stranger", "anonymous"),
        transport: fc.constantFrom("json" as const, "json" as const, "multipart" as const),
      })
      .map(({ call, who: w, transport }) =>
        labelled({ ...call, who: w, transport }, `${call.label} who=${w} over ${transport}`),
      );
    await check("documents", arb, RUNS.documents, async (c) => {
      let req: RawRequest;
      if (c.transport === "json") {
        req = {
          headers: { "content-type": "application/json", ...authorization(c.who) },
          body: `{"query":${JSON.stringify(c.doc)},"variables":${c.vars}}`,
        };
      } else {
        // The document travels in `operations`; a valid file rides along and must not be stored.
        const { map, files } = validMediaParts({ files: [{ size: 1000, png: true }] });
        const operations = { query: c.doc, variables: { i: { conversationId: conv, media: [{ file: null }] } } };
        req = {
          headers: {
            "content-type": "multipart/form-data; boundary=doc",
            "apollo-require-preflight": "true",
            ...authorization(c.who),
          },
          body: multipart("doc", [
            { name: "operations", value: JSON.stringify(operations) },
            { name: "map", value: JSON.stringify(map) },
            ...files,
          ]),
        };
      }
      const res = await rawRequest(t.url, req);
      expectContractAnswer(res, { mutation: true, label: c.label });
      // An anonymous multipart request is refused before its body is read (second wave): 401 first.
      const expected = c.transport === "multipart" && c.who === "anonymous" ? 401 : 400;
      expect(res!.status, `status: ${c.label} -> ${describeAnswer(res)}`).toBe(expected);
      await expectServerUp(c.label);
      await expectNothingLeftBehind(c.label);
    });
    await expectQuiescentAndClean("documents");
  });

  // PostgreSQL cannot store U+0000 in text or jsonb: such input must be refused as BAD_USER_INPUT,
  // not fail inside the database as INTERNAL_SERVER_ERROR.
  it("text containing U+0000 is refused with a contract code, storing nothing", async () => {
    const nul = fc
      .tuple(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }))
      .map(([a, b]): Desc => ({ t: "nul", s: `${a}\u0000${b}` }));
    const arb = fc
      .oneof(
        fc.record({ op: fc.constant("sendMessage.body"), d: nul }),
        fc.record({ op: fc.constant("sendMessage.attributes"), d: nul }),
        fc.record({ op: fc.constant("sendMessage.attributeKey"), d: nul }),
        fc.record({ op: fc.constant("sendMessage.idempotencyKey"), d: nul }),
        fc.record({ op: fc.constant("createConversation.friendlyName"), d: nul }),
        fc.record({ op: fc.constant("createConversation.uniqueName"), d: nul }),
        fc.record({ op: fc.constant("addParticipant.attributes"), d: nul }),
        fc.record({ op: fc.constant("sendMediaMessage.body"), d: nul }),
      )
      .map((c) => labelled(c, `${c.op} = ${descLabel(c.d)}`));
    await check("nul", arb, RUNS.nul, async (c) => {
      const s = (c.d as { s: string }).s;
      let res: RawResponse | null;
      if (c.op === "sendMediaMessage.body") {
        const { operations, map, files } = validMediaParts({ files: [{ size: 2000, png: true }], input: { body: s } });
        res = await rawRequest(t.url, {
          headers: {
            "content-type": "multipart/form-data; boundary=nul",
            "apollo-require-preflight": "true",
            ...authorization("alice"),
          },
          body: multipart("nul", [
            { name: "operations", value: JSON.stringify(operations) },
            { name: "map", value: JSON.stringify(map) },
            ...files,
          ]),
        });
      } else {
        const [op, field] = c.op.split(".") as [keyof typeof MUTATIONS, string];
        const input: Record<string, unknown> =
          op === "sendMessage"
            ? { conversationId: conv, body: "hello" }
            : op === "addParticipant"
              ? { conversationId: conv, identity: "zed" }
              : {};
        if (field === "attributes") input.attributes = { note: s };
        else if (field === "attributeKey") input.attributes = { [s]: 1 };
        else input[field] = s;
        res = await rawRequest(t.url, {
          headers: { "content-type": "application/json", ...authorization("alice") },
          body: JSON.stringify({ query: MUTATIONS[op].doc, variables: { i: input } }),
        });
      }
      expectContractAnswer(res, { mutation: true, label: c.label });
      await expectServerUp(c.label);
      await expectNothingLeftBehind(c.label);
    });
    await expectQuiescentAndClean("U+0000");
  });

  it("broken graphql-multipart-request-spec requests: operations, map, files, limits, auth", async () => {
    await check("multipart", multipartCase, RUNS.multipart, async (c) => {
      const res = await rawRequest(t.url, { ...buildMultipartCase(c), timeoutMs: HANG_MS });
      expectContractAnswer(res, { mutation: true, label: c.label });
      await expectServerUp(c.label);
      await expectNothingLeftBehind(c.label);
      await expectNoUploadBuffers(c.label);
    });
    await expectQuiescentAndClean("multipart");
  });

  // busboy's parse errors carry no HTTP status (wrong boundary, malformed part head, over-long field
  // name, body cut short, LF line ends, no boundary at all): multipartErrorsAsBadInput
  // (src/http/errors.ts) drains the body and answers 400 BAD_USER_INPUT (it was 500, or no answer).
  it("broken multipart framing: boundaries, part heads, huge field names, bodies that stop early", async () => {
    const FRAMINGS = [
      "wrongBoundary",
      "noBoundary",
      "emptyBoundary",
      "malformedPartHead",
      "noContentDisposition",
      "hugeFieldName",
      "hugeHeaderValue",
      "cutShort",
      "noClosingBoundary",
      "lfOnly",
    ] as const;
    const arb = fc
      .record({
        framing: fc.constantFrom(...FRAMINGS),
        file: fileSpec,
        size: fc.integer({ min: 10_000, max: 400_000 }),
        cut: fc.integer({ min: 0, max: 9_999 }).map((n) => n / 10_000),
      })
      .map((c) =>
        labelled(
          c,
          `framing=${c.framing} file=${c.file.size}${c.file.png ? "png" : ""} size=${c.size} cut=${c.cut.toFixed(4)}`,
        ),
      );
    await check("framing", arb, RUNS.framing, async (c) => {
      const { operations, map, files } = validMediaParts({ files: [c.file] });
      const parts: Part[] = [
        { name: "operations", value: JSON.stringify(operations) },
        { name: "map", value: JSON.stringify(map) },
        ...files,
      ];
      const boundary = "framing";
      let headerBoundary: string | undefined = boundary;
      let closing = true;
      switch (c.framing) {
        case "wrongBoundary":
          headerBoundary = "other";
          break;
        case "noBoundary":
          headerBoundary = undefined;
          break;
        case "emptyBoundary":
          headerBoundary = "";
          break;
        case "malformedPartHead":
          parts[1] = { ...parts[1]!, rawHead: "this is not a header" };
          break;
        case "noContentDisposition":
          parts[0] = { ...parts[0]!, rawHead: "Content-Type: application/json" };
          break;
        case "hugeFieldName":
          parts.splice(0, 0, { name: "f".repeat(c.size), value: "x" });
          break;
        case "hugeHeaderValue":
          parts[0] = {
            ...parts[0]!,
            rawHead: `Content-Disposition: form-data; name="operations"${CRLF}X-Padding: ${"p".repeat(c.size)}`,
          };
          break;
        case "noClosingBoundary":
          closing = false;
          break;
      }
      let body = multipart(boundary, parts, closing);
      if (c.framing === "cutShort") body = body.subarray(0, Math.floor(body.length * c.cut));
      if (c.framing === "lfOnly") body = Buffer.from(body.toString("latin1").replaceAll(CRLF, "\n"), "latin1");
      const contentType =
        headerBoundary === undefined ? "multipart/form-data" : `multipart/form-data; boundary=${headerBoundary}`;
      const res = await rawRequest(t.url, {
        headers: { "content-type": contentType, "apollo-require-preflight": "true", ...authorization("alice") },
        body,
        timeoutMs: HANG_MS,
      });
      expectContractAnswer(res, { mutation: true, label: c.label });
      await expectServerUp(c.label);
      await expectNothingLeftBehind(c.label);
      await expectNoUploadBuffers(c.label);
    });
    await expectQuiescentAndClean("framing");
  });

  // The media module destroys the read streams it opened when a file fails, and the request's
  // buffer files (out-of-order parts) go when its response closes (this leaked on the embedded backend before).
  it("clients that disconnect half-way through a media upload leave nothing behind", async () => {
    const arb = fc
      .record({
        // Within the (small) limits, so the server stores what arrives until the client is gone.
        files: fc.array(fc.record({ size: fc.integer({ min: 1, max: 150_000 }), png: fc.boolean() }), {
          minLength: 1,
          maxLength: 2,
        }),
        cut: fc.integer({ min: 0, max: 9_999 }).map((n) => n / 10_000),
        how: fc.constantFrom("end" as const, "destroy" as const),
      })
      .map((c) =>
        labelled(c, `disconnect ${c.how} files=${c.files.map((f) => f.size).join(",")} cut=${c.cut.toFixed(4)}`),
      );
    await check("disconnect", arb, RUNS.disconnect, async (c) => {
      const { operations, map, files } = validMediaParts({ files: c.files });
      const body = multipart("gone", [
        { name: "operations", value: JSON.stringify(operations) },
        { name: "map", value: JSON.stringify(map) },
        ...files,
      ]);
      // Cut before the last file's final byte: the request can never be complete.
      const lastFileEnd = body.length - `${CRLF}--gone--${CRLF}`.length;
      const truncateAt = Math.floor(lastFileEnd * c.cut);
      const res = await rawRequest(t.url, {
        headers: {
          "content-type": "multipart/form-data; boundary=gone",
          "apollo-require-preflight": "true",
          ...authorization("alice"),
        },
        body,
        truncateAt,
        truncateWith: c.how,
      });
      // Usually nobody is left to answer. A half-closed connection may still read a 4xx (whether it
      // is JSON is the next test's business).
      if (res) expect(res.status >= 400 && res.status < 500, `${c.label} -> ${describeAnswer(res)}`).toBe(true);
      await expectServerUp(c.label);
      // Cleanup runs after the socket closes; a leftover never goes away, so polling finds it.
      await eventually(() => expectNothingLeftBehind(c.label));
      await expectNoUploadBuffers(c.label);
    });
    await expectQuiescentAndClean("disconnects");
  });

  // Node's parser refuses a half-closed, incomplete request; answerClientErrorsWithJson makes that 400 JSON.
  it("answers a body that ends before its Content-Length with a JSON 400", async () => {
    const { operations, map, files } = validMediaParts({ files: [{ size: 50_000, png: false }] });
    const body = multipart("short", [
      { name: "operations", value: JSON.stringify(operations) },
      { name: "map", value: JSON.stringify(map) },
      ...files,
    ]);
    // The client half-closes its side after 60% of the promised bytes and waits for the answer.
    const res = await rawRequest(t.url, {
      headers: {
        "content-type": "multipart/form-data; boundary=short",
        "apollo-require-preflight": "true",
        ...authorization("alice"),
      },
      body,
      truncateAt: Math.floor(body.length * 0.6),
      truncateWith: "end",
    });
    expectContractAnswer(res, { mutation: true, label: "half-closed after 60% of the body" });
    expect(codeOfAnswer(res)).toBe("BAD_USER_INPUT");
    await expectQuiescentAndClean("half-closed body");
  });

  // graphql-upload 17.1 let a second part with the same file field name overwrite `upload.file`, so
  // the first part's buffer file was never released; patches/graphql-upload@17.1.0.patch ignores it.
  it("a file field sent twice in one request leaves no upload buffer file behind", async () => {
    const { operations, map, files } = validMediaParts({ files: [{ size: 100_000, png: false }] });
    operations.variables.i.conversationId = "0190c6f2-0000-7000-8000-000000000000";
    const res = await rawRequest(t.url, {
      headers: {
        "content-type": "multipart/form-data; boundary=twice",
        "apollo-require-preflight": "true",
        ...authorization("alice"),
      },
      body: multipart("twice", [
        { name: "operations", value: JSON.stringify(operations) },
        { name: "map", value: JSON.stringify(map) },
        files[0]!,
        files[0]!,
      ]),
      timeoutMs: HANG_MS,
    });
    expectContractAnswer(res, { mutation: true, label: "file field 0 sent twice" });
    expect(codeOfAnswer(res)).toBe("NOT_FOUND");
    await expectQuiescentAndClean("file field sent twice");
  });

  // A file refused mid-stream by the size limits leaves no buffer file: the media module closes its reader.
  it("files over the per-file or the combined size limit leave no upload buffer file behind", async () => {
    const sizes = [[200_001], [150_000, 150_001]];
    for (const [n, files] of sizes.entries()) {
      const { operations, map, files: parts } = validMediaParts({ files: files.map((size) => ({ size, png: false })) });
      const res = await rawRequest(t.url, {
        headers: {
          "content-type": `multipart/form-data; boundary=limit${n}`,
          "apollo-require-preflight": "true",
          ...authorization("alice"),
        },
        body: multipart(`limit${n}`, [
          { name: "operations", value: JSON.stringify(operations) },
          { name: "map", value: JSON.stringify(map) },
          ...parts,
        ]),
        timeoutMs: HANG_MS,
      });
      expectContractAnswer(res, { mutation: true, label: `files of ${files.join(" + ")} bytes` });
      expect(codeOfAnswer(res)).toBe("PAYLOAD_TOO_LARGE");
    }
    await expectQuiescentAndClean("files over the size limits");
  });
});
