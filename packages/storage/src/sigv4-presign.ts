import { createHmac, hash } from "node:crypto";

// RFC 3986 unreserved characters stay; everything else is percent-encoded (SigV4's rule).
// encodeURIComponent leaves only !'()* of the reserved characters as they are.
const SUB_DELIMS = /[!'()*]/g;
const HAS_SUB_DELIMS = /[!'()*]/;
const percent = (c: string) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`;
const rfc3986 = (s: string) => {
  const encoded = encodeURIComponent(s);
  return HAS_SUB_DELIMS.test(encoded) ? encoded.replace(SUB_DELIMS, percent) : encoded;
};
// Each segment encoded, the slashes kept: encodeURIComponent writes "/" as %2F, and no other
// character's encoding contains that triplet (a literal "%" is %25).
const SLASH = /%2F/g;
const rfc3986Path = (key: string) => rfc3986(key).replace(SLASH, "/");
const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();
const byName = (a: readonly [string, string], b: readonly [string, string]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/**
 * Presigned S3 requests (AWS Signature V4, query string, path-style), computed locally: GETs of
 * objects and PUTs of multipart upload parts. The minio client derives the signing key (4 HMACs)
 * for every URL; it depends only on the day, region and secret, so it is derived once a day here
 * (bench/RESULTS.md, presign). What depends only on the instant (the date, the scope, the
 * credential) is kept for the next URL too: one request signs all of its URLs at one instant.
 * Only `host` is signed unless `headers` names more (e.g. `content-length`, which every HTTP client
 * sends by itself for a body of known size).
 */
export function sigV4Presigner(o: {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  /** Temporary credentials' token: signed into every URL as X-Amz-Security-Token. */
  sessionToken?: string;
  bucket: string;
  region: string;
}) {
  const origin = new URL(o.endpoint).origin;
  const host = new URL(o.endpoint).host;
  const bucketPath = `/${rfc3986(o.bucket)}/`;
  const hostOnly: [string, string][] = [["host", host]];
  const hostHeader = `host:${host.trim()}\n`;
  let keyDay = "";
  let signingKey = Buffer.alloc(0);
  let instant = NaN;
  let amzDate = "";
  let scope = "";
  let credential = "";
  // HMAC-SHA256(signingKey, stringToSign) as its two hashes (RFC 2104) over buffers kept between
  // URLs: the key's padded blocks and the string to sign up to its last line are written once per
  // instant, each URL writes only the hash of its canonical request. One createHmac per URL
  // (a Hmac object, the key imported anew) cost more than the two hashes themselves.
  let inner = Buffer.alloc(0);
  let innerHashAt = 0;
  const outer = Buffer.alloc(96);
  return (
    key: string,
    opts: {
      expiresInSeconds: number;
      now: Date;
      query: Record<string, string>;
      method?: "GET" | "PUT";
      /** Further headers the request must carry with exactly these values (names in lower case). */
      headers?: Record<string, string>;
    },
  ): string => {
    const time = opts.now.getTime();
    if (time !== instant) {
      amzDate = opts.now
        .toISOString()
        .replace(/[-:]/g, "")
        .replace(/\.\d{3}/, "");
      const day = amzDate.slice(0, 8);
      if (day !== keyDay) {
        signingKey = hmac(hmac(hmac(hmac(`AWS4${o.secretKey}`, day), o.region), "s3"), "aws4_request");
        keyDay = day;
      }
      scope = `${day}/${o.region}/s3/aws4_request`;
      credential = rfc3986(`${o.accessKey}/${scope}`);
      const head = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n`;
      innerHashAt = 64 + Buffer.byteLength(head);
      inner = Buffer.alloc(innerHashAt + 64);
      for (let i = 0; i < 64; i++) {
        const k = signingKey[i] ?? 0; // the 32-byte key padded with zeros to the 64-byte block
        inner[i] = k ^ 0x36;
        outer[i] = k ^ 0x5c;
      }
      inner.write(head, 64, "utf8");
      instant = time;
    }
    let signedHeaders = hostOnly;
    let canonicalHeaders = hostHeader;
    let names = "host";
    if (opts.headers) {
      const extra = Object.entries(opts.headers);
      if (extra.length > 0) {
        signedHeaders = [["host", host], ...extra];
        signedHeaders.sort(byName);
        canonicalHeaders = signedHeaders.map(([name, value]) => `${name}:${value.trim()}\n`).join("");
        names = signedHeaders.map(([name]) => name).join(";");
      }
    }
    const params: [string, string][] = [
      ["X-Amz-Algorithm", "AWS4-HMAC-SHA256"],
      ["X-Amz-Credential", credential],
      ["X-Amz-Date", amzDate],
      ["X-Amz-Expires", rfc3986(String(opts.expiresInSeconds))],
      ["X-Amz-SignedHeaders", rfc3986(names)],
    ];
    if (o.sessionToken) params.push(["X-Amz-Security-Token", rfc3986(o.sessionToken)]);
    for (const name in opts.query) {
      if (Object.hasOwn(opts.query, name)) params.push([rfc3986(name), rfc3986(opts.query[name]!)]);
    }
    params.sort(byName);
    let query = "";
    for (const [name, value] of params) query += query ? `&${name}=${value}` : `${name}=${value}`;
    const path = bucketPath + rfc3986Path(key);
    const canonical = `${opts.method ?? "GET"}\n${path}\n${query}\n${canonicalHeaders}\n${names}\nUNSIGNED-PAYLOAD`;
    inner.write(hash("sha256", canonical, "hex"), innerHashAt, "latin1");
    outer.write(hash("sha256", inner, "binary"), 64, "binary");
    const signature = hash("sha256", outer, "hex");
    return `${origin}${path}?${query}&X-Amz-Signature=${signature}`;
  };
}
