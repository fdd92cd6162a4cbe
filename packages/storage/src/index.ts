export * from "./object-store.ts";
export { MinioStore, type MinioStoreOptions } from "./minio-store.ts";
