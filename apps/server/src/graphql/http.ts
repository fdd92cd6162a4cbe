import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled } from "@apollo/server/plugin/disabled";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { expressMiddleware } from "@as-integrations/express5";
import cors from "cors";
import express, { Router, type Request } from "express";
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from "graphql";
import type { TokenService } from "../auth.ts";
import type { Config } from "../config.ts";
import { ApiError } from "../errors.ts";
import { multipartErrorsAsBadInput, requirePreflightForMultipart } from "../http/errors.ts";
import { multipartBytesReceived, multipartComplete, trackMultipartCompletion } from "../http/multipart-completion.ts";
import { streamingMultipart } from "../http/multipart-stream.ts";
import type { Metrics } from "../observability/metrics.ts";
import { requestIdPlugin } from "../observability/request-ids.ts";
import type { Services } from "../services/index.ts";
import { QUERY_LIMITS, returnedObjectsLimit, type ListBounds } from "./armor.ts";
import type { createArmor } from "./armor.ts";
import { createContext, type Context } from "./context.ts";
import { JSON_BODY_LIMIT_BYTES } from "./json-post.ts";
import { preExecutionStatusPlugin } from "./http-status.ts";
import { responseSizeLimit } from "./response-size.ts";

const JSON_BODY_LIMIT = JSON_BODY_LIMIT_BYTES;

/** Apollo Server for the HTTP route; its drain (stop()) closes the HTTP server and then `drainAlso`. */
export function createApollo(o: {
  schema: GraphQLSchema;
  armor: ReturnType<typeof createArmor>;
  listBounds: ListBounds;
  format: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  production: boolean;
  metrics: Metrics | undefined;
  httpServer: Server;
  /** Closed with the HTTP server when Apollo stops (the WebSocket server). */
  drainAlso: () => Promise<void>;
}): ApolloServer<Context> {
  return new ApolloServer<Context>({
    schema: o.schema,
    validationRules: o.armor.validationRules,
    parseOptions: { maxTokens: QUERY_LIMITS.maxTokens },
    allowBatchedHttpRequests: false,
    formatError: o.format,
    introspection: !o.production,
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    // main.ts owns SIGTERM/SIGINT (drain, close everything, exit 0). Apollo's own handlers (on outside
    // NODE_ENV=test) stop only Apollo and re-raise the signal: the process would die by it mid-shutdown.
    stopOnTerminationSignals: false,
    plugins: [
      // armor's types name @apollo/server's CommonJS declarations; the plugin objects are the same.
      ...(o.armor.plugins as unknown as ApolloServerPlugin<Context>[]),
      preExecutionStatusPlugin<Context>(),
      requestIdPlugin<Context>(),
      ...(o.metrics ? [o.metrics.apolloPlugin<Context>()] : []),
      returnedObjectsLimit<Context>(o.listBounds),
      responseSizeLimit<Context>(),
      // The schema has no @cacheControl hints and answers are per viewer: Apollo's default cache-control
      // plugin would only add a willResolveField hook, which makes Apollo wrap every field's resolver.
      ApolloServerPluginCacheControlDisabled(),
      // In-flight requests get 8 s, then their connections are closed: the process exits within 10 s.
      ApolloServerPluginDrainHttpServer({ httpServer: o.httpServer, stopGracePeriodMillis: 8_000 }),
      { serverWillStart: async () => ({ drainServer: async () => void (await o.drainAlso()) }) },
    ],
  });
}

/**
 * The context of one HTTP operation, for the Express route and the JSON fast path (json-post.ts):
 * the bearer token's identity (a bad token is 401 UNAUTHENTICATED), an AbortSignal for a client that
 * goes away, the request id, and the multipart body's progress.
 */
export function httpContext(o: {
  tokens: TokenService;
  services: Services;
}): (req: IncomingMessage, res: ServerResponse) => Promise<Context> {
  return async (req, res) => {
    let identity: string | null;
    try {
      identity = await o.tokens.authenticate(req.headers.authorization);
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
    const request = req as Request;
    return createContext(o.services, identity, {
      signal: abort.signal,
      requestId: String(request.id),
      uploadComplete: () => multipartComplete(request),
      uploadReceivedBytes: () => multipartBytesReceived(request),
    });
  };
}

/**
 * /graphql over HTTP: CORS for any origin (bearer tokens, no cookies), multipart uploads streamed
 * into the services, JSON bodies up to 1 MB, then Apollo with one context per request.
 */
export function graphqlRoute(o: {
  apollo: ApolloServer<Context>;
  tokens: TokenService;
  services: Services;
  media: Config["media"];
}): Router {
  const context = httpContext(o);
  const router = Router();
  router.use(
    "/graphql",
    cors({
      origin: "*",
      methods: "GET, POST, OPTIONS",
      allowedHeaders: "authorization, content-type, apollo-require-preflight, x-apollo-operation-name",
      exposedHeaders: "Retry-After",
      maxAge: 600,
      optionsSuccessStatus: 204,
    }),
    requirePreflightForMultipart,
    trackMultipartCompletion,
    multipartErrorsAsBadInput(
      streamingMultipart({
        authenticate: (header) => o.tokens.authenticate(header),
        maxFiles: o.media.maxFiles,
        // busboy flags a file of exactly maxFileSize as truncated; the pipeline enforces the exact limit.
        maxFileSize: o.media.maxFileBytes + 1,
        maxFieldSize: 1024 * 1024,
      }),
    ),
    express.json({ limit: JSON_BODY_LIMIT }),
    expressMiddleware(o.apollo, {
      context: ({ req, res }) => context(req, res),
    }),
  );
  return router;
}
