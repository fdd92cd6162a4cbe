import type { ConversationLimits } from "./limits.ts";
import type { Realtime } from "./realtime.ts";
import type { Transport } from "./transport.ts";
import type { UploadMode } from "./upload.ts";

/** What every SDK object needs from the client that made it. */
export interface SdkContext {
  transport: Transport;
  uploadMode: UploadMode;
  /** The client's live-events connection (one WebSocket, opened by the first `on()`). */
  realtime: Realtime;
  /** Limits by conversation id, as this client has seen them (loaded conversations, getLimits()). */
  limits: Map<string, ConversationLimits>;
}
