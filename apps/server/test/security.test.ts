import { createServer, type Server } from "node:http";
import { readFileSync, readdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { GraphQLError, parse, specifiedRules, validate, buildSchema, type ValidationRule } from "graphql";
import { SignJWT, exportJWK, generateKeyPair } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { typeDefs } from "@parley/schema";
import { pino } from "pino";
import {
  createArmor,
  estimateOperation,
  MAX_MESSAGES_PER_OPERATION,
  MAX_RETURNED_OBJECTS,
} from "../src/graphql/armor.ts";
import { formatError } from "../src/graphql/format-error.ts";
import { jsonBytesWithin, jsonFitsWithin, MAX_RESPONSE_BYTES } from "../src/graphql/response-size.ts";
import { codeOf, startTestServer, type GraphQLResponse, type TestServer } from "./harness.ts";
import { collect, wsClient } from "./ws.ts";
import { postMultipart } from "@parley/testkit";

type KeyLike = Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];
const viewerQuery = JSON.stringify({ query: "{ viewer { identity } }" });
async function asBearer(url: string, token: string) {
  const res = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: viewerQuery,
  });
  return {
    status: res.status,
    json: (await res.json()) as {
      data?: { viewer: { identity: string } };
      errors?: { extensions: { code: string } }[];
    },
  };
}

describe("JWT", () => {
  let t: TestServer;
  const secret = "s".repeat(40);
  const key = new TextEncoder().encode(secret);
  beforeAll(async () => {
    t = await startTestServer({ env: { AUTH_JWT_SECRET: secret } });
  });
  afterAll(() => t?.close());
  const now = () => Math.floor(Date.now() / 1000);
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");

  it("accepts a valid HS256 token and refuses expired, not-yet-valid, alg none, wrong secret, missing sub or exp", async () => {
    const ok = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("alice")
      .setExpirationTime(now() + 60)
      .sign(key);
    expect((await asBearer(t.url, ok)).json.data?.viewer.identity).toBe("alice");
    const bad = {
      expired: await new SignJWT({})
        .setProtectedHeader({ alg: "HS256" })
        .setSubject("alice")
        .setExpirationTime(now() - 5)
        .sign(key),
      notYetValid: await new SignJWT({})
        .setProtectedHeader({ alg: "HS256" })
        .setSubject("alice")
        .setNotBefore(now() + 600)
        .setExpirationTime(now() + 900)
        .sign(key),
      algNone: `${b64({ alg: "none", typ: "JWT" })}.${b64({ sub: "alice", exp: now() + 60 })}.`,
      wrongSecret: await new SignJWT({})
        .setProtectedHeader({ alg: "HS256" })
        .setSubject("alice")
        .setExpirationTime(now() + 60)
        .sign(new TextEncoder().encode("x".repeat(40))),
      missingSub: await new SignJWT({})
        .setProtectedHeader({ alg: "HS256" })
        .setExpirationTime(now() + 60)
        .sign(key),
      missingExp: await new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject("alice").sign(key),
      hs512: await new SignJWT({})
        .setProtectedHeader({ alg: "HS512" })
        .setSubject("alice")
        .setExpirationTime(now() + 60)
        .sign(new TextEncoder().encode("s".repeat(64))),
    };
    for (const [name, token] of Object.entries(bad)) {
      const res = await asBearer(t.url, token);
      expect(res.status, name).toBe(401);
      expect(res.json.errors?.[0]?.extensions.code, name).toBe("UNAUTHENTICATED");
    }
  });

  it("a token accepted before (verified tokens are remembered) is refused once its exp passes", async () => {
    const short = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("alice")
      .setExpirationTime(now() + 2)
      .sign(key);
    for (let i = 0; i < 3; i++) expect((await asBearer(t.url, short)).json.data?.viewer.identity).toBe("alice");
    // exp is whole seconds: the token is expired from the second exp on.
    const exp = JSON.parse(Buffer.from(short.split(".")[1]!, "base64url").toString()) as { exp: number };
    await new Promise((r) => setTimeout(r, Math.max(0, exp.exp * 1000 - Date.now()) + 50));
    const res = await asBearer(t.url, short);
    expect(res.status).toBe(401);
    expect(res.json.errors?.[0]?.extensions.code).toBe("UNAUTHENTICATED");
  });
});

