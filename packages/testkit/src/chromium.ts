import { debianTool } from "./debian-package.ts";

/**
 * Path of the Chromium to drive with playwright-core: CHROMIUM_PATH, /usr/bin/chromium, chromium on
 * PATH, or (as root with apt-get) Debian's package installed once.
 */
export function chromiumExecutable(): string {
  return debianTool({
    name: "Chromium",
    pkg: "chromium",
    envVar: "CHROMIUM_PATH",
    paths: ["/usr/bin/chromium"],
    command: "chromium",
    neededBy: "the browser tests",
  });
}
