import type { Server } from "node:http";
import { makeExecutableSchema } from "@graphql-tools/schema";
import express from "express";
import type { Logger } from "pino";
import { openDatabase, type DbHandle } from "@parley/db";
import { typeDefs } from "@parley/schema";
import type { ObjectStore } from "@parley/storage";
import { createTokenService, type TokenService } from "./auth.ts";
import type { Config } from "./config.ts";
import { lockDataDir } from "./data-dir-lock.ts";
import { createArmor } from "./graphql/armor.ts";
import { formatError } from "./graphql/format-error.ts";
import { createApollo, graphqlRoute, httpContext } from "./graphql/http.ts";
import { jsonPostHandler } from "./graphql/json-post.ts";
import { resolvers } from "./graphql/resolvers.ts";
import { graphqlWebSocket, type GraphqlWebSocket } from "./graphql/websocket.ts";
import { devTokenRoutes } from "./http/dev-tokens.ts";
import { jsonErrorHandler, notFoundHandler } from "./http/errors.ts";
import { healthRoutes } from "./http/health.ts";
import { mediaRoutes } from "./http/media-route.ts";
import { uploadPartRoutes } from "./http/upload-part-route.ts";
import { startPreviewJobs, type PreviewQueueDepth } from "./jobs/preview-jobs.ts";
import { createHttpServer, Lifecycle } from "./lifecycle.ts";
import { createLogger } from "./logger.ts";
import { previewsRepository } from "./repositories/previews.ts";
import { createMetrics, serveMetrics } from "./observability/metrics.ts";
import { requestIds, requestLog } from "./observability/request-ids.ts";
import { EventHub } from "./realtime/event-hub.ts";
import { createServices, type Services } from "./services/index.ts";
import { previewService } from "./services/previews.ts";
import { storeFromConfig } from "./store-from-config.ts";

export { IDLE_TIMEOUT_MS } from "./lifecycle.ts";

export interface Parley {
  /** Base URL the server listens on, e.g. http://127.0.0.1:4000. */
  url: string;
  server: Server;
  services: Services;
  tokens: TokenService;
  db: DbHandle;
  store: ObjectStore;
  logger: Logger;
  /** Preview jobs waiting and running, across every instance (for metrics). */
  previewQueueDepth(): Promise<PreviewQueueDepth>;
  /** Prometheus /metrics, when METRICS_PORT is set. */
  metricsUrl: string | undefined;
  /** Stops accepting requests, drains the ones in flight, closes the database. */
  close(): Promise<void>;
}

/**
 * The composition root: opens the database and storage, starts the event hub, the preview jobs,
 * GraphQL over HTTP and WebSocket and the sweeps, then listens on config.host:config.port (0 = any).
 * Start and stop order: lifecycle.ts.
 */
export async function startParley(config: Config, options: { logger?: Logger } = {}): Promise<Parley> {
  const logger = options.logger ?? createLogger(config);
  const server = createHttpServer();
  const lifecycle = new Lifecycle(server);
  // Until the port opens the URL is unknown with PORT=0, so the embedded store reads it when it first signs.
  let url = "";

  return lifecycle.start(async () => {
    if ("dataDir" in config.database) lifecycle.started(await lockDataDir(config.dataDir));
    const db = await openDatabase(
      "url" in config.database
        ? { url: config.database.url, poolMax: config.database.poolMax }
        : { dataDir: config.database.dataDir },
    );
    lifecycle.started(() => db.close());
    const store = await storeFromConfig(config, () => config.publicUrl ?? url);
    await store.init();
    const tokens = createTokenService(config);
    const hub = new EventHub(logger);
    await hub.start(db);
    lifecycle.started(() => hub.stop());
    const previewRepository = previewsRepository(db.db);
    const previewJobs = await startPreviewJobs({
      db,
      databaseUrl: "url" in config.database ? config.database.url : undefined,
      service: previewService({ store, repository: previewRepository, limits: config.previews, logger }),
      repository: previewRepository,
      options: { workers: config.previews.workers, timeoutSeconds: config.previews.timeoutSeconds },
      logger,
    });
    lifecycle.started(() => previewJobs.stop());
    // The WebSocket server starts below, with the services the metrics are given to.
    const sockets: { ws?: GraphqlWebSocket } = {};
    const metrics =
      config.metrics.port === undefined
        ? undefined
        : createMetrics({
            subscriptions: () => sockets.ws?.activeSubscriptions() ?? 0,
            queueDepth: () => previewJobs.depth(),
          });
    const services = createServices({
      db: db.db,
      store,
      config,
      logger,
      hub,
      previewQueue: previewJobs,
      metrics: metrics?.services,
    });

    const schema = makeExecutableSchema({ typeDefs, resolvers: resolvers as never });
    const armor = createArmor();
    const listBounds = { maxParticipants: config.limits.maxParticipants, maxFiles: config.media.maxFiles };
    const production = config.nodeEnv === "production";
    // One formatter for HTTP and WebSocket: every error leaves with a contract code.
    const format = formatError(logger, { schemaSuggestions: !production });
    const ws = (sockets.ws = graphqlWebSocket({
      server,
      schema,
      validationRules: armor.validationRules,
      production,
      listBounds,
      format,
      tokens,
      services,
      metrics: metrics?.subscriptions,
    }));
    const apollo = createApollo({
      schema,
      armor,
      listBounds,
      format,
      production,
      metrics,
      httpServer: server,
      drainAlso: () => ws.dispose(),
    });
    await apollo.start();
    lifecycle.startedFrontDoor(() => apollo.stop());

    const app = express();
    app.disable("x-powered-by");
    app.use(requestIds(logger));
    if (metrics) app.use(metrics.httpMiddleware);
    app.use(healthRoutes(db, store, lifecycle.draining));
    const media = mediaRoutes(store, logger);
    if (media) app.use(media);
    const uploadParts = uploadPartRoutes(store, logger);
    if (uploadParts) app.use(uploadParts);
    if (config.auth.devTokens) {
      logger.warn("AUTH_DEV_TOKENS is on: POST /auth/dev-token issues a token for any identity (development only)");
      app.use(devTokenRoutes(tokens));
    }
    app.use(graphqlRoute({ apollo, tokens, services, media: config.media }));
    app.use(notFoundHandler);
    app.use(jsonErrorHandler(logger));
    // POST /graphql with a JSON body skips Express (json-post.ts); everything else goes through it.
    const jsonPost = jsonPostHandler({
      apollo,
      context: httpContext({ tokens, services }),
      logRequest: requestLog(logger),
      trackRequest: metrics?.trackRequest,
      logger,
    });
    server.on("request", (req, res) => {
      if (!jsonPost(req, res)) app(req, res);
    });

    if (config.orphans.intervalSeconds > 0) {
      lifecycle.started(
        services.media.scheduleSweeps(config.orphans.graceSeconds * 1000, config.orphans.intervalSeconds * 1000),
      );
    }
    const metricsListener = metrics && (await serveMetrics(metrics, config.metrics.host, config.metrics.port!));
    if (metricsListener) {
      lifecycle.started(metricsListener.close);
      logger.info({ url: metricsListener.url }, "Prometheus metrics are served");
    }
    url = await lifecycle.listen(config.port, config.host);

    return {
      url,
      metricsUrl: metricsListener?.url,
      server,
      services,
      tokens,
      db,
      store,
      logger,
      previewQueueDepth: () => previewJobs.depth(),
      close: () => lifecycle.close(),
    };
  });
}
