import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApolloServerPlugin } from "@apollo/server";
import type { RequestHandler } from "express";
import type { Logger } from "pino";
import { pinoHttp } from "pino-http";

// A caller's (or load balancer's) id is kept when it is a plain token; anything else gets a fresh one.
const GIVEN_ID = /^[A-Za-z0-9._:-]{1,128}$/;
// Probes every few seconds from a load balancer would drown the access log.
const UNLOGGED = new Set(["/healthz", "/readyz"]);

/**
 * Access logs with a request id (pino-http): the id comes from `x-request-id` when it is a plain
 * token, or is made here; it is echoed in the `x-request-id` response header, logged with every
 * line of the request, and put in the `extensions.requestId` of every error answered (GraphQL's
 * through `requestIdPlugin`, the HTTP edge's through res.json). URLs are logged without their query:
 * a temporary media URL's signature is a credential.
 */
export function requestIds(logger: Logger): RequestHandler {
  const log = requestLog(logger);
  return (req, res, next) => {
    log(req, res);
    const json = res.json.bind(res);
    res.json = (body: unknown) => json(withRequestId(body, String(req.id)));
    next();
  };
}

/**
 * The request id and access log of requestIds without Express (the JSON fast path): sets `req.id`
 * and the `x-request-id` header, and logs the response when it finishes.
 */
export function requestLog(logger: Logger): (req: IncomingMessage, res: ServerResponse) => void {
  return pinoHttp({
    logger,
    genReqId: (req, res) => {
      const given = req.headers["x-request-id"];
      const id = typeof given === "string" && GIVEN_ID.test(given) ? given : randomUUID();
      res.setHeader("x-request-id", id);
      return id;
    },
    autoLogging: { ignore: (req) => UNLOGGED.has((req.url ?? "").split("?")[0]!) },
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? "error" : "info"),
    serializers: {
      req: (req: { id: unknown; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        url: req.url.split("?")[0],
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
}

function withRequestId(body: unknown, requestId: string): unknown {
  const errors = (body as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors)) return body;
  return {
    ...(body as object),
    errors: errors.map((e: { extensions?: Record<string, unknown> }) => ({
      ...e,
      extensions: { ...e.extensions, requestId },
    })),
  };
}

/** Adds `extensions.requestId` to every GraphQL error answered over HTTP. */
export function requestIdPlugin<T extends { requestId?: string }>(): ApolloServerPlugin<T> {
  return {
    async requestDidStart({ contextValue }) {
      return {
        async willSendResponse({ response }) {
          const requestId = contextValue.requestId;
          if (!requestId || response.body.kind !== "single") return;
          for (const error of response.body.singleResult.errors ?? []) {
            (error as { extensions?: Record<string, unknown> }).extensions = { ...error.extensions, requestId };
          }
        },
      };
    },
  };
}