// Review findings 3 and 4: AUTH_ISSUER/AUTH_AUDIENCE were ignored for HS256 tokens, and `sub` was only
// length-checked (NUL answered INTERNAL_SERVER_ERROR, CR/LF and U+202E became identities, lone
// surrogates collapsed to U+FFFD so two subs mapped to one identity).
describe("JWT claims: issuer and audience on HS256 too; sub must be a valid identity", () => {
  let t: TestServer;
  const secret = "q".repeat(40);
  const key = new TextEncoder().encode(secret);
  beforeAll(async () => {
    t = await startTestServer({
      env: { AUTH_JWT_SECRET: secret, AUTH_ISSUER: "https://parley.example", AUTH_AUDIENCE: "parley" },
    });
  });
  afterAll(() => t?.close());
  const hs256 = (claims: { iss?: string; aud?: string; sub?: string }) => {
    let jwt = new SignJWT({}).setProtectedHeader({ alg: "HS256" });
    if (claims.iss) jwt = jwt.setIssuer(claims.iss);
    if (claims.aud) jwt = jwt.setAudience(claims.aud);
    if (claims.sub !== undefined) jwt = jwt.setSubject(claims.sub);
    return jwt.setExpirationTime(Math.floor(Date.now() / 1000) + 60).sign(key);
  };
  const ours = { iss: "https://parley.example", aud: "parley" };

  it("accepts HS256 tokens only with the configured issuer and audience, and issues such tokens itself", async () => {
    expect((await asBearer(t.url, await hs256({ ...ours, sub: "alice" }))).json.data?.viewer.identity).toBe("alice");
    expect((await asBearer(t.url, await t.token("bob"))).json.data?.viewer.identity).toBe("bob");
    const cases = {
      noClaims: await hs256({ sub: "alice" }),
      otherService: await hs256({ iss: "https://billing.example", aud: "billing", sub: "alice" }),
      wrongIssuer: await hs256({ ...ours, iss: "https://evil.example", sub: "alice" }),
      wrongAudience: await hs256({ ...ours, aud: "billing", sub: "alice" }),
      noAudience: await hs256({ iss: ours.iss, sub: "alice" }),
    };
    for (const [name, token] of Object.entries(cases)) {
      const res = await asBearer(t.url, token);
      expect(res.status, name).toBe(401);
      expect(res.json.errors?.[0]?.extensions.code, name).toBe("UNAUTHENTICATED");
    }
  });

  it("refuses a sub with control characters, bidi overrides, lone surrogates or over 256 characters", async () => {
    const subs = {
      nul: "ali\u0000ce",
      crlf: "alice\r\nadmin",
      tab: "ali\tce",
      del: "alice\u007f",
      c1: "alice\u0085",
      rlo: "alice\u202eeve",
      isolate: "\u2067alice",
      loneHigh: "alice\ud800",
      loneLow: "\udc00alice",
      empty: "",
      long: "a".repeat(257),
      longAstral: "😀".repeat(257),
    };
    for (const [name, sub] of Object.entries(subs)) {
      const res = await asBearer(t.url, await hs256({ ...ours, sub }));
      expect(res.status, name).toBe(401);
      expect(res.json.errors?.[0]?.extensions.code, name).toBe("UNAUTHENTICATED");
    }
    // Lengths count code points, as everywhere: 256 emoji are 256 characters.
    for (const sub of ["😀".repeat(256), "a".repeat(256), "Zoë 中文 o'brien@example.com"]) {
      expect((await asBearer(t.url, await hs256({ ...ours, sub }))).json.data?.viewer.identity).toBe(sub);
    }
    // Participants follow the same rule (BAD_USER_INPUT there), and nothing was stored for the refused subs.
    const CREATE = `mutation($p: [String!]) { createConversation(input: { participants: $p }) { id } }`;
    for (const p of ["bob\u202e", "bob\ud800", "bob\u0085"]) {
      expect(codeOf(await t.gql("alice", CREATE, { p: [p] })), JSON.stringify(p)).toBe("BAD_USER_INPUT");
    }
    expect(await t.sql`select count(*)::int as n from participants`).toEqual([{ n: 0 }]);
  });
});

