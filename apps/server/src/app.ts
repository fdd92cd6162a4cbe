import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { expressMiddleware } from "@as-integrations/express5";
import { makeExecutableSchema } from "@graphql-tools/schema";
import express from "express";
import { createRequire } from "node:module";
import { GraphQLError } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import type { Logger } from "pino";
import { openDatabase, type DbHandle } from "@parley/db";
import { typeDefs } from "@parley/schema";
import type { ObjectStore } from "@parley/storage";
import { createTokenService, type TokenService } from "./auth.ts";
import type { Config } from "./config.ts";
import { ApiError } from "./errors.ts";
import { createArmor, QUERY_LIMITS, returnedObjectsError, returnedObjectsLimit } from "./graphql/armor.ts";
import type { Context } from "./graphql/context.ts";
import { formatError, withoutSchemaSuggestions } from "./graphql/format-error.ts";
import { preExecutionStatusPlugin } from "./graphql/http-status.ts";
import { createLoaders } from "./graphql/loaders.ts";
import { MAX_RESPONSE_BYTES, jsonBytesWithin, responseSizeLimit, tooLargeError } from "./graphql/response-size.ts";
import { resolvers } from "./graphql/resolvers.ts";
import {
  answerClientErrorsWithJson,
  jsonErrorHandler,
  multipartErrorsAsBadInput,
  notFoundHandler,
  requirePreflightForMultipart,
} from "./http/errors.ts";
import { devTokenRoutes } from "./http/dev-tokens.ts";
import { healthRoutes } from "./http/health.ts";
import { mediaRoutes } from "./http/media-route.ts";
import { multipartBytesReceived, multipartComplete, trackMultipartCompletion } from "./http/multipart-completion.ts";
import { streamingMultipart } from "./http/multipart-stream.ts";
import { uploadPartRoutes } from "./http/upload-part-route.ts";
import { createLogger } from "./logger.ts";
import { startPreviewJobs, type PreviewJobs, type PreviewQueueDepth } from "./jobs/preview-jobs.ts";
import { previewsRepository } from "./media/previews-repository.ts";
import { previewService } from "./services/previews.ts";
import { EventHub } from "./realtime/event-hub.ts";
import { createServices, type Services } from "./services/index.ts";
import { storeFromConfig } from "./store-from-config.ts";
import { createMetrics, serveMetrics } from "./observability/metrics.ts";
import { requestIdPlugin, requestIds } from "./observability/request-ids.ts";
import { lockDataDir } from "./data-dir-lock.ts";

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

const JSON_BODY_LIMIT = "1mb";
/** An HTTP connection idle this long (no byte in or out) is closed; see createServer below. */
export const IDLE_TIMEOUT_MS = 120_000;

// graphql 16 has no "exports" map: Node (and so graphql-ws and @graphql-tools) load its CommonJS
// build, while bundlers and vitest may hand our sources index.mjs. Validation must run in the
// schema's copy, so take it from CommonJS explicitly.
const {
  specifiedRules,
  validate,
  NoSchemaIntrospectionCustomRule,
  parse,
  getOperationAST,
  GraphQLError: WsError,
} = createRequire(import.meta.url)("graphql") as typeof import("graphql");

