// A clone holds the whole contract (docs/design.md): no tracked file may point outside the repository
// at the design notes it was written from.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

const OUTSIDE = /\.\.\/shared\/|\bshared\/(DESIGN|CONVENTIONS)\.md/;
const files = execFileSync("git", ["ls-files", "-z"], { encoding: "utf8" }).split("\0").filter(Boolean);
const hits = [];
for (const file of files) {
  if (file === "scripts/no-outside-refs.mjs" || file === "pnpm-lock.yaml") continue;
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    continue; // deleted in the work tree
  }
  text.split("\n").forEach((line, i) => {
    if (OUTSIDE.test(line)) hits.push(`${file}:${i + 1}: ${line.trim()}`);
  });
}
if (hits.length > 0) {
  console.error(`These lines point outside the repository; the contract lives in docs/design.md:\n${hits.join("\n")}`);
  process.exit(1);
}
