import { cpSync } from "node:fs";
import { defineConfig } from "tsup";

// Internal packages export TypeScript source, so the server bundles them; npm dependencies stay
// external. Files they read at run time (schema, migrations) are copied beside the bundle.
export default defineConfig({
  entry: { main: "src/main.ts", token: "src/token.ts" },
  format: "esm",
  platform: "node",
  target: "node20",
  outDir: "dist",
  clean: true,
  sourcemap: true,
  noExternal: [/^@parley\//],
  // Dependencies of the bundled packages, resolved from the server's own node_modules at run time.
  external: ["@electric-sql/pglite", "postgres", "minio", "drizzle-orm"],
  onSuccess: async () => {
    cpSync("../../packages/schema/schema.graphql", "dist/schema.graphql");
    cpSync("../../packages/db/migrations", "dist/migrations", { recursive: true });
  },
});
