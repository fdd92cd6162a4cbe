export { startParley, type Parley } from "./app.ts";
export { loadConfig, ConfigError, type Config } from "./config.ts";
