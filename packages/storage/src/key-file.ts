import { randomBytes } from "node:crypto";
import { link, mkdir, readFile, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";

export const KEY_BYTES = 32;

/** Parses a 32-byte key given as 64 hex digits or base64/base64url (e.g. MEDIA_ENCRYPTION_KEY). */
export function parseKey(text: string, what = "key"): Buffer {
  const value = text.trim();
  let key: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(value)) key = Buffer.from(value, "hex");
  else if (/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(value)) key = Buffer.from(value, "base64");
  if (!key || key.length !== KEY_BYTES) {
    throw new Error(
      `${what} must be ${KEY_BYTES} bytes written as 64 hex digits or base64 ` +
        "(generate one with `openssl rand -base64 32`)",
    );
  }
  return key;
}

/**
 * The 32-byte key `provided` (hex or base64), or else the one in `<dataDir>/<name>.key`, created
 * once with mode 0600. Creation goes through a hard link so concurrent starts agree on one key.
 */
export async function loadOrCreateKey(dataDir: string, name: string, provided?: string): Promise<Buffer> {
  if (provided !== undefined && provided.trim() !== "") return parseKey(provided, name);
  if (!/^[A-Za-z0-9._-]+$/.test(name) || name.startsWith(".")) {
    throw new Error(`key name ${JSON.stringify(name)} must be a plain file name`);
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, `${name}.key`);
  try {
    return parseKey(await readFile(path, "utf8"), path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const temp = join(dataDir, `.${name}.key.${process.pid}.${randomBytes(6).toString("hex")}`);
  await writeFile(temp, `${randomBytes(KEY_BYTES).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
  try {
    await link(temp, path);
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    await unlink(temp).catch(() => {});
  }
  return parseKey(await readFile(path, "utf8"), path);
}