describe("JWKS from an identity provider", () => {
  let idp: Server;
  let t: TestServer;
  let privateKey: KeyLike;
  let otherKey: KeyLike;
  beforeAll(async () => {
    const pair = await generateKeyPair("RS256", { extractable: true });
    privateKey = pair.privateKey;
    otherKey = (await generateKeyPair("RS256")).privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "RS256", use: "sig" };
    idp = createServer((req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => idp.listen(0, "127.0.0.1", r));
    const { port } = idp.address() as AddressInfo;
    t = await startTestServer({
      env: {
        AUTH_JWT_SECRET: "",
        AUTH_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`,
        AUTH_ISSUER: "https://idp.example",
        AUTH_AUDIENCE: "parley",
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    idp?.close();
  });
  const sign = (key: KeyLike, claims: { iss?: string; aud?: string; sub?: string; exp?: number }) => {
    let jwt = new SignJWT({}).setProtectedHeader({ alg: "RS256", kid: "k1" });
    if (claims.iss) jwt = jwt.setIssuer(claims.iss);
    if (claims.aud) jwt = jwt.setAudience(claims.aud);
    if (claims.sub) jwt = jwt.setSubject(claims.sub);
    return jwt.setExpirationTime(claims.exp ?? Math.floor(Date.now() / 1000) + 60).sign(key);
  };

  it("accepts tokens signed by the provider's key with the right issuer and audience", async () => {
    const res = await asBearer(
      t.url,
      await sign(privateKey, { iss: "https://idp.example", aud: "parley", sub: "carol" }),
    );
    expect(res.json.data?.viewer.identity).toBe("carol");
  });

  it("refuses another key, another issuer or audience, and HS256 tokens when no secret is configured", async () => {
    const cases = {
      otherKey: await sign(otherKey, { iss: "https://idp.example", aud: "parley", sub: "carol" }),
      wrongIssuer: await sign(privateKey, { iss: "https://evil.example", aud: "parley", sub: "carol" }),
      wrongAudience: await sign(privateKey, { iss: "https://idp.example", aud: "other", sub: "carol" }),
      noSub: await sign(privateKey, { iss: "https://idp.example", aud: "parley" }),
      hs256: await new SignJWT({})
        .setProtectedHeader({ alg: "HS256" })
        .setSubject("carol")
        .setExpirationTime(Math.floor(Date.now() / 1000) + 60)
        .sign(new TextEncoder().encode("k".repeat(40))),
    };
    for (const [name, token] of Object.entries(cases)) {
      const res = await asBearer(t.url, token);
      expect(res.json.errors?.[0]?.extensions.code, name).toBe("UNAUTHENTICATED");
    }
  });
});

describe("rate limits (per identity, per process)", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({
      env: { RATE_LIMIT_MESSAGES_PER_MINUTE: "5", RATE_LIMIT_UPLOAD_BYTES_PER_MINUTE: "10000" },
    });
  });
  afterAll(() => t?.close());

  it("answers RATE_LIMITED with a retry-after hint once the minute's messages are used, per identity", async () => {
    const c = await t.gql<{ createConversation: { id: string } }>(
      "alice",
      `mutation { createConversation(input: { participants: ["bob"] }) { id } }`,
    );
    const id = c.data!.createConversation.id;
    const SEND = `mutation($i: SendMessageInput!) { sendMessage(input: $i) { index } }`;
    for (let i = 0; i < 5; i++)
      expect((await t.gql("alice", SEND, { i: { conversationId: id, body: `m${i}` } })).errors).toBeUndefined();
    const limited = await t.gql("alice", SEND, { i: { conversationId: id, body: "one too many" } });
    expect(codeOf(limited)).toBe("RATE_LIMITED");
    const retry = (limited.errors![0]!.extensions as { retryAfterSeconds: number }).retryAfterSeconds;
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(60);
    // Another identity has its own budget; the refused send consumed no index.
    expect(
      (await t.gql<{ sendMessage: { index: number } }>("bob", SEND, { i: { conversationId: id, body: "bob" } })).data
        ?.sendMessage.index,
    ).toBe(5);
  });

  it("says when to retry in a Retry-After header and a typed retryAfterSeconds, exposed to browsers", async () => {
    const c = await t.gql<{ createConversation: { id: string } }>(
      "erin",
      `mutation { createConversation(input: {}) { id } }`,
    );
    const token = await t.token("erin");
    const send = (body: string) =>
      fetch(t.graphqlUrl, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${token}`,
          origin: "https://app.example",
        },
        body: JSON.stringify({
          query: `mutation($i: SendMessageInput!) { sendMessage(input: $i) { index } }`,
          variables: { i: { conversationId: c.data!.createConversation.id, body } },
        }),
      });
    for (let i = 0; i < 5; i++) expect((await send(`m${i}`)).headers.get("retry-after")).toBeNull();
    const limited = await send("one too many");
    const json = (await limited.json()) as { errors: { extensions: { code: string; retryAfterSeconds: number } }[] };
    expect(json.errors[0]!.extensions.code).toBe("RATE_LIMITED");
    const seconds = json.errors[0]!.extensions.retryAfterSeconds;
    expect(Number.isInteger(seconds) && seconds > 0 && seconds <= 60).toBe(true);
    expect(limited.headers.get("retry-after")).toBe(String(seconds));
    expect(limited.headers.get("access-control-expose-headers")).toMatch(/retry-after/i);
  });

  // Review finding 8: idempotent repeats and createConversation/addParticipant/updateMessage were never limited.
  it("limits idempotent repeats with sends, and createConversation, addParticipant, updateMessage in their own window", async () => {
    const c = await t.gql<{ createConversation: { id: string } }>(
      "gwen",
      `mutation { createConversation(input: {}) { id } }`,
    );
    const id = c.data!.createConversation.id;
    const ADD = `mutation($c: ID!, $w: String!) { addParticipant(input: { conversationId: $c, identity: $w }) { id } }`;
    for (const w of ["f1", "f2"]) expect((await t.gql("gwen", ADD, { c: id, w })).errors).toBeUndefined();
    const SEND = `mutation($i: SendMessageInput!) { sendMessage(input: $i) { id } }`;
    const sent = await t.gql<{ sendMessage: { id: string } }>("gwen", SEND, {
      i: { conversationId: id, body: "once", idempotencyKey: "k" },
    });
    const UPDATE = `mutation($i: UpdateMessageInput!) { updateMessage(input: $i) { id } }`;
    for (const body of ["twice", "thrice"]) {
      expect((await t.gql("gwen", UPDATE, { i: { id: sent.data!.sendMessage.id, body } })).errors).toBeUndefined();
    }
    // 5 changes used: the sixth of any kind is refused and changes nothing.
    expect(codeOf(await t.gql("gwen", ADD, { c: id, w: "f3" }))).toBe("RATE_LIMITED");
    expect(codeOf(await t.gql("gwen", `mutation { createConversation(input: {}) { id } }`))).toBe("RATE_LIMITED");
    expect(await t.sql`select count(*)::int as n from participants where conversation_id = ${id}`).toEqual([{ n: 3 }]);
    // Repeats of the idempotent send count as sends: 1 send + 4 repeats, then RATE_LIMITED.
    for (let i = 0; i < 4; i++) {
      expect(
        (await t.gql("gwen", SEND, { i: { conversationId: id, body: "once", idempotencyKey: "k" } })).errors,
      ).toBeUndefined();
    }
    expect(codeOf(await t.gql("gwen", SEND, { i: { conversationId: id, body: "once", idempotencyKey: "k" } }))).toBe(
      "RATE_LIMITED",
    );
  });

  it("limits upload bytes per minute and stores nothing for the refused upload", async () => {
    const c = await t.gql<{ createConversation: { id: string } }>(
      "dora",
      `mutation { createConversation(input: {}) { id } }`,
    );
    const id = c.data!.createConversation.id;
    const send = async () =>
      postMultipart(
        t.graphqlUrl,
        await t.token("dora"),
        {
          query: `mutation($i: SendMediaMessageInput!) { sendMediaMessage(input: $i) { id } }`,
          variables: { i: { conversationId: id, media: [{ file: null }] } },
        },
        [{ path: "variables.i.media.0.file", filename: "a.bin", body: Buffer.alloc(12_000, 1) }],
      );
    expect((await send()).json.errors).toBeUndefined();
    const second = await send();
    expect(codeOf(second.json)).toBe("RATE_LIMITED");
    expect(await t.objects(`media/${id}/`)).toHaveLength(1);
  });
});

