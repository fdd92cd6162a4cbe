import { readFileSync } from "node:fs";

/** Absolute path of the contract schema, for tools that want a file. */
export const schemaPath = new URL("./schema.graphql", import.meta.url).pathname;

/** The contract schema as SDL: the single source of truth for server and codegen. */
export const typeDefs: string = readFileSync(schemaPath, "utf8");
