import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { once } from "node:events";
import type { ApolloServerPlugin } from "@apollo/server";
import type { RequestHandler } from "express";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { ServiceMetrics } from "../services/metrics.ts";

// Seconds: a text send is ~1 ms, a 150 MiB upload tens of seconds.
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
// Client-chosen operation names become label values: bounded, so no client can grow the registry.
const MAX_OPERATION_NAMES = 200;
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const ROUTES = ["/graphql", "/media", "/media-uploads", "/healthz", "/readyz", "/auth/dev-token"];

/**
 * Prometheus metrics (prom-client): one registry per server, instruments for requests, operations,
 * uploads, subscriptions, rate limits, the sweeper and the preview queue, plus the default process
 * metrics. Served on a listener of its own (METRICS_HOST:METRICS_PORT), never the public port.
 */
export function createMetrics(sources: {
  subscriptions: () => number;
  queueDepth?: () => Promise<{ waiting: number; active: number }>;
}) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const http = new Histogram({
    name: "parley_http_request_duration_seconds",
    help: "HTTP requests by method, route and status",
    labelNames: ["method", "route", "status"],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const operations = new Histogram({
    name: "parley_graphql_operation_duration_seconds",
    help: "GraphQL operations over HTTP by name, type and outcome (ok or the first error's code)",
    labelNames: ["operation", "type", "outcome"],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const uploadBytes = new Counter({
    name: "parley_upload_bytes_total",
    help: "Media bytes received, by upload path (multipart, session) and outcome",
    labelNames: ["path", "outcome"],
    registers,
  });
  const uploadDuration = new Histogram({
    name: "parley_upload_duration_seconds",
    help: "Time to store a message's files, by upload path and outcome",
    labelNames: ["path", "outcome"],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const uploadsInFlight = new Gauge({
    name: "parley_uploads_in_flight",
    help: "Messages whose files this instance is receiving now, by upload path",
    labelNames: ["path"],
    registers,
  });
  uploadsInFlight.set({ path: "multipart" }, 0);
  new Gauge({
    name: "parley_subscriptions_active",
    help: "GraphQL subscriptions open on this instance",
    registers,
    collect() {
      this.set(sources.subscriptions());
    },
  });
  const subscriptionExecutions = new Counter({
    name: "parley_subscription_executions_total",
    help: "Subscription payloads executed and serialized: one per event and group of subscribers asking the same",
    registers,
  });
  const subscriptionMessages = new Counter({
    name: "parley_subscription_messages_total",
    help: "Subscription next messages sent",
    registers,
  });
  const rateLimited = new Counter({
    name: "parley_rate_limit_refusals_total",
    help: "Requests refused with RATE_LIMITED, by budget",
    labelNames: ["budget"],
    registers,
  });
  const swept = new Counter({
    name: "parley_sweeper_removed_total",
    help: "What the orphan sweeper removed: objects, partial uploads, abandoned reservations, expired upload sessions",
    labelNames: ["kind"],
    registers,
  });
  if (sources.queueDepth) {
    const depth = sources.queueDepth;
    new Gauge({
      name: "parley_preview_queue_depth",
      help: "Preview jobs in the queue (shared by every instance), by state: waiting or active",
      labelNames: ["state"],
      registers,
      async collect() {
        const d = await depth().catch(() => ({ waiting: Number.NaN, active: Number.NaN }));
        this.set({ state: "waiting" }, d.waiting);
        this.set({ state: "active" }, d.active);
      },
    });
  }

  const operationNames = new Set<string>();
  const operationLabel = (name: string | null | undefined) => {
    if (!name || !OPERATION_NAME.test(name)) return "anonymous";
    if (operationNames.has(name)) return name;
    if (operationNames.size >= MAX_OPERATION_NAMES) return "other";
    operationNames.add(name);
    return name;
  };

  /** What the services report (they do not know prom-client). */
  const services: ServiceMetrics = {
    uploadStarted: (path) => {
      uploadsInFlight.inc({ path });
      let done = false;
      return () => {
        if (!done) uploadsInFlight.dec({ path });
        done = true;
      };
    },
    uploaded: (path, bytes, seconds, outcome) => {
      uploadBytes.inc({ path, outcome }, bytes);
      uploadDuration.observe({ path, outcome }, seconds);
    },
    rateLimited: (budget) => rateLimited.inc({ budget }),
    swept: (result) => {
      swept.inc({ kind: "object" }, result.deleted);
      swept.inc({ kind: "partial_upload" }, result.partial);
      swept.inc({ kind: "reservation" }, result.abandoned);
      swept.inc({ kind: "upload_session" }, result.expired);
    },
  };

  /**
   * Times one request by route (a fixed set: paths past the route never become labels) and status:
   * for the Express middleware below and for the JSON fast path (graphql/json-post.ts).
   */
  const trackRequest = (req: IncomingMessage & { originalUrl?: string }, res: ServerResponse) => {
    const end = http.startTimer({ method: req.method });
    res.once("finish", () => {
      // originalUrl: a router mounted on a path (app.use("/graphql", …)) strips it from req.url.
      const path = (req.originalUrl ?? req.url ?? "").split("?")[0]!;
      const route = ROUTES.find((r) => path === r || path.startsWith(`${r}/`)) ?? "other";
      end({ route, status: String(res.statusCode) });
    });
  };
  const httpMiddleware: RequestHandler = (req, res, next) => {
    trackRequest(req, res);
    next();
  };

  /** Times GraphQL operations with their outcome: "ok", or the code of the first error. */
  const apolloPlugin = <T extends object>(): ApolloServerPlugin<T> => ({
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ operationName, operation, response }) {
          const errors = response.body.kind === "single" ? response.body.singleResult.errors : undefined;
          const outcome = errors?.length ? String(errors[0]?.extensions?.code ?? "INTERNAL_SERVER_ERROR") : "ok";
          operations.observe(
            { operation: operationLabel(operationName), type: operation?.operation ?? "unknown", outcome },
            Number(process.hrtime.bigint() - started) / 1e9,
          );
        },
      };
    },
  });

  /** What the WebSocket server reports of its subscriptions' deliveries. */
  const subscriptions = {
    executed: () => subscriptionExecutions.inc(),
    delivered: () => subscriptionMessages.inc(),
  };

  return { registry, services, subscriptions, httpMiddleware, trackRequest, apolloPlugin };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** Serves GET /metrics on its own listener; resolves once listening, with its URL and a close(). */
export async function serveMetrics(metrics: Metrics, host: string, port: number) {
  const server: Server = createServer((req, res) => {
    if (req.method !== "GET" || (req.url ?? "").split("?")[0] !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("Parley serves only GET /metrics here\n");
      return;
    }
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { "content-type": metrics.registry.contentType }).end(text),
      (error: unknown) => res.writeHead(500, { "content-type": "text/plain" }).end(`${String(error)}\n`),
    );
  });
  server.listen(port, host);
  await once(server, "listening");
  const address = server.address() as { port: number };
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${address.port}/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