describe("query limits (graphql-armor)", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t?.close());

  it("refuses too deep, too many aliases and too many tokens with BAD_USER_INPUT", async () => {
    const hop = (inner: string) => `conversation { messages { edges { node { ${inner} } } } }`;
    const deep = `query($id: ID!) { message(id: $id) { ${hop(hop(hop("id")))} } }`; // depth 14 > 12
    expect(codeOf(await t.gql("alice", deep, { id: "x" }))).toBe("BAD_USER_INPUT");
    const aliases = `{ ${Array.from({ length: 20 }, (_, i) => `a${i}: viewer { identity }`).join(" ")} }`;
    expect(codeOf(await t.gql("alice", aliases))).toBe("BAD_USER_INPUT");
    const tokens = `{ viewer { ${Array.from({ length: 2500 }, () => "identity").join(" ")} } }`;
    expect(codeOf(await t.gql("alice", tokens))).toBe("BAD_USER_INPUT");
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });

  it("lets every operation of the SDK and web app pass at half the limits", () => {
    const schema = buildSchema(typeDefs);
    const half = createArmor(0.5).validationRules as unknown as ValidationRule[];
    const dir = new URL("../../../packages/client/src/operations/", import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith(".graphql"));
    expect(files.length).toBeGreaterThan(0);
    const all = files.map((f) => readFileSync(new URL(f, dir), "utf8")).join("\n");
    const doc = parse(all);
    const errors: readonly GraphQLError[] = validate(schema, doc, [...specifiedRules, ...half]);
    expect(errors.map((e) => e.message)).toEqual([]);
    // And each returns at most half the objects allowed, at the default participant and file limits.
    const fragments = Object.fromEntries(
      doc.definitions.filter((d) => d.kind === "FragmentDefinition").map((d) => [d.name.value, d]),
    );
    for (const op of doc.definitions) {
      if (op.kind !== "OperationDefinition") continue;
      const root =
        op.operation === "mutation" ? "Mutation" : op.operation === "subscription" ? "Subscription" : "Query";
      const { objects, messages } = estimateOperation(
        schema,
        op as never,
        fragments as never,
        {},
        { maxParticipants: 1000, maxFiles: 10 },
        root,
      );
      expect(objects, op.name?.value).toBeLessThanOrEqual(MAX_RETURNED_OBJECTS / 2);
      expect(messages, op.name?.value).toBeLessThanOrEqual(MAX_MESSAGES_PER_OPERATION / 2);
    }
  });

  // Review finding 2: 15 aliases x conversations(first: 5) { participants } passed the cost limit
  // (participants weighed like one field) and returned 218 MB; /healthz waited 29 s.
  it("weighs list fields by what they can hold: participants, media, connections, aliases, variables", async () => {
    const refused = async (query: string, variables?: Record<string, unknown>) => {
      const res = await fetch(t.graphqlUrl, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${await t.token("alice")}` },
        body: JSON.stringify({ query, variables }),
      });
      const json = (await res.json()) as { errors?: { message: string; extensions: { code: string } }[] };
      return { status: res.status, code: json.errors?.[0]?.extensions.code, message: json.errors?.[0]?.message ?? "" };
    };
    const fanOut = `{ ${Array.from({ length: 15 }, (_, i) => `a${i}: conversations(first: 5) { edges { node { participants { identity } } } }`).join(" ")} }`;
    const r = await refused(fanOut);
    expect(r).toMatchObject({ status: 400, code: "BAD_USER_INPUT" });
    expect(r.message).toMatch(/up to 75165 objects; the limit is 50000/);
    const PAGE = `query($n: Int) { conversations(first: $n) { edges { node { participants { identity } } } } }`;
    expect((await refused(PAGE, { n: 100 })).code).toBe("BAD_USER_INPUT");
    expect((await refused(PAGE, { n: 20 })).code).toBeUndefined();
    const media = `{ conversations(first: 100) { edges { node { messages(last: 100) { edges { node { media { id } } } } } } } }`;
    expect((await refused(media)).code).toBe("BAD_USER_INPUT");
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });

  // Found by fuzz-limits.test.ts: aliases of one page of the longest messages made the embedded
  // database read the page once per alias in the server's thread (4 x 33 messages of 144 KiB kept
  // /healthz waiting 274 ms), and 100 conversations x 100 messages could read 1.4 GB of rows.
  it("reads at most 100 messages per operation, however they are asked for", async () => {
    const c = await t.gql<{ createConversation: { id: string } }>(
      "alice",
      `mutation { createConversation(input: {}) { id } }`,
    );
    const id = c.data!.createConversation.id;
    const page = (n: number) => `messages(last: ${n}) { edges { node { id body } } }`;
    // Page sizes in variables: graphql-armor's cost multiplies by literal first/last only.
    const nested = `query($n: Int, $m: Int) { conversations(first: $n) { edges { node { messages(last: $m) { edges { node { id body } } } } } } }`;
    const cases: [string, Record<string, unknown>, boolean][] = [
      [`query($id: ID!) { conversation(id: $id) { ${page(100)} } }`, { id }, true],
      [
        `query($id: ID!) { a: conversation(id: $id) { ${page(50)} } b: conversation(id: $id) { ${page(50)} } }`,
        { id },
        true,
      ],
      [
        `query($id: ID!) { a: conversation(id: $id) { ${page(60)} } b: conversation(id: $id) { ${page(60)} } }`,
        { id },
        false,
      ],
      [`query($id: ID!) { conversation(id: $id) { a: ${page(100)} b: ${page(1)} } }`, { id }, false],
      [nested, { n: 20, m: 5 }, true],
      [nested, { n: 20, m: 10 }, false],
      // 20,300 objects: under the objects limit, and 10,000 rows of up to 144 KiB each.
      [nested, { n: 100, m: 100 }, false],
    ];
    for (const [query, variables, allowed] of cases) {
      const res = await t.gql("alice", query, variables);
      if (allowed) expect(res.errors, `${query} ${JSON.stringify(variables)}`).toBeUndefined();
      else {
        expect(res.status, query).toBe(400);
        expect(res.errors?.[0]?.message, `${query} ${JSON.stringify(variables)}`).toMatch(
          /up to \d+ messages; the limit is 100 \(one page\) per operation/,
        );
      }
    }
  });

  it("turns introspection off in production", async () => {
    const prod = await startTestServer({ env: { NODE_ENV: "production" } });
    try {
      expect(codeOf(await prod.gql("alice", "{ __schema { types { name } } }"))).toBe("BAD_USER_INPUT");
      expect(codeOf(await t.gql("alice", "{ __schema { queryType { name } } }"))).toBeUndefined();
    } finally {
      await prod.close();
    }
  });
});

// Found while extending the fuzz suite (issue 17): graphql-ws executes queries too, outside Apollo's
// plugins, so the 15-alias fan-out of finding 2 still ran over a WebSocket; and an answer was bounded in
// objects but not bytes: an alias name is repeated in every object (a 900 KB alias over 5000
// participants made a 4.5 GB answer, which failed as INTERNAL_SERVER_ERROR, and smaller ones were sent).
describe("fan-out over WebSocket, and the size of an answer", () => {
  let t: TestServer;
  let alice = "";
  beforeAll(async () => {
    t = await startTestServer();
    alice = await t.token("alice");
    for (let i = 0; i < 2; i++) {
      const res = await t.gql(
        "alice",
        `mutation($p: [String!]) { createConversation(input: { participants: $p }) { id } }`,
        {
          p: Array.from({ length: 999 }, (_, j) => `p${j}`),
        },
      );
      expect(res.errors).toBeUndefined();
    }
  });
  afterAll(() => t?.close());
  const overWs = async (query: string) => {
    const client = wsClient(t.url, alice);
    try {
      const got = collect<Record<string, unknown>>(client, query, {});
      await got.done;
      return got;
    } finally {
      await client.dispose();
    }
  };
  const aliased = (length: number) =>
    `{ conversations(first: 2) { edges { node { participants { ${"a".repeat(length)}: identity } } } } }`;

  it("refuses over WebSocket the fan-out it refuses over HTTP", async () => {
    const fanOut = `{ ${Array.from({ length: 15 }, (_, i) => `a${i}: conversations(first: 5) { edges { node { participants { identity } } } }`).join(" ")} }`;
    expect(codeOf(await t.gql("alice", fanOut))).toBe("BAD_USER_INPUT");
    const got = await overWs(fanOut);
    expect(got.items).toEqual([]);
    expect(JSON.stringify(got.errors)).toMatch(/up to 75165 objects; the limit is 50000.*BAD_USER_INPUT/);
  });

  it(`answers over ${MAX_RESPONSE_BYTES} bytes of JSON with one BAD_USER_INPUT, over HTTP and WebSocket`, async () => {
    const post = async (query: string) => {
      const res = await fetch(t.graphqlUrl, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${alice}` },
        body: JSON.stringify({ query }),
      });
      const text = await res.text();
      return { status: res.status, bytes: Buffer.byteLength(text), json: JSON.parse(text) as GraphQLResponse };
    };
    // 2000 participants, each object repeating the alias: 3,500 characters fit, 5,000 do not.
    const fits = await post(aliased(3_500));
    expect(fits.json.errors).toBeUndefined();
    expect(fits.bytes).toBeGreaterThan(7_000_000);
    expect(fits.bytes).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
    for (const length of [5_000, 900_000]) {
      const refused = await post(aliased(length));
      expect(refused.status, `alias of ${length}`).toBe(200);
      expect(refused.bytes, `alias of ${length}`).toBeLessThan(1000);
      expect(refused.json.data).toBeNull();
      expect(refused.json.errors).toEqual([
        expect.objectContaining({ extensions: { code: "BAD_USER_INPUT", limitBytes: MAX_RESPONSE_BYTES } }),
      ]);
    }
    const ws = await overWs(aliased(5_000));
    expect(JSON.stringify(ws.errors)).toMatch(new RegExp(`would be over ${MAX_RESPONSE_BYTES} bytes.*BAD_USER_INPUT`));
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });

  // Also found by the fan-out fuzz: graphql-ws sent graphql's own validation errors without a code.
  it("gives every WebSocket error a contract code, as HTTP does", async () => {
    for (const [query, code] of [
      ["{ viewer { nope } }", "BAD_USER_INPUT"],
      ["query($x: ID) { viewer { identity } }", "BAD_USER_INPUT"],
      ["{ viewer { identity }", "BAD_USER_INPUT"],
      [`{ conversation(id: "0190c6f2-0000-7000-8000-000000000000") { id } }`, "NOT_FOUND"],
    ]) {
      const got = await overWs(query!);
      const errors = got.errors.flat() as { extensions?: { code?: string } }[];
      expect(errors.length, query).toBeGreaterThan(0);
      for (const e of errors) expect(e.extensions?.code, `${query}: ${JSON.stringify(e)}`).toBe(code);
    }
  });

  it("counts JSON bytes exactly, escapes and astral characters included, and stops past the limit", () => {
    const values: unknown[] = [
      { a: "x", 'é"': ["😀", null, 1.5, -0, 1e21, true, false, '\u0000\u001f\n"\\', "\ud800 lone"] },
      { skipped: undefined, f: () => 1, d: new Date(0), nested: [[], {}, [undefined]] },
      "中".repeat(1000),
    ];
    for (const v of values) expect(jsonBytesWithin(v, Infinity)).toBe(Buffer.byteLength(JSON.stringify(v)));
    expect(
      jsonBytesWithin(
        Array.from({ length: 1e6 }, () => "xxxxxxxx"),
        1000,
      ),
    ).toBeLessThan(1100);
  });

  it("tells an answer that fits the limit from one that does not, as the exact count does", () => {
    const values: unknown[] = [
      { a: "x", 'é"': ["😀", null, 1.5, -0, 1e21, true, false, '\u0000\u001f\n"\\', "\ud800 lone"] },
      { skipped: undefined, f: () => 1, d: new Date(0), nested: [[], {}, [undefined]] },
      { urls: Array.from({ length: 150 }, (_, i) => `https://s3.example/b/k${i}?X-Amz-Signature=${"f".repeat(64)}`) },
      [-0.0000012345678901234567, -2.2250738585072014e-308, Number.NaN, "\u0001".repeat(500), "\udfff".repeat(300)],
      "中".repeat(1000),
    ];
    for (const v of values) {
      const bytes = Buffer.byteLength(JSON.stringify(v));
      for (const limit of [0, bytes - 1, bytes, bytes + 1, 6 * bytes]) {
        expect(jsonFitsWithin(v, limit), `${bytes} bytes, limit ${limit}`).toBe(bytes <= limit);
      }
    }
  });
});

