// `pnpm cluster` (scripts/cluster.sh): starts a local production-shaped cluster, prints where it is,
// and stops everything on Ctrl-C.
import { parseArgs } from "node:util";
import { startCluster, type Cluster } from "./cluster.ts";

const { values } = parseArgs({
  options: {
    instances: { type: "string", default: "2" },
    port: { type: "string" },
  },
});
const instances = Number(values.instances);
if (!Number.isInteger(instances) || instances < 1) {
  console.error("usage: pnpm cluster [--instances N (default 2)] [--port nginx-port (default: a free one)]");
  process.exit(64);
}

const say = (line: string) => console.log(`cluster: ${line}`);
say("starting (PostgreSQL database, 4 MinIO nodes, nginx, Parley instances)...");
let cluster: Cluster;
try {
  cluster = await startCluster({
    instances,
    apiPort: values.port === undefined ? undefined : Number(values.port),
    log: say,
  });
} catch (error) {
  // What was started is stopped again; the message says what failed (with the process's log).
  console.error(`cluster: could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) {
      console.error("cluster: stopping already; a second signal exits without waiting");
      process.exit(1);
    }
    stopping = true;
    say("stopping...");
    cluster.close().then(
      () => {
        say("stopped; database dropped, drives and logs removed");
        process.exit(0);
      },
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}

const secret = cluster.env.AUTH_JWT_SECRET!;
console.log(`
Parley cluster is up: ${cluster.url}/graphql (HTTP and WebSocket, through nginx)

  API instances  ${cluster.instances.map((p) => `${p.name} ${p.url}`).join(", ")}
  S3 (nginx)     ${cluster.s3Url} over MinIO ${cluster.minio.nodes.map((n) => n.endpoint).join(", ")}
  PostgreSQL     ${cluster.database.url}
  files          ${cluster.dir} (logs/parley-N.log, nginx/access.log, minio/driveN)

Tokens (HS256, AUTH_JWT_SECRET=${secret}):
  ALICE=$(AUTH_JWT_SECRET=${secret} pnpm --silent token alice)
  curl -s ${cluster.url}/graphql -H "authorization: Bearer $ALICE" -H 'content-type: application/json' \\
    -d '{"query":"{ viewer { identity } }"}'

Ctrl-C stops everything.`);
