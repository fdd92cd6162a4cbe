import { createHmac, timingSafeEqual } from "node:crypto";
import { assertValidObjectKey } from "./object-key.ts";
import {
  isSignableHeaderValue,
  SIGNED_HEADER_MAX,
  type PresignedUrl,
  type PresignOptions,
  type VerifiedMediaUrl,
  type VerifiedPartUrl,
} from "./object-store.ts";

/** A media URL was refused; `reason` tells an expired link from a forged or mangled one. */
export class MediaUrlError extends Error {
  override readonly name: string = "MediaUrlError";
  constructor(
    readonly reason: "expired" | "invalid",
    message: string,
  ) {
    super(message);
  }
  get code(): "MEDIA_URL_EXPIRED" | "MEDIA_URL_INVALID" {
    return this.reason === "expired" ? "MEDIA_URL_EXPIRED" : "MEDIA_URL_INVALID";
  }
}

export class ExpiredMediaUrlError extends MediaUrlError {
  override readonly name = "ExpiredMediaUrlError";
  constructor(
    readonly expiresAt: Date,
    next = "fetch the message again for a fresh temporaryUrl",
  ) {
    super("expired", `this media URL expired at ${expiresAt.toISOString()}; ${next}`);
  }
}

export class InvalidMediaUrlError extends MediaUrlError {
  override readonly name = "InvalidMediaUrlError";
  constructor(detail: string) {
    super("invalid", `this media URL is not valid (${detail}); use the temporaryUrl exactly as returned`);
  }
}

/** Path segment under the public URL where signed media is served. */
export const MEDIA_ROUTE_SEGMENT = "media";
/** Path segment under the public URL where the disk store takes upload session parts. */
export const UPLOAD_ROUTE_SEGMENT = "media-uploads";

const UPLOAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Upload ids of the disk store are random UUIDs; anything else never names an upload. */
export const isDiskUploadId = (id: string): boolean => UPLOAD_ID.test(id);

const SIGNATURE_BYTES = 32;

/**
 * HMAC-SHA256 signed URLs for the embedded media route:
 * `<publicUrl>/media/<key>?exp=<unix s>&ct=<type>&cd=<disposition>&sig=<base64url>`.
 */
export class MediaUrlSigner {
  private resolved: { base: URL; routePrefix: string; uploadPrefix: string } | undefined;

  /**
   * `publicUrl` may be a function: a server listening on port 0 knows its URL only once it listens,
   * which is after the store is built. It is read once, at the first URL signed or verified.
   */
  constructor(
    private readonly signingKey: Buffer,
    private readonly publicUrl: string | (() => string),
  ) {
    if (signingKey.length < 16) throw new RangeError("media URL signing key must be at least 16 bytes");
    if (typeof publicUrl === "string") this.resolve();
  }

  private resolve() {
    if (this.resolved) return this.resolved;
    const base = new URL(typeof this.publicUrl === "string" ? this.publicUrl : this.publicUrl());
    // PUBLIC_URL may carry a path (behind a reverse proxy); the route lives under it.
    const path = base.pathname.replace(/\/+$/, "");
    this.resolved = {
      base,
      routePrefix: `${path}/${MEDIA_ROUTE_SEGMENT}/`,
      uploadPrefix: `${path}/${UPLOAD_ROUTE_SEGMENT}/`,
    };
    return this.resolved;
  }

  private get base(): URL {
    return this.resolve().base;
  }

  private get routePrefix(): string {
    return this.resolve().routePrefix;
  }

  private get uploadPrefix(): string {
    return this.resolve().uploadPrefix;
  }

  sign(key: string, o: PresignOptions): PresignedUrl {
    assertValidObjectKey(key);
    for (const [name, value] of [
      ["content type", o.contentType],
      ["content disposition", o.contentDisposition],
    ] as const) {
      // Header values we sign must be safe to send back verbatim.
      if (!isSignableHeaderValue(value)) {
        throw new TypeError(`${name} must be 1..${SIGNED_HEADER_MAX} printable ASCII characters`);
      }
    }
    if (!Number.isInteger(o.expiresInSeconds) || o.expiresInSeconds <= 0) {
      throw new RangeError("expiresInSeconds must be a positive integer");
    }
    const exp = Math.floor((o.now ?? new Date()).getTime() / 1000) + o.expiresInSeconds;
    const url = new URL(this.base.toString());
    url.pathname = this.routePrefix + key.split("/").map(encodeURIComponent).join("/");
    url.search = "";
    url.searchParams.set("exp", String(exp));
    url.searchParams.set("ct", o.contentType);
    url.searchParams.set("cd", o.contentDisposition);
    url.searchParams.set("sig", this.mac(key, exp, o.contentType, o.contentDisposition).toString("base64url"));
    return { url: url.toString(), expiresAt: new Date(exp * 1000) };
  }

