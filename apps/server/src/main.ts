import { startParley } from "./app.ts";
import { ConfigError, loadConfig, useUploadTmpDir } from "./config.ts";
import { createLogger } from "./logger.ts";

let config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(78);
  }
  throw error;
}
const logger = createLogger(config);
const uploadTmpDir = await useUploadTmpDir(config);
logger.debug({ uploadTmpDir }, "upload buffer directory emptied");
let parley;
try {
  parley = await startParley(config, { logger });
} catch (error) {
  if (error instanceof ConfigError) {
    logger.error(error.message);
    process.exit(78);
  }
  throw error;
}
logger.info(
  { url: `${parley.url}/graphql`, database: parley.db.driver, storage: parley.store.kind },
  "Parley is listening",
);

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
