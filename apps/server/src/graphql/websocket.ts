import type { Server } from "node:http";
import { createRequire } from "node:module";
import type {
  ExecutionResult,
  FormattedExecutionResult,
  GraphQLFormattedError,
  GraphQLSchema,
  ValidationRule,
} from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import type { TokenService } from "../auth.ts";
import type { Services } from "../services/index.ts";
import { returnedObjectsError, type ListBounds } from "./armor.ts";
import { createContext } from "./context.ts";
import { withoutSchemaSuggestions } from "./format-error.ts";
import { MAX_RESPONSE_BYTES, jsonBytesWithin, tooLargeError } from "./response-size.ts";
import { subscriptionDelivery, type DeliveryMetrics } from "./subscription-delivery.ts";

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

export interface GraphqlWebSocket {
  /** Closes every socket (Apollo's drain calls it). */
  dispose(): Promise<void>;
  /** Subscriptions open on this instance, for the active-subscriptions gauge. */
  activeSubscriptions(): number;
}

/**
 * Subscriptions (and queries and mutations) over graphql-transport-ws on the HTTP server's /graphql;
 * the token travels in connection_init. The same limits and error codes as over HTTP.
 */
export function graphqlWebSocket(o: {
  server: Server;
  schema: GraphQLSchema;
  validationRules: ValidationRule[];
  /** NODE_ENV=production: no introspection and no schema suggestions. */
  production: boolean;
  listBounds: ListBounds;
  format: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  tokens: TokenService;
  services: Services;
  metrics?: DeliveryMetrics;
}): GraphqlWebSocket {
  const { schema, format } = o;
  /** What every result sent gets: the size limit and contract error codes; undefined when it passes as is. */
  const finish = (result: ExecutionResult): FormattedExecutionResult | undefined => {
    if (jsonBytesWithin(result, MAX_RESPONSE_BYTES) > MAX_RESPONSE_BYTES)
      return { data: null, errors: [tooLargeError(MAX_RESPONSE_BYTES)] };
    if (result.errors?.length) return { ...result, errors: result.errors.map((e) => format(e.toJSON(), e)) };
  };
  // Subscriptions' `next` messages: one execution and serialization per event and group of subscribers.
  const delivery = subscriptionDelivery({ services: o.services, finish, metrics: o.metrics });
  // Open WebSocket connections, for the active-subscriptions gauge.
  const sockets = new Set<{ subscriptions: Record<string, unknown> }>();
  // Subscription documents are small; 64 KiB bounds what a socket may send in one message.
  const wss = new WebSocketServer({ server: o.server, path: "/graphql", maxPayload: 64 * 1024 });
  const wsServer = useServer<Record<string, unknown> | undefined, { identity?: string }>(
    {
      schema,
      // The same query limits as over HTTP; in production no introspection and no schema suggestions.
      validate: (sch, doc) => {
        if (!o.production) return validate(sch, doc, [...specifiedRules, ...o.validationRules]);
        const errors = validate(sch, doc, [...specifiedRules, ...o.validationRules, NoSchemaIntrospectionCustomRule]);
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
        const error = returnedObjectsError(schema, document, operation, payload.variables ?? {}, o.listBounds);
        if (error) return [new WsError(error.message, { extensions: { code: "BAD_USER_INPUT" } })];
      },
      // Queries and mutations, and a subscription refused before its first event.
      onNext: (_ctx, _id, _payload, _args, result) => finish(result),
      subscribe: delivery.subscribe,
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
          const identity = await o.tokens.authenticate(header);
          if (!identity) return false;
          ctx.extra.identity = identity;
          sockets.add(ctx);
          return true;
        } catch {
          return false; // closes with 4403 Forbidden
        }
      },
      context: (ctx, id) => {
        const identity = ctx.extra.identity ?? null;
        const context = createContext(o.services, identity);
        delivery.seat(context, { socket: ctx.extra.socket, id, identity, open: () => id in ctx.subscriptions });
        return context;
      },
    },
    wss,
  );
  return {
    dispose: () => wsServer.dispose() as Promise<void>,
    activeSubscriptions: () => [...sockets].reduce((n, s) => n + Object.keys(s.subscriptions).length, 0),
  };
}
