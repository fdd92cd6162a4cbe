import { Router } from "express";
import type { Logger } from "pino";
import { DiskStore, MEDIA_ROUTE_SEGMENT, serveSignedMedia, type ObjectStore } from "@parley/storage";
import { signedUrlCors } from "./signed-url-cors.ts";

/**
 * GET/HEAD /media/...: the embedded store's temporary URLs (HMAC-signed, expiring, Range-capable).
 * With MinIO the URLs point at MinIO itself and this route is not mounted.
 */
export function mediaRoutes(store: ObjectStore, logger: Logger): Router | undefined {
  if (!(store instanceof DiskStore)) return undefined;
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
      void serveSignedMedia(store, req, res, {
        url: req.originalUrl,
        onError: (error) => logger.warn({ err: error, path: req.path }, "media download failed"),
      });
    },
  );
  return router;
}
