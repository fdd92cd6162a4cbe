// Debian's Chromium for browser tests, provisioned like MinIO: found, or installed once when it can be.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

const INSTALL = [
  "command -v chromium >/dev/null && exit 0",
  'echo "testkit: Chromium not found; installing Debian\'s package (apt-get install -y chromium)..." >&2',
  "export DEBIAN_FRONTEND=noninteractive",
  "apt-get install -y -qq chromium >&2 || (apt-get update -qq >&2 && apt-get install -y -qq chromium >&2)",
].join("\n");

/**
 * Path of the Chromium to drive with playwright-core: CHROMIUM_PATH, /usr/bin/chromium, chromium on
 * PATH, or (as root with apt-get, the CI machine's shape) Debian's package installed once, under a lock
 * so parallel test files install it once. Throws what to do when none of these works.
 */
export function chromiumExecutable(): string {
  const explicit = process.env.CHROMIUM_PATH;
  if (explicit) {
    if (existsSync(explicit)) return explicit;
    throw new Error(`CHROMIUM_PATH=${explicit} does not exist: point it at a Chromium binary or unset it.`);
  }
  const found = () => {
    if (existsSync("/usr/bin/chromium")) return "/usr/bin/chromium";
    try {
      return execFileSync("bash", ["-c", "command -v chromium"], { encoding: "utf8" }).trim() || undefined;
    } catch {
      return undefined;
    }
  };
  const existing = found();
  if (existing) return existing;
  const canInstall = process.getuid?.() === 0 && existsSync("/usr/bin/apt-get") && existsSync("/usr/bin/flock");
  if (canInstall) {
    try {
      execFileSync("flock", ["/tmp/parley-chromium-install.lock", "bash", "-c", INSTALL], {
        stdio: ["ignore", "inherit", "inherit"],
      });
    } catch (error) {
      throw new Error("Chromium is required for the browser tests and `apt-get install -y chromium` failed.", {
        cause: error,
      });
    }
    const installed = found();
    if (installed) return installed;
  }
  throw new Error(
    "Chromium is required for the browser tests and was not found: install Debian's package " +
      "(apt-get install -y chromium) or set CHROMIUM_PATH. As root with apt-get the tests install it themselves.",
  );
}
