import type { MediaUrls } from "./media-urls.ts";

/** Larger files go straight to the browser's download manager instead of through memory. */
export const IN_MEMORY_DOWNLOAD_MAX_BYTES = 64 * 1024 * 1024;

export interface DownloadTarget {
  messageId: string;
  mediaId: string;
  filename: string | null;
  size: number;
}

/**
 * Saves an attachment under its own name. Temporary URLs may live on another origin (MinIO),
 * where `<a download>` is ignored, so the bytes are fetched and saved from a same-origin blob;
 * a 403 (expired or revoked signature) is answered with a fresh URL and one more try.
 */
export async function downloadMedia(
  urls: MediaUrls,
  target: DownloadTarget,
  deps: { fetch?: typeof fetch; save?: (blob: Blob, filename: string) => void; open?: (url: string) => void } = {},
): Promise<void> {
  const fetchImpl = deps.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const open = deps.open ?? ((url: string) => window.open(url, "_blank", "noopener"));
  const save = deps.save ?? saveBlob;
  let url = await urls.get(target.messageId, target.mediaId);
  if (target.size > IN_MEMORY_DOWNLOAD_MAX_BYTES) {
    open(url);
    return;
  }
  let response: Response;
  try {
    response = await fetchImpl(url);
    if (response.status === 403 || response.status === 400) {
      const next = await urls.replaceFailed(target.messageId, target.mediaId, url);
      if (!next) throw new Error("The download link could not be renewed. Reload the conversation and try again.");
      url = next;
      response = await fetchImpl(url);
    }
  } catch (error) {
    // A store without CORS for this origin: let the browser fetch the (fresh) URL itself.
    if (error instanceof TypeError) {
      open(url);
      return;
    }
    throw error;
  }
  if (!response.ok) throw new Error(`The download failed (HTTP ${response.status}). Try again.`);
  urls.loaded(target.mediaId);
  save(await response.blob(), target.filename ?? "attachment");
}

function saveBlob(blob: Blob, filename: string): void {
  const href = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = href;
  a.download = filename;
  a.rel = "noopener";
  document.body.append(a);
  a.click();
  a.remove();
  // The download has started from the blob; keep it alive a moment for slow browsers.
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
}