describe("media responses", () => {
  // Review finding 8: a cross-origin GET with Range is preflighted, and /media answered OPTIONS with 405.
  // /media is the embedded store's route, so this test always runs on one (never skipped).
  it("answer a CORS preflight on /media", async () => {
    const e = await startTestServer({ backend: "embedded" });
    try {
      const res = await fetch(`${e.url}/media/media/x/y?exp=1&sig=z`, {
        method: "OPTIONS",
        headers: {
          origin: "https://app.example",
          "access-control-request-method": "GET",
          "access-control-request-headers": "range",
        },
      });
      expect(res.status).toBe(204);
      expect(res.headers.get("access-control-allow-origin")).toBe("*");
      expect(res.headers.get("access-control-allow-methods")).toMatch(/GET/);
      expect(res.headers.get("access-control-allow-headers")).toMatch(/range/);
    } finally {
      await e.close();
    }
  });

  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t?.close());

  it("carry X-Content-Type-Options: nosniff and force active types to download", async () => {
    const c = await t.gql<{ createConversation: { id: string } }>(
      "alice",
      `mutation { createConversation(input: {}) { id } }`,
    );
    const id = c.data!.createConversation.id;
    const kinds = [
      { filename: "page.html", contentType: "text/html", body: Buffer.from("<html><script>alert(1)</script></html>") },
      { filename: "feed.xml", contentType: "application/xml", body: Buffer.from('<?xml version="1.0"?><a/>') },
      { filename: "x.js", contentType: "text/javascript", body: Buffer.from("alert(1)") },
      {
        filename: "pic.svg",
        contentType: "image/svg+xml",
        body: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'),
      },
    ];
    const res = await postMultipart(
      t.graphqlUrl,
      await t.token("alice"),
      {
        query: `mutation($i: SendMediaMessageInput!) { sendMediaMessage(input: $i) { media { contentType temporaryUrl } } }`,
        variables: { i: { conversationId: id, media: kinds.map(() => ({ file: null })) } },
      },
      kinds.map((k, i) => ({ ...k, path: `variables.i.media.${i}.file` })),
    );
    const media = (res.json.data!.sendMediaMessage as { media: { contentType: string; temporaryUrl: string }[] }).media;
    for (const m of media) {
      const got = await fetch(m.temporaryUrl);
      expect(got.status).toBe(200);
      // The embedded route serves from the API's origin: sandboxed. (MinIO cannot add the header.)
      if (t.backend === "embedded") expect(got.headers.get("content-security-policy"), m.contentType).toBe("sandbox");
      expect(got.headers.get("x-content-type-options"), m.contentType).toBe("nosniff");
      expect(got.headers.get("content-disposition"), m.contentType).toMatch(/^attachment/);
    }
  });
});

