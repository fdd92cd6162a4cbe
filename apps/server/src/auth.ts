import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { SignJWT, errors as joseErrors, jwtVerify } from "jose";
import type { Config } from "./config.ts";
import { ParleyError } from "./errors.ts";

export interface TokenService {
  /** Verifies an `Authorization` header value; returns the identity or throws UNAUTHENTICATED. */
  authenticate(header: string | undefined): Promise<string | null>;
  /** Signs a token for `identity` (CLI and dev-token route). */
  issue(identity: string, ttlSeconds?: number): Promise<string>;
}

/**
 * The HS256 secret: AUTH_JWT_SECRET, or (development only, when dev tokens are on) one generated
 * once into DATA_DIR so tokens survive restarts and `pnpm token` agrees with the server.
 */
export function resolveJwtSecret(config: Config): Uint8Array {
  if (config.auth.jwtSecret) return new TextEncoder().encode(config.auth.jwtSecret);
  const file = join(config.dataDir, "auth-dev-secret");
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(32).toString("hex"), { mode: 0o600, flag: "wx" });
    chmodSync(file, 0o600);
  }
  return new TextEncoder().encode(readFileSync(file, "utf8").trim());
}

const IDENTITY_MAX = 256;

export function createTokenService(config: Config): TokenService {
  const secret = resolveJwtSecret(config);
  const unauthenticated = (why: string) =>
    new ParleyError("UNAUTHENTICATED", `${why} Send "Authorization: Bearer <JWT>" signed with HS256; get one with \`pnpm --silent token <identity>\`.`);

  return {
    async authenticate(header) {
      if (header === undefined || header === "") return null;
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match?.[1]) throw unauthenticated("The Authorization header is not a Bearer token.");
      try {
        const { payload } = await jwtVerify(match[1], secret, { algorithms: ["HS256"], requiredClaims: ["exp", "sub"] });
        const sub = payload.sub;
        if (typeof sub !== "string" || sub.length === 0 || sub.length > IDENTITY_MAX) {
          throw unauthenticated("The token's sub claim must be a non-empty identity.");
        }
        return sub;
      } catch (error) {
        if (error instanceof ParleyError) throw error;
        if (error instanceof joseErrors.JWTExpired) throw unauthenticated("The token has expired.");
        throw unauthenticated("The token is invalid.");
      }
    },
    async issue(identity, ttlSeconds = 24 * 3600) {
      return new SignJWT({})
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setSubject(identity)
        .setIssuedAt()
        .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
        .sign(secret);
    },
  };
}
