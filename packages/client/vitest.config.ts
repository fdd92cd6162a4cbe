import { defineConfig } from "vitest/config";

export default defineConfig({
  // "@parley/client" by name (the README examples) is the TypeScript source, not dist/.
  // (Vite's defaultServerConditions after ours; the tests run in Node.)
  ssr: { resolve: { conditions: ["@parley/source", "module", "node", "development|production"] } },
  test: {
    // A real MinIO for the run; each test file starts its own Parley over a fresh database and bucket.
    globalSetup: ["@parley/testkit/global-setup"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: true,
    maxWorkers: 2,
  },
});