// Review finding 1: a filename within the 255-byte limit could percent-encode past the 1024 characters
// a temporary URL may pin; temporaryUrl threw, and since it is non-null the whole conversation read null.
describe("filenames against the signed-header limit, and the blast radius of one bad media row", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t?.close());

  const HISTORY = `query($id: ID!) { conversation(id: $id) { id messages(last: 30) { edges { node { body
    media { filename contentType temporaryUrl } } } } } }`;
  type History = {
    conversation: {
      messages: { edges: { node: { body: string | null; media: { filename: string; temporaryUrl: string }[] } }[] };
    } | null;
  };
  async function sendNamed(id: string, names: string[]) {
    const res = await postMultipart(
      t.graphqlUrl,
      await t.token("alice"),
      {
        query: `mutation($i: SendMediaMessageInput!) { sendMediaMessage(input: $i) { media { filename } } }`,
        variables: { i: { conversationId: id, media: names.map((filename) => ({ file: null, filename })) } },
      },
      names.map((_, i) => ({ path: `variables.i.media.${i}.file`, filename: "f.bin", body: Buffer.from(`file ${i}`) })),
    );
    expect(res.json.errors).toBeUndefined();
    return (res.json.data!.sendMediaMessage as { media: { filename: string }[] }).media.map((m) => m.filename);
  }

  it("signs every accepted filename, worst cases of percent-encoding included, and the history loads", async () => {
    const id = (
      await t.gql<{ createConversation: { id: string } }>("alice", `mutation { createConversation(input: {}) { id } }`)
    ).data!.createConversation.id;
    // Each is at the 255-byte limit; the first encodes to 765 characters plus a 255-character fallback.
    const names = [
      "%".repeat(255),
      `${"(".repeat(251)}.txt`,
      `${'"'.repeat(127)}${"é".repeat(64)}`,
      "😀".repeat(63),
      "中".repeat(85),
    ];
    expect(await sendNamed(id, names)).toEqual(names);
    await t.gql("alice", `mutation($i: SendMessageInput!) { sendMessage(input: $i) { id } }`, {
      i: { conversationId: id, body: "after the files" },
    });
    const res = await t.gql<History>("alice", HISTORY, { id });
    expect(res.errors).toBeUndefined();
    const edges = res.data!.conversation!.messages.edges;
    expect(edges.map((e) => e.node.body)).toEqual([null, "after the files"]);
    const media = edges[0]!.node.media;
    expect(media.map((m) => m.filename)).toEqual(names);
    for (const m of media) {
      const got = await fetch(m.temporaryUrl);
      expect(got.status, m.filename).toBe(200);
      const cd = got.headers.get("content-disposition")!;
      expect(cd.length, m.filename).toBeLessThanOrEqual(1024);
      // The exact name survives in filename*, whatever the fallback had to give up.
      const star = /filename\*=UTF-8''(.+)$/.exec(cd)?.[1];
      expect(decodeURIComponent(star ?? ""), m.filename).toBe(m.filename);
    }
  });

  it("serves a stored row whose headers cannot be signed as a download, without nulling the page", async () => {
    const id = (
      await t.gql<{ createConversation: { id: string } }>("alice", `mutation { createConversation(input: {}) { id } }`)
    ).data!.createConversation.id;
    await sendNamed(id, ["good.txt"]);
    await sendNamed(id, ["bad.txt"]);
    // A row no current code path writes (an older version's, or one edited by hand).
    await t.sql`update media set content_type = ${"text/plain\r\nSet-Cookie: a=b"} where filename = 'bad.txt'`;
    const res = await t.gql<History>("alice", HISTORY, { id });
    expect(res.errors).toBeUndefined();
    const [good, bad] = res.data!.conversation!.messages.edges.map((e) => e.node.media[0]!);
    expect(good!.filename).toBe("good.txt");
    const got = await fetch(bad!.temporaryUrl);
    expect(got.status).toBe(200);
    expect(got.headers.get("content-type")).toBe("application/octet-stream");
    expect(got.headers.get("content-disposition")).toBe("attachment");
    expect(got.headers.get("set-cookie")).toBeNull();
    expect(await got.text()).toBe("file 0");
  });
});

