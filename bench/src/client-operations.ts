// The GraphQL documents of @parley/client (packages/client/src/operations), read at run time so the
// bench sends exactly what partners' SDK and the web app send, fragments included.
import { readFileSync } from "node:fs";

const dir = new URL("../../packages/client/src/operations/", import.meta.url);
const read = (file: string) => readFileSync(new URL(file, dir), "utf8");

/** `keyword name … { … }` blocks of a document, by name (brace matching; the documents have no strings with braces). */
function definitions(source: string, keyword: "query" | "mutation" | "fragment"): Map<string, string> {
  const out = new Map<string, string>();
  const re = new RegExp(`\\b${keyword}\\s+(\\w+)`, "g");
  for (let m = re.exec(source); m; m = re.exec(source)) {
    let depth = 0;
    let end = source.indexOf("{", m.index);
    for (; end < source.length; end++) {
      if (source[end] === "{") depth++;
      else if (source[end] === "}" && --depth === 0) break;
    }
    out.set(m[1]!, source.slice(m.index, end + 1));
  }
  return out;
}

/** An operation of the client with every fragment it spreads (transitively), ready to send. */
export function clientOperation(file: string, keyword: "query" | "mutation", name: string): string {
  const operation = definitions(read(file), keyword).get(name);
  if (!operation) throw new Error(`packages/client/src/operations/${file} has no ${keyword} ${name}`);
  const fragments = definitions(read("fragments.graphql"), "fragment");
  const needed = new Set<string>();
  const visit = (text: string) => {
    for (const [, spread] of text.matchAll(/\.\.\.(\w+)/g)) {
      if (!needed.has(spread!) && fragments.has(spread!)) {
        needed.add(spread!);
        visit(fragments.get(spread!)!);
      }
    }
  };
  visit(operation);
  return [operation, ...[...needed].map((f) => fragments.get(f)!)].join("\n");
}
