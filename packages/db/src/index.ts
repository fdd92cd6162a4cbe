export * from "./schema.ts";
export { openDatabase, rowsOf, type Database, type DbHandle, type DbOptions } from "./client.ts";
