// The one place the web app reads its configuration (build-time Vite env).

/**
 * Base URL of the Parley API. Empty by default: the app calls its own origin, where the Vite dev
 * server, `vite preview` or the production reverse proxy forward /graphql, /auth and /media.
 */
const configured = (import.meta.env.VITE_PARLEY_API_URL as string | undefined)?.trim().replace(/\/+$/, "") ?? "";

declare const __PARLEY_DEV_API_ORIGIN__: string | null;

export const config = {
  apiBaseUrl: configured || window.location.origin,
  /** Development only: the API origin the Vite dev server proxies; media URLs on it go through the proxy. */
  devApiOrigin: typeof __PARLEY_DEV_API_ORIGIN__ === "string" ? __PARLEY_DEV_API_ORIGIN__ : null,
  /** How often the conversation list is re-read (new conversations, activity, unread counts): no list subscription exists. */
  conversationPollMs: 8_000,
  /** How soon a read that failed because Parley was unreachable is tried again. */
  retryMs: 2_000,
};
