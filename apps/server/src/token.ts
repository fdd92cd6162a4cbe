// `pnpm --silent token <identity> [ttlSeconds]`: prints a token, using the server's configuration.
import { createTokenService } from "./auth.ts";
import { ConfigError, loadCliConfig } from "./config.ts";

const [identity, ttl] = process.argv.slice(2);
if (!identity) {
  console.error("usage: pnpm --silent token <identity> [ttlSeconds]");
  process.exit(64);
}
try {
  const tokens = createTokenService(loadCliConfig());
  process.stdout.write(`${await tokens.issue(identity, ttl ? Number(ttl) : undefined)}\n`);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
