import { z } from "zod";

const bool = z
  .enum(["true", "false", "1", "0", ""])
  .optional()
  .transform((v) => v === "true" || v === "1");
const boolDefaultTrue = z
  .enum(["true", "false", "1", "0", ""])
  .optional()
  .transform((v) => v === undefined || v === "" || v === "true" || v === "1");
const int = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(def);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));
// Media.size is a GraphQL Int: every size limit stays below 2 GiB.
const MAX_INT = 2 ** 31 - 1;

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    PORT: int(4000, 0, 65535),
    HOST: z.string().default("127.0.0.1"),
    PUBLIC_URL: optionalString,
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    DATABASE_URL: optionalString,
    DATABASE_POOL_MAX: int(10, 1, 1000),
    DATA_DIR: z.string().default(".data"),
    S3_ENDPOINT: optionalString,
    S3_PUBLIC_ENDPOINT: optionalString,
    S3_ACCESS_KEY: optionalString,
    S3_SECRET_KEY: optionalString,
    S3_SESSION_TOKEN: optionalString,
    S3_BUCKET: z.string().default("parley-media"),
    S3_REGION: z.string().default("us-east-1"),
    MEDIA_ENCRYPTION_KEY: optionalString,
    AUTH_JWT_SECRET: optionalString,
    AUTH_JWKS_URL: optionalString.pipe(z.url().optional()),
    AUTH_ISSUER: optionalString,
    AUTH_AUDIENCE: optionalString,
    AUTH_DEV_TOKENS: bool,
    UPLOAD_TMP_DIR: optionalString,
    RATE_LIMIT_MESSAGES_PER_MINUTE: int(300, 0),
    RATE_LIMIT_UPLOAD_BYTES_PER_MINUTE: int(1024 ** 3, 0),
    MEDIA_URL_TTL_SECONDS: int(300, 1, 7 * 24 * 3600),
    MEDIA_MAX_FILES: int(10, 1, 1000),
    MEDIA_MAX_FILE_BYTES: int(157_286_400, 1, MAX_INT),
    MEDIA_MAX_TOTAL_BYTES: int(157_286_400, 1, MAX_INT),
    // Twilio Conversations' limit. The upper bound keeps one createConversation within a statement's bind parameters.
    CONVERSATION_MAX_PARTICIPANTS: int(1000, 1, 10_000),
    MEDIA_STRIP_METADATA: boolDefaultTrue,
    // Part URLs are signed for the session's whole life, and SigV4 signatures last at most 7 days.
    MEDIA_UPLOAD_TTL_SECONDS: int(86_400, 1, 7 * 24 * 3600),
    MEDIA_PREVIEW_WORKERS: int(1, 0, 64),
    MEDIA_PREVIEW_MAX_PIXELS: int(100_000_000, 1),
    MEDIA_PREVIEW_TIMEOUT_SECONDS: int(30, 1, 3600),
    MEDIA_ORPHAN_GRACE_SECONDS: int(3600, 0),
    MEDIA_ORPHAN_SWEEP_INTERVAL_SECONDS: int(3600, 0),
    METRICS_HOST: z.string().default("127.0.0.1"),
    METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  })
  .superRefine((env, ctx) => {
    if (!env.AUTH_JWT_SECRET && !env.AUTH_JWKS_URL && !env.AUTH_DEV_TOKENS) {
      ctx.addIssue({
        code: "custom",
        path: ["AUTH_JWT_SECRET"],
        message:
          "is required (at least 32 characters) unless AUTH_JWKS_URL or AUTH_DEV_TOKENS=true is set; e.g. AUTH_JWT_SECRET=$(openssl rand -hex 32)",
      });
    }
    if (env.AUTH_JWT_SECRET && env.AUTH_JWT_SECRET.length < 32) {
      ctx.addIssue({ code: "custom", path: ["AUTH_JWT_SECRET"], message: "must be at least 32 characters" });
    }
    if (env.AUTH_DEV_TOKENS && env.NODE_ENV === "production") {
      ctx.addIssue({ code: "custom", path: ["AUTH_DEV_TOKENS"], message: "must not be on when NODE_ENV=production" });
    }
    if (env.S3_ENDPOINT && (!env.S3_ACCESS_KEY || !env.S3_SECRET_KEY)) {
      ctx.addIssue({
        code: "custom",
        path: ["S3_ACCESS_KEY"],
        message: "S3_ACCESS_KEY and S3_SECRET_KEY are required with S3_ENDPOINT",
      });
    }
  });

export type Env = z.infer<typeof EnvSchema>;

/** Every environment variable Parley reads (the README's configuration table documents each). */
export const ENV_NAMES: readonly string[] = Object.keys(EnvSchema.shape);

