import { createSecretKey, randomBytes, type KeyObject } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import {
  SignJWT,
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors as joseErrors,
  jwtVerify,
  type JWTPayload,
} from "jose";
import type { Config } from "./config.ts";
import { ApiError } from "./errors.ts";
import { identityProblem } from "./services/validation.ts";

export interface TokenService {
  /** Verifies an `Authorization` header value; returns the identity, null without a header, or throws UNAUTHENTICATED. */
  authenticate(header: string | undefined): Promise<string | null>;
  /** Signs an HS256 token for `identity` (CLI, dev-token route, tests). */
  issue(identity: string, ttlSeconds?: number): Promise<string>;
}

/**
 * The HS256 secret: AUTH_JWT_SECRET, or (development only, when dev tokens are on) one generated
 * once into DATA_DIR so tokens survive restarts and `pnpm token` agrees with the server.
 */
export function resolveJwtSecret(config: Config): KeyObject | undefined {
  // A KeyObject is imported once; raw bytes would be re-imported on every verification.
  if (config.auth.jwtSecret) return createSecretKey(Buffer.from(config.auth.jwtSecret, "utf8"));
  if (!config.auth.devTokens) return undefined;
  const file = join(config.dataDir, "auth-dev-secret");
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    try {
      writeFileSync(file, randomBytes(32).toString("hex"), { mode: 0o600, flag: "wx" });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    chmodSync(file, 0o600);
  }
  return createSecretKey(Buffer.from(readFileSync(file, "utf8").trim(), "utf8"));
}

// Asymmetric algorithms an identity provider may use; never "none", never HS* against a JWKS.
const JWKS_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"];

/** Verified tokens remembered per process (each entry is the token's text and a few numbers). */
const VERIFIED_TOKENS_MAX = 10_000;
// Longer tokens are verified every time (bounds the cache at about 20 MB).
const VERIFIED_TOKEN_CHARS_MAX = 2048;

export function createTokenService(config: Config): TokenService {
  const secret = resolveJwtSecret(config);
  const jwks = config.auth.jwksUrl ? createRemoteJWKSet(new URL(config.auth.jwksUrl)) : undefined;
  const claims = {
    requiredClaims: ["exp", "sub"],
    ...(config.auth.issuer ? { issuer: config.auth.issuer } : {}),
    ...(config.auth.audience ? { audience: config.auth.audience } : {}),
  };
  const unauthenticated = (why: string) =>
    new ApiError(
      "UNAUTHENTICATED",
      `${why} Send "Authorization: Bearer <JWT>"${secret ? "; get one with `pnpm --silent token <identity>`" : " from your identity provider"}.`,
    );

  async function verify(token: string): Promise<JWTPayload> {
    const { alg } = decodeProtectedHeader(token);
    if (alg === "HS256" && secret) {
      // The issuer and audience bind HS256 tokens too: a token another service minted with a shared
      // secret is not one for Parley.
      return (await jwtVerify(token, secret, { algorithms: ["HS256"], ...claims })).payload;
    }
    if (jwks && alg && JWKS_ALGORITHMS.includes(alg)) {
      return (await jwtVerify(token, jwks, { algorithms: JWKS_ALGORITHMS, ...claims })).payload;
    }
    throw unauthenticated(`Tokens signed with ${alg ?? "no algorithm"} are not accepted.`);
  }

  // Tokens verified before, by their exact text: a client sends the same token with every request,
  // and the signature check was most of an authenticated request's CPU. Only tokens that passed
  // every check are kept; exp (and nbf) are checked again on every use, so a cached token expires
  // exactly when it would have.
  const verified = new Map<string, { sub: string; exp: number; nbf: number }>();
  const usable = (entry: { exp: number; nbf: number }) => {
    const now = Math.floor(Date.now() / 1000); // as jose compares
    return now < entry.exp && now >= entry.nbf;
  };

  return {
    async authenticate(header) {
      if (header === undefined || header === "") return null;
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match?.[1]) throw unauthenticated("The Authorization header is not a Bearer token.");
      const token = match[1];
      const known = verified.get(token);
      if (known && usable(known)) {
        // Most recently used last, so the oldest is the first to go.
        verified.delete(token);
        verified.set(token, known);
        return known.sub;
      }
      if (known) verified.delete(token);
      try {
        const payload = await verify(token);
        const sub = payload.sub;
        if (typeof sub !== "string") throw unauthenticated("The token's sub claim must be a string identity.");
        const problem = identityProblem(sub);
        if (problem) {
          throw unauthenticated(
            `The token's sub claim ${problem}; an identity is 1 to 256 characters without control characters or bidi overrides.`,
          );
        }
        if (typeof payload.exp === "number" && token.length <= VERIFIED_TOKEN_CHARS_MAX) {
          verified.set(token, {
            sub,
            exp: payload.exp,
            nbf: typeof payload.nbf === "number" ? payload.nbf : -Infinity,
          });
          if (verified.size > VERIFIED_TOKENS_MAX) verified.delete(verified.keys().next().value!);
        }
        return sub;
      } catch (error) {
        if (error instanceof ApiError) throw error;
        if (error instanceof joseErrors.JWTExpired) throw unauthenticated("The token has expired.");
        if (error instanceof joseErrors.JWTClaimValidationFailed) {
          throw unauthenticated(`The token's ${error.claim} claim is not acceptable (${error.reason}).`);
        }
        throw unauthenticated("The token is invalid.");
      }
    },
    async issue(identity, ttlSeconds = 24 * 3600) {
      if (!secret) throw new Error("Issuing tokens needs AUTH_JWT_SECRET (or AUTH_DEV_TOKENS=true in development).");
      const problem = identityProblem(identity);
      if (problem) throw new Error(`Cannot issue a token: the identity ${problem}; the server would refuse it.`);
      let jwt = new SignJWT({})
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setSubject(identity)
        .setIssuedAt()
        .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds);
      // Tokens Parley issues pass its own checks.
      if (config.auth.issuer) jwt = jwt.setIssuer(config.auth.issuer);
      if (config.auth.audience) jwt = jwt.setAudience(config.auth.audience);
      return jwt.sign(secret);
    },
  };
}
