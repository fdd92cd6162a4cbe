import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";

export const MiB = 1024 * 1024;

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** A byte stream of `bytes` delivered in `sliceSize` pieces, like a network upload. */
export function sourceOf(bytes: Buffer, sliceSize = MiB): Readable {
  function* slices() {
    for (let i = 0; i < bytes.length; i += sliceSize) yield bytes.subarray(i, i + sliceSize);
  }
  return Readable.from(slices(), { objectMode: false });
}

/** Sends `before` bytes, then fails with `error`. */
export function failingSource(before: number, error: Error): Readable {
  async function* gen() {
    let sent = 0;
    while (sent < before) {
      const n = Math.min(256 * 1024, before - sent);
      yield Buffer.alloc(n, 0x61);
      sent += n;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw error;
  }
  return Readable.from(gen(), { objectMode: false });
}

/** Never ends on its own: 64 KiB every few milliseconds, counting what was read. */
export function endlessSource(): Readable & { sent: number } {
  const stream = new Readable({
    read() {
      setTimeout(() => {
        if (stream.destroyed) return;
        stream.sent += 64 * 1024;
        stream.push(Buffer.alloc(64 * 1024, 0x62));
      }, 2);
    },
  }) as Readable & { sent: number };
  stream.sent = 0;
  return stream;
}

export async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Every regular file under `dir`, recursively. */
export async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/** Files under `dir` containing `needle`, and how many bytes were scanned in all. */
export async function scanFor(dir: string, needle: Buffer): Promise<{ hits: string[]; scannedBytes: number }> {
  const hits: string[] = [];
  let scannedBytes = 0;
  for (const file of await filesUnder(dir)) {
    const bytes = await readFile(file);
    scannedBytes += bytes.length;
    if (bytes.includes(needle)) hits.push(file);
  }
  return { hits, scannedBytes };
}

/** `url` with one query parameter's raw value altered (last character changed), all else byte-identical. */
export function tamperParam(url: string, names: string[]): string {
  for (const name of names) {
    const match = new RegExp(`([?&]${name}=)([^&#]+)`).exec(url);
    if (!match) continue;
    const value = match[2] as string;
    const last = value.at(-1) === "a" ? "b" : "a";
    const start = match.index + (match[1] as string).length;
    return url.slice(0, start) + value.slice(0, -1) + last + url.slice(start + value.length);
  }
  throw new Error(`none of ${names.join(", ")} in ${url}`);
}
