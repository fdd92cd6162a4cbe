// The layout's rules (docs/design.md, "Layout"), checked by `pnpm lint`: dependencies point one way and
// no module imports itself in a circle.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "Import circles make load order matter and rooms blur; move the shared piece beside both.",
      from: {},
      to: { circular: true },
    },
    {
      name: "client-stands-alone",
      severity: "error",
      comment: "Partners install @parley/client alone: it never imports server, db, storage or testkit code.",
      from: { path: "^packages/client/src" },
      to: { path: "^(apps/|packages/(db|storage|testkit)/)" },
    },
    {
      name: "web-on-client-only",
      severity: "error",
      comment: "The web app is built on @parley/client only.",
      from: { path: "^apps/web/src" },
      to: { path: "^(apps/server|packages/(db|storage|schema|testkit)/)" },
    },
    {
      name: "db-and-storage-apart",
      severity: "error",
      comment: "db and storage know nothing of each other, nor of the server.",
      from: { path: "^packages/(db|storage)/src" },
      to: { path: "^(apps/|packages/(client|testkit)/)" },
    },
    {
      name: "db-not-storage",
      severity: "error",
      from: { path: "^packages/db/src" },
      to: { path: "^packages/storage/" },
    },
    {
      name: "storage-not-db",
      severity: "error",
      from: { path: "^packages/storage/src" },
      to: { path: "^packages/db/" },
    },
    {
      name: "shipped-code-not-testkit",
      severity: "error",
      comment: "testkit is for tests and the bench.",
      from: { path: "^(apps/[^/]+/src|packages/[^/]+/src)", pathNot: "^packages/testkit/" },
      to: { path: "^packages/testkit/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|dist|generated)/" },
    tsPreCompilationDeps: true,
    combinedDependencies: true,
    tsConfig: { fileName: "tsconfig.base.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"] },
  },
};
