import { mkdir, open, readFile, unlink } from "node:fs/promises";
import { join, resolve } from "node:path";
import { ConfigError } from "./config.ts";
import { processAlive } from "./process-alive.ts";

const LOCK_FILE = "parley.lock";
// Directories this process holds, so a second instance in the same process is refused too.
const held = new Set<string>();

/**
 * Takes `<dataDir>/parley.lock` for this process: the embedded database (PGlite) must never be opened
 * by two processes at once. A lock whose process is gone (a crash, SIGKILL) is taken over.
 * Resolves to the function that releases it.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const dir = resolve(dataDir);
  const path = join(dir, LOCK_FILE);
  if (held.has(dir)) throw inUse(dir, process.pid);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  for (let attempt = 0; ; attempt++) {
    try {
      const file = await open(path, "wx", 0o600);
      await file.writeFile(`${process.pid}\n`);
      await file.close();
      if (attempt > 0) {
        // Taken over from a dead process: another starting process may have done the same at once
        // (and deleted ours). Whoever's pid is in the file after a moment holds the lock.
        await new Promise((r) => setTimeout(r, 50));
        const owner = Number.parseInt(await readFile(path, "utf8").catch(() => ""), 10);
        if (owner !== process.pid) throw inUse(dir, owner);
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) throw error;
      const owner = Number.parseInt(await readFile(path, "utf8").catch(() => ""), 10);
      if (Number.isInteger(owner) && owner !== process.pid && processAlive(owner)) throw inUse(dir, owner);
      await unlink(path).catch(() => {}); // stale: its process is gone
    }
  }
  held.add(dir);
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    held.delete(dir);
    await unlink(path).catch(() => {});
  };
}

function inUse(dir: string, pid: number): ConfigError {
  return new ConfigError(
    `DATA_DIR ${dir} is in use by another Parley process (pid ${pid}): the embedded database allows one ` +
      `process at a time. Stop that process, or give this one its own DATA_DIR (or DATABASE_URL for several instances).`,
  );
}
