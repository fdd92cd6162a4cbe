// @parley/client/node: Node-only helpers, kept out of the browser entry.
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { createRequire } from "node:module";
import type { MediaOptions } from "./media-source.ts";
import type { WebSocketConstructor } from "./realtime.ts";

/**
 * A WebSocket for live events on Node.js 20, which has no global one (the `ws` package):
 * `createClient({ url, getToken, webSocketImpl: WebSocket })`. Node.js ≥ 22 needs none.
 */
export const WebSocket: WebSocketConstructor = class WebSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  // `ws` is an optional peer dependency: loaded on first use, so mediaFromPath works without it.
  constructor(url: string, protocols?: string | string[]) {
    let Ws: new (url: string, protocols?: string | string[]) => object;
    try {
      Ws = (createRequire(import.meta.url)("ws") as { WebSocket: typeof Ws }).WebSocket;
    } catch (error) {
      throw new Error('Live events on Node.js 20 need the "ws" package: npm install ws', { cause: error });
    }
    return new Ws(url, protocols);
  }
};

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
