export * from "./object-store.ts";
export { MinioStore, type MinioStoreOptions } from "./minio-store.ts";
export { sigV4Presigner } from "./sigv4-presign.ts";
export { DiskStore, ObjectNotFoundError, type DiskStoreOptions } from "./disk-store.ts";
export { DiskUploadSessions, PartRejectedError } from "./disk-upload-sessions.ts";
export { serveUploadPart, type ServeUploadPartOptions } from "./serve-upload-part.ts";
export { loadOrCreateKey, parseKey } from "./key-file.ts";
export { MediaIntegrityError } from "./chunked-cipher.ts";
export { InvalidObjectKeyError, assertValidObjectKey } from "./object-key.ts";
export {
  MediaUrlError,
  ExpiredMediaUrlError,
  InvalidMediaUrlError,
  MEDIA_ROUTE_SEGMENT,
  UPLOAD_ROUTE_SEGMENT,
} from "./signed-url.ts";
export {
  serveSignedMedia,
  parseRangeHeader,
  type ByteRange,
  type ServeSignedMediaOptions,
} from "./serve-signed-media.ts";
export { type Refusal, type FormatRefusal } from "./refusal.ts";
