// The one place the web app reads its configuration (build-time Vite env).

/**
 * Base URL of the Parley API. Empty by default: the app calls its own origin, where the Vite dev
 * server, `vite preview` or the production reverse proxy forward /graphql, /auth and /media.
 */
const configured = (import.meta.env.VITE_PARLEY_API_URL as string | undefined)?.trim().replace(/\/+$/, "") ?? "";

export const config = {
  apiBaseUrl: configured || window.location.origin,
  /** How often an open thread asks for new messages (until subscriptions exist). */
  messagePollMs: 2_500,
  /** How often the conversation list is re-read (new conversations, new activity). */
  conversationPollMs: 8_000,
};
