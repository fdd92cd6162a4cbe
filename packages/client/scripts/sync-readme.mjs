// Copies each `// #region name` of examples/readme.ts into the ```ts block that follows
// `<!-- example: examples/readme.ts#name -->` in README.md (test/readme.test.ts checks they match).
import { readFileSync, writeFileSync } from "node:fs";
import { regions } from "./readme-regions.mjs";

const root = new URL("../", import.meta.url);
const known = regions(readFileSync(new URL("examples/readme.ts", root), "utf8"));
const readmeUrl = new URL("README.md", root);
const readme = readFileSync(readmeUrl, "utf8").replace(
  /(<!-- example: examples\/readme\.ts#([\w-]+) -->\n+```ts\n)[\s\S]*?(\n```)/g,
  (whole, head, name, tail) => {
    if (!known.has(name)) throw new Error(`README names region ${name}, which examples/readme.ts lacks`);
    return `${head}${known.get(name)}${tail}`;
  },
);
writeFileSync(readmeUrl, readme);
