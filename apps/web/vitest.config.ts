import react from "@vitejs/plugin-react";
import { defaultClientConditions, defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [react()],
  // @parley/client from the workspace is its TypeScript source (partners get dist/).
  resolve: { conditions: ["@parley/source", ...defaultClientConditions] },
  ssr: { resolve: { conditions: ["@parley/source", ...defaultServerConditions] } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["src/**/*.test.{ts,tsx}"],
          environment: "node",
        },
      },
      {
        extends: true,
        test: {
          // A real API (PostgreSQL + MinIO) on port 0, the production build, and Debian's chromium.
          name: "e2e",
          include: ["test/e2e/**/*.e2e.test.ts"],
          globalSetup: ["@parley/testkit/global-setup"],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          // `pnpm screenshots`: regenerates apps/web/docs/*.png (not part of `pnpm test`).
          name: "screenshots",
          include: ["test/screenshots/**/*.shots.ts"],
          globalSetup: ["@parley/testkit/global-setup"],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
