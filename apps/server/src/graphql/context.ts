import type { Services } from "../services/index.ts";
import { ApiError } from "../errors.ts";
import type { Loaders } from "./loaders.ts";

export interface Viewer {
  identity: string;
}

export interface Limits {
  mediaAttachmentsCountLimit: number;
  mediaAttachmentSizeLimitInBytes: number;
  mediaAttachmentsTotalSizeLimitInBytes: number;
  bodyMaxLength: number;
}

export interface Context {
  viewer: Viewer | null;
  services: Services;
  /** Per-request batching; subscriptions renew it for every event so nothing goes stale. */
  loaders: Loaders;
  /** Aborts when the client goes away mid-request. */
  signal: AbortSignal;
  /** Over HTTP: the request's id (x-request-id), put in the extensions of its errors. */
  requestId?: string;
  /** Over HTTP multipart: resolves true once the whole body arrived, closing delimiter included. */
  uploadComplete?: () => Promise<boolean>;
  /** Over HTTP multipart: the body bytes received so far (rate limits charge refused uploads too). */
  uploadReceivedBytes?: () => number;
}

/** The authenticated identity, or UNAUTHENTICATED. */
export function requireViewer(ctx: Context): string {
  if (!ctx.viewer) {
    throw new ApiError(
      "UNAUTHENTICATED",
      'This operation needs a signed-in user: send "Authorization: Bearer <JWT>" (see `pnpm --silent token <identity>`).',
    );
  }
  return ctx.viewer.identity;
}
