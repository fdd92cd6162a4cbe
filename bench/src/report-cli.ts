// `pnpm --filter @parley/bench report [dir]`: re-renders RESULTS.md from results.json (keeps the analysis).
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { renderMarkdown } from "./report.ts";
import type { BenchResults } from "./results.ts";

const dir = process.argv[2] ?? fileURLToPath(new URL("../", import.meta.url));
const results = JSON.parse(readFileSync(`${dir}/results.json`, "utf8")) as BenchResults;
writeFileSync(`${dir}/RESULTS.md`, renderMarkdown(results, `${dir}/RESULTS.md`));
console.error(`rewrote ${dir}/RESULTS.md`);