  /** Checks signature first (so a forged `exp` reads as forged), then expiry. Constant-time compare. */
  verify(pathname: string, searchParams: URLSearchParams, now: Date = new Date()): VerifiedMediaUrl {
    if (!pathname.startsWith(this.routePrefix)) throw new InvalidMediaUrlError("not a media path");
    let key: string;
    try {
      key = pathname.slice(this.routePrefix.length).split("/").map(decodeURIComponent).join("/");
      assertValidObjectKey(key);
    } catch {
      throw new InvalidMediaUrlError("malformed key");
    }
    const [exp, ct, cd, sig] = (["exp", "ct", "cd", "sig"] as const).map((name) => {
      const values = searchParams.getAll(name);
      if (values.length !== 1) throw new InvalidMediaUrlError(`missing or repeated "${name}"`);
      return values[0] as string;
    }) as [string, string, string, string];
    if (!/^\d{1,12}$/.test(exp)) throw new InvalidMediaUrlError("malformed expiry");
    const expSeconds = Number(exp);
    const given = Buffer.from(sig, "base64url");
    const expected = this.mac(key, expSeconds, ct, cd);
    // Only the canonical encoding counts: base64url's last character has spare bits, so another
    // spelling of the same bytes would otherwise pass for the signed URL.
    if (given.length !== SIGNATURE_BYTES || given.toString("base64url") !== sig || !timingSafeEqual(given, expected)) {
      throw new InvalidMediaUrlError("bad signature");
    }
    const expiresAt = new Date(expSeconds * 1000);
    if (now.getTime() >= expiresAt.getTime()) throw new ExpiredMediaUrlError(expiresAt);
    return { key, contentType: ct, contentDisposition: cd, expiresAt };
  }

  /** `<publicUrl>/media-uploads/<uploadId>/<number>?size=<bytes>&exp=<unix s>&sig=<base64url>`. */
  signPart(uploadId: string, part: { number: number; size: number }, o: { expiresInSeconds: number; now?: Date }) {
    if (!isDiskUploadId(uploadId)) throw new TypeError("not an upload id of this store");
    if (!Number.isInteger(o.expiresInSeconds) || o.expiresInSeconds <= 0) {
      throw new RangeError("expiresInSeconds must be a positive integer");
    }
    const exp = Math.floor((o.now ?? new Date()).getTime() / 1000) + o.expiresInSeconds;
    const url = new URL(this.base.toString());
    url.pathname = `${this.uploadPrefix}${uploadId}/${part.number}`;
    url.search = "";
    url.searchParams.set("size", String(part.size));
    url.searchParams.set("exp", String(exp));
    url.searchParams.set("sig", this.partMac(uploadId, part.number, part.size, exp).toString("base64url"));
    return { url: url.toString(), expiresAt: new Date(exp * 1000) };
  }

  /** Checks a part URL made by signPart: signature first, then expiry. */
  verifyPart(pathname: string, searchParams: URLSearchParams, now: Date = new Date()): VerifiedPartUrl {
    if (!pathname.startsWith(this.uploadPrefix)) throw new InvalidMediaUrlError("not an upload path");
    const match = /^([0-9a-f-]{36})\/(\d{1,5})$/.exec(pathname.slice(this.uploadPrefix.length));
    if (!match || !isDiskUploadId(match[1]!)) throw new InvalidMediaUrlError("malformed upload path");
    const uploadId = match[1]!;
    const number = Number(match[2]);
    const [size, exp, sig] = (["size", "exp", "sig"] as const).map((name) => {
      const values = searchParams.getAll(name);
      if (values.length !== 1) throw new InvalidMediaUrlError(`missing or repeated "${name}"`);
      return values[0] as string;
    }) as [string, string, string];
    if (!/^\d{1,12}$/.test(exp) || !/^\d{1,12}$/.test(size)) throw new InvalidMediaUrlError("malformed size or expiry");
    const given = Buffer.from(sig, "base64url");
    const expected = this.partMac(uploadId, number, Number(size), Number(exp));
    if (given.length !== SIGNATURE_BYTES || given.toString("base64url") !== sig || !timingSafeEqual(given, expected)) {
      throw new InvalidMediaUrlError("bad signature");
    }
    const expiresAt = new Date(Number(exp) * 1000);
    if (now.getTime() >= expiresAt.getTime()) {
      throw new ExpiredMediaUrlError(expiresAt, "read the upload again (mediaUpload) for fresh part URLs");
    }
    return { uploadId, number, size: Number(size), expiresAt };
  }

  private partMac(uploadId: string, number: number, size: number, exp: number): Buffer {
    // Its own label, so a media URL's signature can never pass for a part URL's or back.
    const canonical = JSON.stringify(["parley-upload-part-v1", uploadId, number, size, exp]);
    return createHmac("sha256", this.signingKey).update(canonical).digest();
  }

  private mac(key: string, exp: number, contentType: string, contentDisposition: string): Buffer {
    // JSON framing keeps field boundaries unambiguous whatever the values contain.
    const canonical = JSON.stringify(["parley-media-url-v1", key, exp, contentType, contentDisposition]);
    return createHmac("sha256", this.signingKey).update(canonical).digest();
  }
}
