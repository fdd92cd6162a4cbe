// The README's configuration table is the operator's reference: it must name every variable the
// config schema reads, and nothing the schema does not.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ENV_NAMES } from "../src/config.ts";

const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");

/** Variable names in the first column of the table under "## Configuration". */
function documentedNames(): Set<string> {
  const section = readme.split(/^## Configuration$/m)[1]?.split(/^## /m)[0] ?? "";
  const names = new Set<string>();
  for (const line of section.split("\n")) {
    const first = line.startsWith("|") ? line.split("|")[1] : undefined;
    for (const m of first?.matchAll(/`([A-Z][A-Z0-9_]+)`/g) ?? []) names.add(m[1]!);
  }
  return names;
}

describe("README configuration table", () => {
  it("documents every variable the config schema reads", () => {
    const documented = documentedNames();
    expect(documented.size).toBeGreaterThan(10);
    expect(ENV_NAMES.filter((name) => !documented.has(name))).toEqual([]);
  });

  it("documents no variable the config schema does not read", () => {
    expect([...documentedNames()].filter((name) => !ENV_NAMES.includes(name))).toEqual([]);
  });
});
