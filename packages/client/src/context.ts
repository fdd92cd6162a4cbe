import type { Transport } from "./transport.ts";
import type { UploadMode } from "./upload.ts";

/** What every SDK object needs from the client that made it. */
export interface SdkContext {
  transport: Transport;
  uploadMode: UploadMode;
}
