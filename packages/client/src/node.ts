// @parley/client/node: Node-only helpers, kept out of the browser entry.
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { WebSocket as NodeWebSocket } from "ws";
import type { MediaOptions } from "./media-source.ts";
import type { WebSocketConstructor } from "./realtime.ts";

/**
 * A WebSocket for live events on Node.js 20, which has no global one (the `ws` package):
 * `createClient({ url, getToken, webSocketImpl: WebSocket })`. Node.js ≥ 22 needs none.
 */
export const WebSocket: WebSocketConstructor = NodeWebSocket;

/**
 * An attachment streamed from a file, never read into memory: its size is read first, so limits
 * are checked before sending and progress has a total. Use each result for one send.
 */
export async function mediaFromPath(
  path: string,
  options: { filename?: string; contentType?: string } = {},
): Promise<MediaOptions> {
  const info = await stat(path);
  if (!info.isFile()) throw new TypeError(`${path} is not a file.`);
  return {
    media: createReadStream(path),
    size: info.size,
    filename: options.filename ?? basename(path),
    ...(options.contentType ? { contentType: options.contentType } : {}),
  };
}