// Review finding 2 (the cap) and 5 (what an unbounded list and forged cursors did): 21,846 participants
// answered INTERNAL_SERVER_ERROR on PostgreSQL and STORAGE_UNAVAILABLE on PGlite (its 08P01 protocol
// error read as "database down"); a message cursor past int32 and a conversation cursor with a
// non-UUID id answered INTERNAL_SERVER_ERROR.
describe("participants cap and malformed client values", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ env: { CONVERSATION_MAX_PARTICIPANTS: "4" } });
  });
  afterAll(() => t?.close());
  const CREATE = `mutation($p: [String!]) { createConversation(input: { participants: $p }) { id participants { identity } } }`;
  const ADD = `mutation($c: ID!, $who: String!) { addParticipant(input: { conversationId: $c, identity: $who }) { identity } }`;
  const counts = async () =>
    (
      await t.sql`select (select count(*)::int from conversations) as c, (select count(*)::int from participants) as p`
    )[0];

  it("refuses a conversation over CONVERSATION_MAX_PARTICIPANTS, however many, and stores nothing", async () => {
    const before = await counts();
    for (const n of [4, 21_846]) {
      const res = await t.gql("alice", CREATE, { p: Array.from({ length: n }, (_, i) => `p${i}`) });
      expect(codeOf(res), `${n} participants`).toBe("PAYLOAD_TOO_LARGE");
      expect(res.errors![0]!.message).toMatch(/at most 4 participants/);
    }
    expect(await counts()).toEqual(before);
    // The creator and repeats count once: 3 others + alice is exactly the cap.
    const ok = await t.gql<{ createConversation: { participants: unknown[] } }>("alice", CREATE, {
      p: ["alice", "b", "c", "d", "d"],
    });
    expect(ok.data?.createConversation.participants).toHaveLength(4);
  });

  it("refuses addParticipant on a full conversation, even when racing, and re-adding changes nothing", async () => {
    const c = await t.gql<{ createConversation: { id: string } }>("alice", CREATE, { p: ["b"] });
    const id = c.data!.createConversation.id;
    const racing = await Promise.all(["x1", "x2", "x3", "x4", "x5"].map((who) => t.gql("alice", ADD, { c: id, who })));
    expect(racing.filter((r) => r.errors === undefined)).toHaveLength(2);
    for (const r of racing.filter((r) => r.errors)) expect(codeOf(r)).toBe("PAYLOAD_TOO_LARGE");
    expect(await t.sql`select count(*)::int as n from participants where conversation_id = ${id}`).toEqual([{ n: 4 }]);
    expect((await t.gql("alice", ADD, { c: id, who: "b" })).errors).toBeUndefined();
  });

  it("answers forged cursors and ids of every shape with BAD_USER_INPUT or NOT_FOUND, never a server error", async () => {
    const c = await t.gql<{ createConversation: { id: string } }>("alice", CREATE, { p: [] });
    const id = c.data!.createConversation.id;
    const cursor = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
    const MESSAGES = `query($id: ID!, $after: String, $before: String) { conversation(id: $id) {
      messages(after: $after, before: $before) { edges { cursor } } } }`;
    const messageCursors = [
      cursor([2 ** 31]),
      cursor([1e20]),
      cursor([-1]),
      cursor([1.5]),
      cursor(["1"]),
      cursor([]),
      cursor({}),
      "not base64 !",
      "",
    ];
    for (const k of messageCursors) {
      for (const arg of ["after", "before"]) {
        const res = await t.gql("alice", MESSAGES, { id, [arg]: k });
        expect(codeOf(res), `${arg}=${k}`).toBe("BAD_USER_INPUT");
      }
    }
    const CONVERSATIONS = `query($after: String) { conversations(after: $after) { edges { cursor } } }`;
    const conversationCursors = [
      cursor(["2026-01-01T00:00:00.000Z", "not-a-uuid"]),
      cursor(["2026-01-01T00:00:00.000Z", 7]),
      cursor(["-271821-04-20T00:00:00.000Z", id]),
      cursor(["+275760-09-13T00:00:00.000Z", id]),
      cursor(["2026-02-30T00:00:00.000Z", id]),
      cursor(["yesterday", id]),
      cursor([0, id]),
    ];
    for (const k of conversationCursors) {
      expect(codeOf(await t.gql("alice", CONVERSATIONS, { after: k })), k).toBe("BAD_USER_INPUT");
    }
    // A well-formed cursor that matches nothing is an empty page, not an error.
    const empty = await t.gql("alice", CONVERSATIONS, { after: cursor(["2000-01-01T00:00:00.000Z", id]) });
    expect(empty.errors).toBeUndefined();
    for (const bad of [
      "x",
      "0190c6f2-0000-7000-8000-00000000000",
      "0190c6f2-0000-7000-8000-0000000000000",
      "💥".repeat(40),
    ]) {
      expect(codeOf(await t.gql("alice", `query($id: ID!) { conversation(id: $id) { id } }`, { id: bad })), bad).toBe(
        "NOT_FOUND",
      );
      expect(codeOf(await t.gql("alice", `query($id: ID!) { message(id: $id) { id } }`, { id: bad })), bad).toBe(
        "NOT_FOUND",
      );
    }
  });
});

