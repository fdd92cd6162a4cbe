import cors from "cors";
import type { RequestHandler } from "express";

/**
 * CORS for the embedded store's signed URLs: the signature is the credential (no cookies), so web
 * apps on any origin may use them. A preflight is answered 204 here; other requests go on.
 */
export const signedUrlCors = (allow: { methods: string; headers: string; expose: string }): RequestHandler =>
  cors({
    origin: "*",
    methods: allow.methods,
    allowedHeaders: allow.headers,
    exposedHeaders: allow.expose,
    maxAge: 600,
    optionsSuccessStatus: 204,
  });