/** Opens the database and storage, builds the HTTP app and listens on config.host:config.port (0 = any). */
export async function startParley(config: Config, options: { logger?: Logger } = {}): Promise<Parley> {
  const logger = options.logger ?? createLogger(config);
  // No fixed deadline for a whole request (Node's default is 300 s): a 150 MiB upload over a slow
  // link may take longer. A connection that moves no byte either way for 2 minutes is closed instead.
  const server = createServer({ requestTimeout: 0 });
  server.timeout = IDLE_TIMEOUT_MS;
  server.on("clientError", answerClientErrorsWithJson);
  // The port opens last, once everything can answer (a starting server never holds a connection);
  // until then the URL is unknown with PORT=0, so the embedded store reads it when it first signs.
  let url = "";

  let db: DbHandle | undefined;
  let previewJobs: PreviewJobs | undefined;
  let unlock: (() => Promise<void>) | undefined;
  // What has started so far, stopped in reverse if a later step (even listen()) fails.
  const started: (() => Promise<unknown>)[] = [];
  try {
    if ("dataDir" in config.database) unlock = await lockDataDir(config.dataDir);
    db = await openDatabase(
      "url" in config.database
        ? { url: config.database.url, poolMax: config.database.poolMax }
        : { dataDir: config.database.dataDir },
    );
    const store = await storeFromConfig(config, () => config.publicUrl ?? url);
    await store.init();
    const tokens = createTokenService(config);
    const hub = new EventHub(logger);
    await hub.start(db);
    started.push(() => hub.stop());
    const previewRepository = previewsRepository(db.db);
    previewJobs = await startPreviewJobs({
      db,
      databaseUrl: "url" in config.database ? config.database.url : undefined,
      service: previewService({ store, repository: previewRepository, limits: config.previews, logger }),
      repository: previewRepository,
      options: { workers: config.previews.workers, timeoutSeconds: config.previews.timeoutSeconds },
      logger,
    });
    // Open WebSocket connections, for the active-subscriptions gauge.
    const sockets = new Set<{ subscriptions: Record<string, unknown> }>();
    const metrics =
      config.metrics.port === undefined
        ? undefined
        : createMetrics({
            subscriptions: () => [...sockets].reduce((n, s) => n + Object.keys(s.subscriptions).length, 0),
            queueDepth: () => previewJobs!.depth(),
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
    // One formatter for HTTP and WebSocket: every error leaves with a contract code.
    const format = formatError(logger, { schemaSuggestions: config.nodeEnv !== "production" });

    // Subscriptions: graphql-transport-ws on the same path; the token travels in connection_init.
    // Subscription documents are small; 64 KiB bounds what a socket may send in one message.
    const wss = new WebSocketServer({ server, path: "/graphql", maxPayload: 64 * 1024 });
    const wsServer = useServer<Record<string, unknown> | undefined, { identity?: string }>(
      {
        schema,
        // The same query limits as over HTTP; in production no introspection and no schema suggestions.
        validate: (sch, doc) => {
          if (config.nodeEnv !== "production") return validate(sch, doc, [...specifiedRules, ...armor.validationRules]);
          const errors = validate(sch, doc, [
            ...specifiedRules,
            ...armor.validationRules,
            NoSchemaIntrospectionCustomRule,
          ]);
          for (const e of errors) e.message = withoutSchemaSuggestions(e.message);
          return errors;
        },
        // graphql-ws runs queries and mutations too, outside Apollo's plugins: the same bounds apply.
        onSubscribe: (_ctx, _id, payload) => {
          let document;
          try {
            document = parse(payload.query);
          } catch (error) {
            // graphql-ws would close the socket over a syntax error; an error message keeps it open.
            return [new WsError((error as Error).message, { extensions: { code: "BAD_USER_INPUT" } })];
          }
          const operation = getOperationAST(document, payload.operationName ?? undefined);
          if (!operation) return;
          const error = returnedObjectsError(schema, document, operation, payload.variables ?? {}, listBounds);
          if (error) return [new WsError(error.message, { extensions: { code: "BAD_USER_INPUT" } })];
        },
        onNext: (_ctx, _id, _payload, _args, result) => {
          if (jsonBytesWithin(result, MAX_RESPONSE_BYTES) > MAX_RESPONSE_BYTES)
            return { data: null, errors: [tooLargeError(MAX_RESPONSE_BYTES)] };
          if (result.errors?.length) return { ...result, errors: result.errors.map((e) => format(e.toJSON(), e)) };
        },
        // Errors before execution (syntax, validation) leave with a contract code too, as over HTTP.
        onError: (_ctx, _id, _payload, errors) =>
          errors.map((e) =>
            format({ ...e.toJSON(), extensions: { ...e.extensions, code: e.extensions?.code ?? "BAD_USER_INPUT" } }, e),
          ),
        onClose: (ctx) => void sockets.delete(ctx),
        onConnect: async (ctx) => {
          const params = ctx.connectionParams ?? {};
          const header =
            typeof params.authorization === "string"
              ? params.authorization
              : typeof params.token === "string"
                ? `Bearer ${params.token}`
                : undefined;
          try {
            const identity = await tokens.authenticate(header);
            if (!identity) return false;
            ctx.extra.identity = identity;
            sockets.add(ctx);
            return true;
          } catch {
            return false; // closes with 4403 Forbidden
          }
        },
        context: (ctx): Context => {
          const identity = ctx.extra.identity ?? null;
          return {
            viewer: identity ? { identity } : null,
            services,
            loaders: createLoaders(services, identity),
            signal: new AbortController().signal,
          };
        },
      },
      wss,
    );
    const apollo = new ApolloServer<Context>({
      schema,
      validationRules: armor.validationRules,
      parseOptions: { maxTokens: QUERY_LIMITS.maxTokens },
      allowBatchedHttpRequests: false,
      formatError: format,
      introspection: config.nodeEnv !== "production",
      includeStacktraceInErrorResponses: false,
      csrfPrevention: true,
      // main.ts owns SIGTERM/SIGINT (drain, close everything, exit 0). Apollo's own handlers (on outside
      // NODE_ENV=test) stopped only Apollo and re-raised the signal: the process died by it mid-shutdown.
      stopOnTerminationSignals: false,
      plugins: [
        // armor's types name @apollo/server's CommonJS declarations; the plugin objects are the same.
        ...(armor.plugins as unknown as ApolloServerPlugin<Context>[]),
        preExecutionStatusPlugin<Context>(),
        requestIdPlugin<Context>(),
        ...(metrics ? [metrics.apolloPlugin<Context>()] : []),
        returnedObjectsLimit<Context>(listBounds),
        responseSizeLimit<Context>(),
        // In-flight requests get 8 s, then their connections are closed: the process exits within 10 s.
        ApolloServerPluginDrainHttpServer({ httpServer: server, stopGracePeriodMillis: 8_000 }),
        { serverWillStart: async () => ({ drainServer: async () => void (await wsServer.dispose()) }) },
      ],
    });
    await apollo.start();
    started.push(() => apollo.stop());

    const app = express();
    app.disable("x-powered-by");
    app.use(requestIds(logger));
    if (metrics) app.use(metrics.httpMiddleware);
    let draining = false;
    app.use(healthRoutes(db, store, () => draining));
    const media = mediaRoutes(store, logger);
    if (media) app.use(media);
    const uploadParts = uploadPartRoutes(store, logger);
    if (uploadParts) app.use(uploadParts);
    if (config.auth.devTokens) {
      logger.warn("AUTH_DEV_TOKENS is on: POST /auth/dev-token issues a token for any identity (development only)");
      app.use(devTokenRoutes(tokens));
    }
    app.use("/graphql", (req, res, next) => {
      // Bearer tokens, no cookies: any origin may call the API from a browser.
      res.set("Access-Control-Allow-Origin", "*");
      res.set("Access-Control-Expose-Headers", "Retry-After");
      if (req.method === "OPTIONS") {
        res.set("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
        res.set(
          "Access-Control-Allow-Headers",
          "authorization, content-type, apollo-require-preflight, x-apollo-operation-name",
        );
        res.set("Access-Control-Max-Age", "600");
        res.status(204).end();
        return;
      }
      next();
    });
    app.use(
      "/graphql",
      requirePreflightForMultipart,
      trackMultipartCompletion,
      multipartErrorsAsBadInput(
        streamingMultipart({
          authenticate: (header) => tokens.authenticate(header),
          maxFiles: config.media.maxFiles,
          // busboy flags a file of exactly maxFileSize as truncated; the pipeline enforces the exact limit.
          maxFileSize: config.media.maxFileBytes + 1,
          maxFieldSize: 1024 * 1024,
        }),
      ),
      express.json({ limit: JSON_BODY_LIMIT }),
      expressMiddleware(apollo, {
        context: async ({ req, res }): Promise<Context> => {
          let identity: string | null;
          try {
            identity = await tokens.authenticate(req.get("authorization"));
          } catch (error) {
            if (error instanceof ApiError) {
              throw new GraphQLError(error.message, { extensions: { code: error.code, http: { status: 401 } } });
            }
            throw error;
          }
          const abort = new AbortController();
          res.once("close", () => {
            if (!res.writableFinished) abort.abort(new Error("client disconnected"));
          });
          return {
            viewer: identity ? { identity } : null,
            services,
            loaders: createLoaders(services, identity),
            signal: abort.signal,
            requestId: String(req.id),
            uploadComplete: () => multipartComplete(req),
            uploadReceivedBytes: () => multipartBytesReceived(req),
          };
        },
      }),
    );
    app.use(notFoundHandler);
    app.use(jsonErrorHandler(logger));
    server.on("request", app);

    const stopSweeps =
      config.orphans.intervalSeconds > 0
        ? services.media.scheduleSweeps(config.orphans.graceSeconds * 1000, config.orphans.intervalSeconds * 1000)
        : async () => {};
    started.push(stopSweeps);
    const metricsListener = metrics && (await serveMetrics(metrics, config.metrics.host, config.metrics.port!));
    if (metricsListener) {
      started.push(metricsListener.close);
      logger.info({ url: metricsListener.url }, "Prometheus metrics are served");
    }
    server.listen(config.port, config.host);
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;

    const handle = db;
    const release = unlock;
    const jobs = previewJobs;
    let closing: Promise<void> | undefined;
    return {
      url,
      metricsUrl: metricsListener?.url,
      server,
      services,
      tokens,
      db: handle,
      store,
      logger,
      previewQueueDepth: () => jobs.depth(),
      close: () =>
        (closing ??= (async () => {
          draining = true; // /readyz answers 503 from now on
          await apollo.stop();
          await hub.stop();
          await stopSweeps();
          await previewJobs?.stop();
          await metricsListener?.close();
          await handle.close();
          await release?.();
        })()),
    };
  } catch (error) {
    server.close();
    for (const stop of started.reverse()) await stop().catch(() => {});
    await previewJobs?.stop().catch(() => {});
    await db?.close();
    await unlock?.();
    throw error;
  }
}
