import type { TestProject } from "vitest/node";
import { startMinio } from "./minio.ts";

import "./provided.ts";

/**
 * vitest globalSetup: one real MinIO (with a KMS key) for the whole run; each test file gets its own
 * bucket and database. Missing MinIO or PostgreSQL fails the run loudly, never skips.
 */
export default async function setup(project: TestProject) {
  const minio = await startMinio();
  project.provide("minio", {
    endpoint: minio.endpoint,
    accessKey: minio.accessKey,
    secretKey: minio.secretKey,
    dataDir: minio.dataDir,
  });
  return async () => {
    await minio.dispose();
  };
}
