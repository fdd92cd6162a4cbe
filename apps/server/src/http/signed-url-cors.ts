import type { Request, Response } from "express";

/**
 * CORS for the embedded store's signed URLs: the signature is the credential (no cookies), so web
 * apps on any origin may use them. Answers a preflight (returns true) or sets the headers of the
 * actual request (returns false).
 */
export function signedUrlCors(
  req: Request,
  res: Response,
  allow: { methods: string; headers: string; expose: string },
): boolean {
  res.setHeader("Access-Control-Allow-Origin", "*");
  res.setHeader("Access-Control-Expose-Headers", allow.expose);
  if (req.method !== "OPTIONS") return false;
  res.setHeader("Access-Control-Allow-Methods", allow.methods);
  res.setHeader("Access-Control-Allow-Headers", allow.headers);
  res.setHeader("Access-Control-Max-Age", "600");
  res.status(204).end();
  return true;
}
