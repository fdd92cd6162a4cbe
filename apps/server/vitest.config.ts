import { defineConfig } from "vitest/config";

const shared = {
  globalSetup: ["@parley/testkit/global-setup"],
  testTimeout: 60_000,
  hookTimeout: 120_000,
};

// The same test files run against both backends: PostgreSQL + MinIO, and the embedded default
// (PGlite + encrypted disk store). Tests that stop MinIO only make sense for the first.
export default defineConfig({
  test: {
    maxWorkers: 2,
    projects: [
      {
        test: {
          ...shared,
          name: "services",
          env: { PARLEY_TEST_BACKEND: "services" },
          exclude: ["**/node_modules/**", "test/embedded.test.ts"],
        },
      },
      {
        test: {
          ...shared,
          name: "embedded",
          env: { PARLEY_TEST_BACKEND: "embedded" },
          // Services-only: they stop MinIO or PostgreSQL (through a proxy), which the embedded backend does not have.
          exclude: [
            "**/node_modules/**",
            "test/storage-faults.test.ts",
            "test/realtime-instances.test.ts",
            "test/faults.test.ts",
            "test/load-faults.test.ts",
            "test/preview-jobs-faults.test.ts",
            // PostgreSQL's query plans: PGlite plans are not what a production database runs.
            "test/query-plans.test.ts",
          ],
        },
      },
    ],
  },
});
