import "./provided.ts";
export { startMinio, minioBinary, type MinioServer } from "./minio.ts";
export { createTestDatabase, adminUrl, type TestDatabase } from "./postgres.ts";
export { freePort } from "./ports.ts";
export { chromiumExecutable } from "./chromium.ts";
