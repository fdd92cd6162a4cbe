import { Router } from "express";
import type { Logger } from "pino";
import { DiskStore, MEDIA_ROUTE_SEGMENT, serveSignedMedia, type ObjectStore } from "@parley/storage";

/**
 * GET/HEAD /media/...: the embedded store's temporary URLs (HMAC-signed, expiring, Range-capable).
 * With MinIO the URLs point at MinIO itself and this route is not mounted.
 */
export function mediaRoutes(store: ObjectStore, logger: Logger): Router | undefined {
  if (!(store instanceof DiskStore)) return undefined;
  const router = Router();
  router.use(`/${MEDIA_ROUTE_SEGMENT}`, (req, res) => {
    // The signature is the credential (no cookies), so web apps on any origin may fetch media.
    res.setHeader("Access-Control-Allow-Origin", "*");
    res.setHeader("Access-Control-Expose-Headers", "Content-Disposition, Content-Range, Content-Length");
    // A browser preflights a cross-origin GET that sends Range (video seeking): answer it, not 405.
    if (req.method === "OPTIONS") {
      res.setHeader("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS");
      res.setHeader("Access-Control-Allow-Headers", "range, if-range");
      res.setHeader("Access-Control-Max-Age", "600");
      res.status(204).end();
      return;
    }
    void serveSignedMedia(store, req, res, {
      url: req.originalUrl,
      onError: (error) => logger.warn({ err: error, path: req.path }, "media download failed"),
    });
  });
  return router;
}
