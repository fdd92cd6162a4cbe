import { startParley } from "./app.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { createLogger } from "./logger.ts";
import { claimUploadTmpDir, type UploadTmpDir } from "./upload-tmp-dir.ts";

let config;
let uploadTmp: UploadTmpDir;
try {
  config = loadConfig();
  uploadTmp = await claimUploadTmpDir(config);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(78);
  }
  throw error;
}
// The process's own buffer directory goes with it (a crash's is swept by the next start).
process.once("exit", () => uploadTmp.release());
const logger = createLogger(config);
logger.debug({ uploadTmpDir: uploadTmp.dir, swept: uploadTmp.swept }, "upload buffer directory ready");
let parley: Awaited<ReturnType<typeof startParley>>;
try {
  parley = await startParley(config, { logger });
} catch (error) {
  if (error instanceof ConfigError) {
    logger.error(error.message);
    process.exit(78);
  }
  throw error;
}
let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down: draining requests");
    const force = setTimeout(() => {
      logger.error("requests did not drain within 10 s; exiting");
      process.exit(1);
    }, 10_000);
    force.unref();
    parley.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "error during shutdown");
        process.exit(1);
      },
    );
  });
}
// Logged once the signal handlers are in place: whoever waits for this line may send SIGTERM at once.
logger.info(
  { url: `${parley.url}/graphql`, database: parley.db.driver, storage: config.storage.kind },
  "Parley is listening",
);
