// What the global setup provides to test files through vitest's inject().
import type {} from "vitest";
declare module "vitest" {
  export interface ProvidedContext {
    minio: { endpoint: string; accessKey: string; secretKey: string; dataDir: string };
  }
}
export {};
