import type { Services } from "../services/index.ts";
import { ApiError } from "../errors.ts";
import { createLoaders, type Loaders } from "./loaders.ts";

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

/** What a transport knows of one operation besides its identity (HTTP: all of it; WebSocket: none). */
export type TransportContext = Partial<
  Pick<Context, "signal" | "requestId" | "uploadComplete" | "uploadReceivedBytes">
>;

/**
 * The context of one operation, over HTTP or WebSocket alike: `identity` is what the transport
 * authenticated (null: anonymous); loaders are fresh, so nothing is shared between operations.
 */
export function createContext(services: Services, identity: string | null, transport: TransportContext = {}): Context {
  return {
    viewer: identity ? { identity } : null,
    services,
    loaders: createLoaders(services, identity),
    signal: new AbortController().signal,
    ...transport,
  };
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
