import { defineConfig } from "vitest/config";

export default defineConfig({
  // "@parley/client" is the workspace's TypeScript source, as in its own tests.
  ssr: { resolve: { conditions: ["@parley/source", "module", "node", "development|production"] } },
  test: {
    // One file, one cluster of its own (no global MinIO): started and stopped by the test.
    testTimeout: 300_000,
    hookTimeout: 240_000,
    maxWorkers: 1,
  },
});
