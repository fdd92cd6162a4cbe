// Debian packages the tests need (Chromium, nginx), provisioned like MinIO: found, or installed once when
// it can be (as root with apt-get: the CI machine's shape).
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

export interface DebianTool {
  /** What the tests call it in messages ("Chromium", "nginx"). */
  name: string;
  /** The Debian package that provides it. */
  pkg: string;
  /** The environment variable that names the binary instead (CHROMIUM_PATH, NGINX_BIN). */
  envVar: string;
  /** Where Debian puts the binary; then `command -v <command>` is tried. */
  paths: string[];
  command: string;
  /** Who needs it, for the error message ("the browser tests"). */
  neededBy: string;
}

/**
 * The binary's path: `envVar`, a known path, `command` on PATH, or (as root with apt-get) the package
 * installed once, under a lock so parallel test files install it once. Throws what to do otherwise.
 */
export function debianTool(tool: DebianTool): string {
  const explicit = process.env[tool.envVar];
  if (explicit) {
    if (existsSync(explicit)) return explicit;
    throw new Error(`${tool.envVar}=${explicit} does not exist: point it at a ${tool.name} binary or unset it.`);
  }
  const found = () => {
    const known = tool.paths.find((p) => existsSync(p));
    if (known) return known;
    try {
      return execFileSync("bash", ["-c", `command -v ${tool.command}`], { encoding: "utf8" }).trim() || undefined;
    } catch {
      return undefined;
    }
  };
  const existing = found();
  if (existing) return existing;
  const canInstall = process.getuid?.() === 0 && existsSync("/usr/bin/apt-get") && existsSync("/usr/bin/flock");
  if (canInstall) {
    const install = [
      `echo "testkit: ${tool.name} not found; installing Debian's package (apt-get install -y ${tool.pkg})..." >&2`,
      "export DEBIAN_FRONTEND=noninteractive",
      // Install only: a package's service (nginx on port 80) is not started (invoke-rc.d honours RUNLEVEL=1).
      "export RUNLEVEL=1",
      `apt-get install -y -qq ${tool.pkg} >&2 || (apt-get update -qq >&2 && apt-get install -y -qq ${tool.pkg} >&2)`,
    ].join("\n");
    try {
      execFileSync("flock", [`/tmp/parley-${tool.pkg}-install.lock`, "bash", "-c", install], {
        stdio: ["ignore", "inherit", "inherit"],
      });
    } catch (error) {
      throw new Error(`${tool.name} is required for ${tool.neededBy} and \`apt-get install -y ${tool.pkg}\` failed.`, {
        cause: error,
      });
    }
    const installed = found();
    if (installed) return installed;
  }
  throw new Error(
    `${tool.name} is required for ${tool.neededBy} and was not found: install Debian's package ` +
      `(apt-get install -y ${tool.pkg}) or set ${tool.envVar}. As root with apt-get the tests install it themselves.`,
  );
}
