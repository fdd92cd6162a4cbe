import { createHash, createHmac } from "node:crypto";

// RFC 3986 unreserved characters stay; everything else is percent-encoded (SigV4's rule).
const rfc3986 = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();

/**
 * Presigned S3 requests (AWS Signature V4, query string, path-style), computed locally: GETs of
 * objects and PUTs of multipart upload parts. The minio client derives the signing key (4 HMACs)
 * for every URL; it depends only on the day, region and secret, so it is derived once a day here
 * (bench/RESULTS.md, presign). Only `host` is signed unless `headers` names
 * more (e.g. `content-length`, which every HTTP client sends by itself for a body of known size).
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
  let keyDay = "";
  let signingKey = Buffer.alloc(0);
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
    const amzDate = opts.now
      .toISOString()
      .replace(/[-:]/g, "")
      .replace(/\.\d{3}/, "");
    const day = amzDate.slice(0, 8);
    const signedHeaders: [string, string][] = [["host", host], ...Object.entries(opts.headers ?? {})];
    signedHeaders.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (day !== keyDay) {
      signingKey = hmac(hmac(hmac(hmac(`AWS4${o.secretKey}`, day), o.region), "s3"), "aws4_request");
      keyDay = day;
    }
    const scope = `${day}/${o.region}/s3/aws4_request`;
    const path = `/${rfc3986(o.bucket)}/${key.split("/").map(rfc3986).join("/")}`;
    const params: [string, string][] = [
      ["X-Amz-Algorithm", "AWS4-HMAC-SHA256"],
      ["X-Amz-Credential", `${o.accessKey}/${scope}`],
      ["X-Amz-Date", amzDate],
      ["X-Amz-Expires", String(opts.expiresInSeconds)],
      ["X-Amz-SignedHeaders", signedHeaders.map(([name]) => name).join(";")],
      ...(o.sessionToken ? ([["X-Amz-Security-Token", o.sessionToken]] as [string, string][]) : []),
      ...Object.entries(opts.query),
    ];
    const query = params
      .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${k}=${v}`)
      .join("&");
    const canonicalHeaders = signedHeaders.map(([name, value]) => `${name}:${value.trim()}\n`).join("");
    const names = signedHeaders.map(([name]) => name).join(";");
    const canonical = `${opts.method ?? "GET"}\n${path}\n${query}\n${canonicalHeaders}\n${names}\nUNSIGNED-PAYLOAD`;
    const toSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${createHash("sha256").update(canonical).digest("hex")}`;
    const signature = createHmac("sha256", signingKey).update(toSign).digest("hex");
    return `${origin}${path}?${query}&X-Amz-Signature=${signature}`;
  };
}
