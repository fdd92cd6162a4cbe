import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    // Real MinIO processes and 20 MiB round trips: generous, but bounded.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
