import { MinioStore, type ObjectStore } from "@parley/storage";
import type { Config } from "./config.ts";

/** The ObjectStore chosen by configuration; the rest of the server does not know which. */
export async function createStore(config: Config, publicUrl: string): Promise<ObjectStore> {
  const s = config.storage;
  if (s.kind === "minio") {
    return new MinioStore({
      endpoint: s.endpoint,
      publicEndpoint: s.publicEndpoint,
      accessKey: s.accessKey,
      secretKey: s.secretKey,
      bucket: s.bucket,
      region: s.region,
    });
  }
  void publicUrl;
  throw new Error("The embedded disk store is not available yet: set S3_ENDPOINT, S3_ACCESS_KEY and S3_SECRET_KEY.");
}
