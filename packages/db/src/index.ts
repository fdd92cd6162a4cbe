export * from "./schema.ts";
export { openDatabase, rowsOf, type Database, type DbHandle, type DbOptions } from "./client.ts";
export {
  DatabaseUnavailableError,
  isDatabaseUnreachable,
  isUniqueViolation,
  isValueRefused,
  uniqueViolation,
} from "./errors.ts";
export { statement, toDate, type Statement } from "./statements.ts";
