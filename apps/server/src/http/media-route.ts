import { Router } from "express";
import type { Logger } from "pino";
import { MEDIA_ROUTE_SEGMENT, serveSignedMedia, type ObjectStore } from "@parley/storage";
import { refusalBody } from "./errors.ts";
import { signedUrlCors } from "./signed-url-cors.ts";

/**
 * GET/HEAD /media/...: the embedded store's temporary URLs (HMAC-signed, expiring, Range-capable).
 * A store whose URLs point at itself (MinIO) has no ownUrls, and this route is not mounted.
 */
export function mediaRoutes(store: ObjectStore, logger: Logger): Router | undefined {
  const source = store.ownUrls?.media;
  if (!source) return undefined;
  const router = Router();
  router.use(
    `/${MEDIA_ROUTE_SEGMENT}`,
    // A browser preflights a cross-origin GET that sends Range (video seeking): answer it, not 405.
    signedUrlCors({
      methods: "GET, HEAD, OPTIONS",
      headers: "range, if-range",
      expose: "Content-Disposition, Content-Range, Content-Length",
    }),
    (req, res) => {
      void serveSignedMedia(source, req, res, {
        url: req.originalUrl,
        onError: (error) => logger.warn({ err: error, path: req.path }, "media download failed"),
        formatRefusal: refusalBody,
      });
    },
  );
  return router;
}
