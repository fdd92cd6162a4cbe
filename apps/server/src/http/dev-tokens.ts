import express, { Router } from "express";
import type { TokenService } from "../auth.ts";
import { errorBody } from "../errors.ts";
import { checkIdentity } from "../services/validation.ts";

/**
 * POST /auth/dev-token {identity}: a token for anyone, for development sign-in only. Mounted only
 * with AUTH_DEV_TOKENS=true, which config refuses under NODE_ENV=production.
 */
export function devTokenRoutes(tokens: TokenService): Router {
  const router = Router();
  router.post("/auth/dev-token", express.json({ limit: "4kb" }), async (req, res) => {
    const identity = (req.body as { identity?: unknown } | undefined)?.identity;
    try {
      if (typeof identity !== "string") throw new Error("identity must be a string");
      checkIdentity(identity);
    } catch {
      res
        .status(400)
        .json(
          errorBody("BAD_USER_INPUT", 'Send {"identity": "<name>"}: 1 to 256 characters without control characters.'),
        );
      return;
    }
    res.json({ identity, token: await tokens.issue(identity) });
  });
  return router;
}
