export * from "./schema.ts";
export { openDatabase, type Database, type DbHandle, type DbOptions } from "./client.ts";
