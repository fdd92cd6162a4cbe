// Multipart file parts sent out of order (http/multipart-stream.ts) and preview jobs' copies of
// originals go to os.tmpdir(); in-order parts never touch disk. Parley points os.tmpdir() at a
// directory of its own inside UPLOAD_TMP_DIR and only ever deletes directories it made itself: the
// configured directory may be shared (/tmp), or even be DATA_DIR itself: emptying it would delete
// what is not ours.
import { rmSync } from "node:fs";
import { lstat, mkdir, mkdtemp, readdir, readFile, realpath, rm, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { ConfigError, setProcessTmpdir, type Config } from "./config.ts";
import { processAlive } from "./process-alive.ts";

/** Each process's buffer directory is `UPLOAD_TMP_DIR/parley-uploads-XXXXXX`, holding this marker. */
export const UPLOAD_DIR_PREFIX = "parley-uploads-";
export const UPLOAD_DIR_MARKER = ".parley-upload-buffers";
const MARKER_KIND = "parley-upload-buffers/1";

interface Marker {
  kind: typeof MARKER_KIND;
  pid: number;
  host: string;
  startedAt: string;
}

export interface UploadTmpDir {
  /** The process's own directory (TMPDIR from now on). */
  dir: string;
  /** Directories of crashed Parley processes on this host, removed at start. */
  swept: string[];
  /** Removes the process's own directory (at exit). */
  release(): void;
}

/** The real path of `path`, for a path whose tail may not exist yet (DATA_DIR before the first start). */
async function realpathLoose(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch (error) {
    const parent = dirname(path);
    if ((error as NodeJS.ErrnoException).code !== "ENOENT" || parent === path) throw error;
    return join(await realpathLoose(parent), basename(path));
  }
}

/** Whether `inner` is `outer` or lies inside it. */
const within = (outer: string, inner: string) => {
  const rel = relative(outer, inner);
  return !isAbsolute(rel) && rel !== ".." && !rel.startsWith(`..${sep}`);
};

async function readMarker(dir: string): Promise<Marker | undefined> {
  try {
    const file = join(dir, UPLOAD_DIR_MARKER);
    if (!(await lstat(file)).isFile()) return undefined;
    const marker = JSON.parse(await readFile(file, "utf8")) as Partial<Marker>;
    return marker.kind === MARKER_KIND && typeof marker.pid === "number" && typeof marker.host === "string"
      ? (marker as Marker)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Removes the buffer directories of Parley processes of this host that are gone (a crash leaves
 * plaintext buffers behind). Anything else in the configured directory is left alone: entries
 * without Parley's marker, symbolic links, and directories of live or other hosts' processes.
 */
async function sweepStale(parent: string): Promise<string[]> {
  const swept: string[] = [];
  for (const name of await readdir(parent)) {
    if (!name.startsWith(UPLOAD_DIR_PREFIX)) continue;
    const dir = join(parent, name);
    const stat = await lstat(dir).catch(() => undefined);
    if (!stat?.isDirectory()) continue;
    const marker = await readMarker(dir);
    if (!marker || marker.host !== hostname()) continue;
    if (marker.pid !== process.pid && processAlive(marker.pid)) continue;
    await rm(dir, { recursive: true, force: true });
    swept.push(dir);
  }
  return swept;
}

/**
 * Makes this process's buffer directory inside config.uploadTmpDir and points TMPDIR at it. Refuses
 * (ConfigError) an upload directory that is DATA_DIR or holds it. Call once, from the process entry point.
 */
export async function claimUploadTmpDir(config: Config): Promise<UploadTmpDir> {
  const configured = resolve(config.uploadTmpDir);
  const dataDir = await realpathLoose(resolve(config.dataDir));
  if (within(await realpathLoose(configured), dataDir)) {
    throw new ConfigError(
      `Invalid configuration:\n  UPLOAD_TMP_DIR: must not be DATA_DIR or a directory that holds it (UPLOAD_TMP_DIR=${configured}, DATA_DIR=${dataDir}); leave it unset for DATA_DIR/tmp/uploads`,
    );
  }
  await mkdir(configured, { recursive: true, mode: 0o700 });
  const parent = await realpath(configured);
  const swept = await sweepStale(parent);
  const dir = await mkdtemp(join(parent, UPLOAD_DIR_PREFIX));
  const marker: Marker = { kind: MARKER_KIND, pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  await writeFile(join(dir, UPLOAD_DIR_MARKER), JSON.stringify(marker), { mode: 0o600, flag: "wx" });
  setProcessTmpdir(dir);
  return { dir, swept, release: () => rmSync(dir, { recursive: true, force: true }) };
}
