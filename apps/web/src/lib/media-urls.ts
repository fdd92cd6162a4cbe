/** What the API says about one attachment's temporary URL. */
export interface MediaUrlFields {
  id: string;
  temporaryUrl: string;
  temporaryUrlExpiresAt: string | Date;
}

/** Fresh temporary URLs for every attachment of one message (one GraphQL request). */
export type FetchMessageMedia = (messageId: string) => Promise<readonly MediaUrlFields[]>;

interface Entry {
  url: string;
  expiresAt: number;
  /** Lifetime the server gave this URL, to scale the refresh margin for short TTLs. */
  lifetime: number;
  /** Refreshes forced by failed loads since the last load that worked. */
  failures: number;
}

/** A URL this close to expiry is refreshed before use: 30 s, or a fifth of a short lifetime. */
export const REFRESH_MARGIN_MS = 30_000;
/** After this many failed loads in a row, a refresh is not attempted automatically. */
export const MAX_FORCED_REFRESHES = 2;

/**
 * Temporary URLs of media in view, refreshed transparently: before use when expired (or about to
 * be), and after a load failed (a 403 from an expired or revoked signature). Concurrent refreshes
 * of one message share a request; a failure that an earlier refresh already answered does not
 * ask again; repeated failures stop asking so a broken object cannot loop.
 */
export class MediaUrls {
  readonly #entries = new Map<string, Entry>();
  readonly #refreshing = new Map<string, Promise<void>>();

  constructor(
    private readonly fetchMessageMedia: FetchMessageMedia,
    private readonly now: () => number = Date.now,
    /** Maps a URL from the API to the one the browser should use (see sameOriginMediaUrl). */
    private readonly rewrite: (url: string) => string = (url) => url,
  ) {}

  /** Records URLs that arrived with messages; a URL that expires later wins. */
  seed(media: readonly MediaUrlFields[]): void {
    for (const m of media) this.#store(m, false);
  }

  /** The URL in hand, fresh or not (for rendering before a refresh resolves). */
  peek(mediaId: string): string | undefined {
    return this.#entries.get(mediaId)?.url;
  }

  isFresh(mediaId: string): boolean {
    const entry = this.#entries.get(mediaId);
    if (!entry) return false;
    const margin = Math.min(REFRESH_MARGIN_MS, entry.lifetime / 5);
    return entry.expiresAt - this.now() > margin;
  }

  /** A URL good for a while yet: the one in hand, or a new one. */
  async get(messageId: string, mediaId: string): Promise<string> {
    if (!this.isFresh(mediaId)) await this.#refresh(messageId);
    const entry = this.#entries.get(mediaId);
    if (!entry) throw new Error(`Attachment ${mediaId} is no longer part of message ${messageId}.`);
    return entry.url;
  }

  /**
   * Loading `failedUrl` failed (403, expired, network). Returns a URL to try instead, or null when
   * it is not worth trying again automatically (offer the person a retry button; see reset()).
   */
  async replaceFailed(messageId: string, mediaId: string, failedUrl: string): Promise<string | null> {
    const entry = this.#entries.get(mediaId);
    if (entry && entry.url !== failedUrl) return entry.url; // someone refreshed it already
    if (entry && entry.failures >= MAX_FORCED_REFRESHES) return null;
    await this.#refresh(messageId, true);
    const next = this.#entries.get(mediaId);
    if (!next) return null;
    next.failures = (entry?.failures ?? 0) + 1;
    return next.url;
  }

  /** A load worked: failures are forgotten. */
  loaded(mediaId: string): void {
    const entry = this.#entries.get(mediaId);
    if (entry) entry.failures = 0;
  }

  /** The person asked to try again after automatic refreshes gave up. */
  reset(mediaId: string): void {
    this.loaded(mediaId);
  }

  #refresh(messageId: string, force = false): Promise<void> {
    let pending = this.#refreshing.get(messageId);
    if (!pending) {
      pending = this.fetchMessageMedia(messageId)
        .then((media) => {
          for (const m of media) this.#store(m, force);
        })
        .finally(() => this.#refreshing.delete(messageId));
      this.#refreshing.set(messageId, pending);
    }
    return pending;
  }

  #store(m: MediaUrlFields, replace: boolean): void {
    const expiresAt = new Date(m.temporaryUrlExpiresAt).getTime();
    const url = this.rewrite(m.temporaryUrl);
    const existing = this.#entries.get(m.id);
    if (existing && !replace && existing.expiresAt >= expiresAt) return;
    if (existing && existing.url === url) return;
    this.#entries.set(m.id, {
      url,
      expiresAt,
      lifetime: Math.max(0, expiresAt - this.now()),
      failures: existing?.failures ?? 0,
    });
  }
}

/**
 * A URL on `apiOrigin` becomes a path on this page's origin (the dev server proxies /media to the
 * API), so downloads can read the bytes without the API sending CORS headers for /media.
 */
export function sameOriginMediaUrl(url: string, apiOrigin: string | null, pageOrigin: string): string {
  if (!apiOrigin) return url;
  try {
    const parsed = new URL(url);
    if (parsed.origin !== apiOrigin || !parsed.pathname.startsWith("/media/")) return url;
    return `${pageOrigin}${parsed.pathname}${parsed.search}`;
  } catch {
    return url;
  }
}
