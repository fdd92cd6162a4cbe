import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    globalSetup: ["@parley/testkit/global-setup"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Test files share one MinIO; each has its own bucket and database.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