// Found by fuzz-limits.test.ts (values at their limit): idempotencyKey counted UTF-16 units, so 256
// emoji (256 characters) were refused, and a lone surrogate was stored as U+FFFD, so "k\ud800" and
// "k\udfff" named one message: the second send came back as the first.
describe("idempotency keys", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t?.close());
  const SEND = `mutation($i: SendMessageInput!) { sendMessage(input: $i) { id body } }`;

  it("count code points like every length, and refuse lone surrogates instead of merging two keys", async () => {
    const c = await t.gql<{ createConversation: { id: string } }>(
      "alice",
      `mutation { createConversation(input: {}) { id } }`,
    );
    const conversationId = c.data!.createConversation.id;
    const send = (idempotencyKey: string, body: string) =>
      t.gql<{ sendMessage: { id: string; body: string } }>("alice", SEND, {
        i: { conversationId, body, idempotencyKey },
      });
    const astral = await send("😀".repeat(256), "astral");
    expect(astral.errors).toBeUndefined();
    expect((await send("😀".repeat(256), "again")).data?.sendMessage.id).toBe(astral.data!.sendMessage.id);
    expect(codeOf(await send("😀".repeat(257), "over"))).toBe("BAD_USER_INPUT");
    for (const key of ["k\ud800", "k\udfff", "\udc00"]) {
      expect(codeOf(await send(key, "lone")), JSON.stringify(key)).toBe("BAD_USER_INPUT");
    }
    expect(await t.sql`select count(*)::int as n from messages`).toEqual([{ n: 1 }]);
  });
});

describe("database errors that are not outages", () => {
  it("reads PGlite's 08P01 protocol violation as a server error, not STORAGE_UNAVAILABLE, and keeps real outages", () => {
    const format = formatError(pino({ level: "silent" }));
    // What a resolver threw, as Apollo hands it over once unwrapped.
    const codeFor = (code: string) =>
      format({ message: "x", path: ["conversation"] }, Object.assign(new Error("db"), { code })).extensions?.code;
    expect(codeFor("08P01")).toBe("INTERNAL_SERVER_ERROR");
    for (const down of ["08006", "08001", "ECONNREFUSED", "57P01"])
      expect(codeFor(down), down).toBe("STORAGE_UNAVAILABLE");
    // A client value the services missed (invalid uuid text, integer out of range) stays the client's.
    for (const value of ["22P02", "22003"]) expect(codeFor(value), value).toBe("BAD_USER_INPUT");
  });
});

// Review finding 6: with introspection off, `media(categories: [MEDI])` answered
// 'Did you mean the enum value "MEDIA"?' (graphql-armor masks only the field form of the hint).
describe("no schema suggestions with introspection off", () => {
  it("names no enum value, field or argument of the schema in any error", async () => {
    const prod = await startTestServer({ env: { NODE_ENV: "production" } });
    const dev = await startTestServer();
    try {
      const cases: [string, Record<string, unknown>?][] = [
        [`{ conversations { edges { node { messages { edges { node { media(categories: [MEDI]) { id } } } } } } } }`],
        [
          `query($c: [MediaCategory!]) { conversations { edges { node { messages { edges { node { media(categories: $c) { id } } } } } } } }`,
          { c: ["MEDI"] },
        ],
        [`{ viewer { identit } }`],
        [`{ conversations(frist: 1) { edges { cursor } } }`],
        [`mutation { sendMessage(input: { conversationId: "x", bdy: "x" }) { id } }`],
        [`mutation($i: SendMessageInput!) { sendMessage(input: $i) { id } }`, { i: { conversationId: "x", bdy: "x" } }],
        [`{ conversations { edges { node { messages { edges { node { type @skip(iff: true) } } } } } } }`],
      ];
      for (const [query, variables] of cases) {
        const res = await prod.gql("alice", query, variables);
        expect(codeOf(res), query).toBe("BAD_USER_INPUT");
        for (const e of res.errors!) {
          expect(e.message, query).not.toMatch(/did you mean|suggestion/i);
          // A suggested name, not one the client sent or a required field it left out.
          expect(e.message, query).not.toMatch(/"(MEDIA|identity|first)"/);
        }
      }
      // Development keeps the hint (introspection is on there anyway).
      const hint = await dev.gql("alice", cases[0]![0]);
      expect(hint.errors![0]!.message).toMatch(/Did you mean the enum value "MEDIA"\?/);
    } finally {
      await prod.close();
      await dev.close();
    }
  });
});
