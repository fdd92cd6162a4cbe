// tsc rewrites "./x.ts" to "./x.js" in emitted JavaScript but not in .d.ts files; older
// TypeScript consumers need ".js" there too.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const dist = new URL("../dist/", import.meta.url).pathname;
for (const entry of readdirSync(dist, { recursive: true })) {
  const file = join(dist, String(entry));
  if (!file.endsWith(".d.ts")) continue;
  const text = readFileSync(file, "utf8");
  const fixed = text
    .replace(/(from\s+["']\.{1,2}\/[^"']*)\.ts(["'])/g, "$1.js$2")
    .replace(/(import\(["']\.{1,2}\/[^"']*)\.ts(["']\))/g, "$1.js$2");
  if (fixed !== text) writeFileSync(file, fixed);
}
