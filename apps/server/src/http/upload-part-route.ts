import { Router } from "express";
import type { Logger } from "pino";
import { serveUploadPart, UPLOAD_ROUTE_SEGMENT, type ObjectStore } from "@parley/storage";
import { refusalBody } from "./errors.ts";
import { signedUrlCors } from "./signed-url-cors.ts";

/**
 * PUT /media-uploads/<uploadId>/<n>: the embedded store's upload session parts (HMAC-signed URLs
 * from createMediaUpload/mediaUpload, exact size, encrypted like every object). With MinIO the part
 * URLs point at MinIO itself (no ownUrls) and this route is not mounted.
 */
export function uploadPartRoutes(store: ObjectStore, logger: Logger): Router | undefined {
  const sink = store.ownUrls?.uploadParts;
  if (!sink) return undefined;
  const router = Router();
  router.use(
    `/${UPLOAD_ROUTE_SEGMENT}`,
    signedUrlCors({ methods: "PUT, OPTIONS", headers: "content-type", expose: "ETag" }),
    (req, res) => {
      void serveUploadPart(sink, req, res, {
        url: req.originalUrl,
        onError: (error) => logger.warn({ err: error, path: req.path }, "upload part PUT failed"),
        formatRefusal: refusalBody,
      });
    },
  );
  return router;
}
