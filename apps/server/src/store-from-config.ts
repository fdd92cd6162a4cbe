import { DiskStore, loadOrCreateKey, MinioStore, type ObjectStore } from "@parley/storage";
import type { Config } from "./config.ts";

/** The ObjectStore chosen by configuration; the rest of the server does not know which. */
export async function storeFromConfig(config: Config, publicUrl: string | (() => string)): Promise<ObjectStore> {
  const s = config.storage;
  if (s.kind === "minio") {
    return new MinioStore({
      endpoint: s.endpoint,
      publicEndpoint: s.publicEndpoint,
      accessKey: s.accessKey,
      secretKey: s.secretKey,
      sessionToken: s.sessionToken,
      bucket: s.bucket,
      region: s.region,
    });
  }
  // Embedded default: encrypted files in DATA_DIR, temporary URLs served by this API under /media.
  return new DiskStore({
    rootDir: s.rootDir,
    encryptionKey: await loadOrCreateKey(config.dataDir, "media-encryption", s.encryptionKey),
    signingKey: await loadOrCreateKey(config.dataDir, "media-url-signing"),
    publicUrl,
  });
}