export interface Config {
  nodeEnv: Env["NODE_ENV"];
  port: number;
  host: string;
  /** Base of the embedded store's temporary URLs; undefined means http://HOST:<bound port>. */
  publicUrl: string | undefined;
  logLevel: Env["LOG_LEVEL"];
  dataDir: string;
  database: { url: string; poolMax: number } | { dataDir: string };
  storage:
    | {
        kind: "minio";
        endpoint: string;
        publicEndpoint: string;
        accessKey: string;
        secretKey: string;
        /** Temporary credentials (STS, IRSA, instance roles) come with a session token. */
        sessionToken: string | undefined;
        bucket: string;
        region: string;
      }
    | { kind: "disk"; rootDir: string; encryptionKey: string | undefined };
  auth: {
    jwtSecret: string | undefined;
    devTokens: boolean;
    /** Identity provider: tokens signed by a key of this JWKS (RS256/ES256/EdDSA...). */
    jwksUrl: string | undefined;
    issuer: string | undefined;
    audience: string | undefined;
  };
  /**
   * Where multipart file parts sent out of order are set aside (in-order parts stream straight into
   * storage) and preview jobs copy originals, in a directory of each process's own (upload-tmp-dir.ts).
   */
  uploadTmpDir: string;
  /** Per identity, shared by every instance through the database (0 = off). */
  rateLimits: { messagesPerMinute: number; uploadBytesPerMinute: number };
  media: {
    urlTtlSeconds: number;
    maxFiles: number;
    maxFileBytes: number;
    maxTotalBytes: number;
    /** Remove EXIF/XMP/IPTC and text metadata from JPEG, PNG and WebP at ingest. */
    stripMetadata: boolean;
    /** An unfinished upload session is aborted, and its parts deleted, this long after it started. */
    uploadTtlSeconds: number;
  };
  /**
   * Preview jobs: how many this instance runs at once (0: it makes none, others do), the pixel
   * count refused before decoding, and how long one job may take before it fails.
   */
  previews: { workers: number; maxPixels: number; timeoutSeconds: number };
  /** Orphaned objects older than graceSeconds are swept every intervalSeconds (0 turns sweeping off). */
  orphans: { graceSeconds: number; intervalSeconds: number };
  limits: { bodyMaxLength: number; attributesMaxBytes: number; maxParticipants: number };
  /** Prometheus /metrics on a listener of its own (never the public port); undefined port = off. */
  metrics: { host: string; port: number | undefined };
}

/** Thrown with every problem listed, so an operator fixes the environment in one go. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** Parses configuration from the environment; the only place that reads process.env. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".") || "(env)"}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  return {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ""),
    logLevel: e.LOG_LEVEL,
    dataDir: e.DATA_DIR,
    database: e.DATABASE_URL ? { url: e.DATABASE_URL, poolMax: e.DATABASE_POOL_MAX } : { dataDir: `${e.DATA_DIR}/db` },
    storage: e.S3_ENDPOINT
      ? {
          kind: "minio",
          endpoint: e.S3_ENDPOINT,
          publicEndpoint: e.S3_PUBLIC_ENDPOINT ?? e.S3_ENDPOINT,
          accessKey: e.S3_ACCESS_KEY ?? "",
          secretKey: e.S3_SECRET_KEY ?? "",
          sessionToken: e.S3_SESSION_TOKEN,
          bucket: e.S3_BUCKET,
          region: e.S3_REGION,
        }
      : { kind: "disk", rootDir: `${e.DATA_DIR}/media`, encryptionKey: e.MEDIA_ENCRYPTION_KEY },
    auth: {
      jwtSecret: e.AUTH_JWT_SECRET,
      devTokens: e.AUTH_DEV_TOKENS,
      jwksUrl: e.AUTH_JWKS_URL,
      issuer: e.AUTH_ISSUER,
      audience: e.AUTH_AUDIENCE,
    },
    uploadTmpDir: e.UPLOAD_TMP_DIR ?? `${e.DATA_DIR}/tmp/uploads`,
    rateLimits: {
      messagesPerMinute: e.RATE_LIMIT_MESSAGES_PER_MINUTE,
      uploadBytesPerMinute: e.RATE_LIMIT_UPLOAD_BYTES_PER_MINUTE,
    },
    media: {
      urlTtlSeconds: e.MEDIA_URL_TTL_SECONDS,
      maxFiles: e.MEDIA_MAX_FILES,
      maxFileBytes: e.MEDIA_MAX_FILE_BYTES,
      maxTotalBytes: e.MEDIA_MAX_TOTAL_BYTES,
      stripMetadata: e.MEDIA_STRIP_METADATA,
      uploadTtlSeconds: e.MEDIA_UPLOAD_TTL_SECONDS,
    },
    previews: {
      workers: e.MEDIA_PREVIEW_WORKERS,
      maxPixels: e.MEDIA_PREVIEW_MAX_PIXELS,
      timeoutSeconds: e.MEDIA_PREVIEW_TIMEOUT_SECONDS,
    },
    orphans: { graceSeconds: e.MEDIA_ORPHAN_GRACE_SECONDS, intervalSeconds: e.MEDIA_ORPHAN_SWEEP_INTERVAL_SECONDS },
    limits: { bodyMaxLength: 32_768, attributesMaxBytes: 16 * 1024, maxParticipants: e.CONVERSATION_MAX_PARTICIPANTS },
    metrics: { host: e.METRICS_HOST, port: e.METRICS_PORT },
  };
}

/**
 * Configuration for CLI tools such as `pnpm token`: like the server's, except that without
 * AUTH_JWT_SECRET (outside production) it signs with the development secret `pnpm dev` uses.
 */
export function loadCliConfig(env: Record<string, string | undefined> = process.env): Config {
  const copy = { ...env };
  if (!copy.AUTH_JWT_SECRET && copy.NODE_ENV !== "production") copy.AUTH_DEV_TOKENS ??= "true";
  return loadConfig(copy);
}

/** Points os.tmpdir() (where multipart parts sent out of order and preview copies go) at `dir`, for this process. */
export function setProcessTmpdir(dir: string): void {
  process.env.TMPDIR = dir;
}
