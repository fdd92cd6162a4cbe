// POST /graphql with a JSON body skips Express (src/graphql/json-post.ts). Every answer must be the
// one the Express route gives: the same request, once as plain `application/json` (the fast path)
// and once with an extra media-type parameter (which only Express takes), is compared.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./harness.ts";

let t: TestServer;
let token: string;

beforeAll(async () => {
  t = await startTestServer();
  token = await t.token("alice");
});
afterAll(async () => {
  await t?.close();
});

const FAST = "application/json";
const EXPRESS = "application/json; charset=utf-8; profile=parley-test";

interface Answer {
  status: number;
  body: unknown;
  headers: Record<string, string | null>;
  etag: string | null;
}

async function post(contentType: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(t.graphqlUrl, { method: "POST", headers: { "content-type": contentType, ...headers }, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text.replace(/"requestId":"[^"]+"/g, '"requestId":"<id>"'));
  } catch {
    // compared as text
  }
  const pick = ["content-type", "access-control-allow-origin", "access-control-expose-headers", "retry-after"];
  return {
    status: res.status,
    body: parsed,
    headers: Object.fromEntries(pick.map((h) => [h, res.headers.get(h)])),
    etag: res.headers.get("etag"),
  };
}

describe("POST /graphql with a JSON body (the path that skips Express)", () => {
  const cases: [string, () => string | Buffer, () => Record<string, string>][] = [
    ["a query", () => JSON.stringify({ query: "{ __typename }" }), () => ({})],
    [
      "an authenticated mutation with variables",
      () =>
        JSON.stringify({
          query: "mutation($p: [String!]!) { createConversation(input: { participants: $p }) { participants } }",
          variables: { p: ["bob"] },
        }),
      () => ({ authorization: `Bearer ${token}` }),
    ],
    ["a bad token", () => JSON.stringify({ query: "{ __typename }" }), () => ({ authorization: "Bearer nope" })],
    ["a query that does not validate", () => JSON.stringify({ query: "{ nope }" }), () => ({})],
    ["invalid JSON", () => "{bad", () => ({})],
    ["JSON whose top level is not an object or array", () => "123", () => ({})],
    ["an empty body", () => "", () => ({})],
    ["a batch (refused)", () => JSON.stringify([{ query: "{ __typename }" }]), () => ({})],
    ["a body after a UTF-8 byte order mark", () => `\ufeff${JSON.stringify({ query: "{ __typename }" })}`, () => ({})],
    ["leading JSON whitespace", () => `\r\n\t ${JSON.stringify({ query: "{ __typename }" })}`, () => ({})],
    [
      "a body of exactly 1 MiB",
      () => JSON.stringify({ query: `{ __typename }`, x: "a".repeat(1024 * 1024 - 33) }),
      () => ({}),
    ],
    ["a body over 1 MiB", () => JSON.stringify({ query: "{ __typename }", x: "a".repeat(1024 * 1024) }), () => ({})],
  ];

  it.each(cases)("answers %s exactly as the Express route does", async (_name, body, headers) => {
    const bytes = body();
    if (_name === "a body of exactly 1 MiB") expect(Buffer.byteLength(bytes)).toBe(1024 * 1024);
    const fast = await post(FAST, bytes, headers());
    const viaExpress = await post(EXPRESS, bytes, headers());
    expect(fast.etag).toBeNull(); // only Express's res.send adds one: this answer took the fast path
    expect(viaExpress.etag).not.toBeNull();
    expect({ status: fast.status, headers: fast.headers }).toEqual({
      status: viaExpress.status,
      headers: viaExpress.headers,
    });
    // Two createConversation calls make two conversations: compare their shape, not their ids.
    expect(JSON.stringify(fast.body).replace(/"id":"[^"]+"/g, "")).toEqual(
      JSON.stringify(viaExpress.body).replace(/"id":"[^"]+"/g, ""),
    );
  });

  it("refuses a declared Content-Length over 1 MiB as PAYLOAD_TOO_LARGE and still answers with the request id", async () => {
    const res = await fetch(t.graphqlUrl, {
      method: "POST",
      headers: { "content-type": FAST, "x-request-id": "lb-json-413" },
      body: Buffer.alloc(2 * 1024 * 1024, 0x20),
    });
    expect(res.status).toBe(413);
    expect(res.headers.get("x-request-id")).toBe("lb-json-413");
    expect(await res.json()).toEqual({
      errors: [
        { message: "request entity too large", extensions: { code: "PAYLOAD_TOO_LARGE", requestId: "lb-json-413" } },
      ],
    });
  });

  it("keeps a given x-request-id and puts it in the extensions of GraphQL errors", async () => {
    const res = await fetch(t.graphqlUrl, {
      method: "POST",
      headers: { "content-type": FAST, "x-request-id": "lb-json-1" },
      body: JSON.stringify({ query: "{ nope }" }),
    });
    expect(res.headers.get("x-request-id")).toBe("lb-json-1");
    const body = (await res.json()) as { errors: { extensions: { requestId?: string } }[] };
    expect(body.errors[0]!.extensions.requestId).toBe("lb-json-1");
  });

  it("sends other charsets, compressed bodies and other media types through Express as before", async () => {
    const latin1 = await post("application/json; charset=latin1", JSON.stringify({ query: "{ __typename }" }));
    expect(latin1.status).toBe(415);
    expect(latin1.etag).not.toBeNull();
    const gzip = await post(FAST, JSON.stringify({ query: "{ __typename }" }), { "content-encoding": "gzip" });
    expect(gzip.status).toBe(400); // not gzip at all: Express's body-parser refuses it
    expect(gzip.etag).not.toBeNull();
  });
});
