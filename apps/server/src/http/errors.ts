import type { Duplex } from "node:stream";
import type { ErrorRequestHandler, RequestHandler } from "express";
import type { Logger } from "pino";
import type { Refusal } from "@parley/storage";
import { errorBody, HTTP_STATUS, type ErrorCode } from "../errors.ts";

const CODE_OF_STATUS = new Map(Object.entries(HTTP_STATUS).map(([code, status]) => [status, code as ErrorCode]));

/**
 * The embedded store's routes' refusals in the contract's error shape: the code the status stands
 * for (403 FORBIDDEN, 404 NOT_FOUND, 503 STORAGE_UNAVAILABLE...; other 4xx BAD_USER_INPUT), and
 * `reason` for a refused media URL (docs/design.md).
 */
export function refusalBody(refusal: Refusal) {
  const code =
    CODE_OF_STATUS.get(refusal.status) ?? (refusal.status < 500 ? "BAD_USER_INPUT" : "INTERNAL_SERVER_ERROR");
  return {
    errors: [{ message: refusal.message, extensions: { code, ...(refusal.reason ? { reason: refusal.reason } : {}) } }],
  };
}

/** Errors raised before GraphQL runs (body parsing, multipart) still answer the GraphQL error shape. */
export function jsonErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err: { status?: number; statusCode?: number; type?: string; message?: string }, req, res, _next) => {
    const status = err.status ?? err.statusCode ?? 500;
    let code: ErrorCode = "INTERNAL_SERVER_ERROR";
    let message = "Internal server error.";
    if (status === 413) {
      code = "PAYLOAD_TOO_LARGE";
      message = err.message ?? "The request is too large.";
    } else if (status === 415) {
      code = "UNSUPPORTED_MEDIA_TYPE";
      message = err.message ?? "Unsupported content type.";
    } else if (status >= 400 && status < 500) {
      code = "BAD_USER_INPUT";
      message =
        err.type === "entity.parse.failed"
          ? "The request body is not valid JSON."
          : `The request could not be read: ${err.message ?? "bad request"}`;
    } else {
      logger.error({ err, path: req.path }, "request failed before GraphQL ran");
    }
    if (res.headersSent) return;
    res.status(status >= 400 && status < 600 ? status : 500).json(errorBody(code, message));
  };
}

export const notFoundHandler: RequestHandler = (req, res) => {
  res.status(404).json(errorBody("NOT_FOUND", `No route for ${req.method} ${req.path}; the API is POST /graphql.`));
};

/**
 * Apollo's CSRF rule, applied before any upload is read: a multipart request must carry a header
 * a browser would preflight. Refused requests are drained first so the client reads the answer.
 */
export const requirePreflightForMultipart: RequestHandler = (req, res, next) => {
  if (!req.is("multipart/form-data")) return next();
  if (req.get("apollo-require-preflight") || req.get("x-apollo-operation-name")) return next();
  req.resume();
  const send = () =>
    res
      .status(400)
      .json(
        errorBody(
          "BAD_USER_INPUT",
          "Multipart requests must carry the header `Apollo-Require-Preflight: true` (CSRF prevention).",
        ),
      );
  if (req.readableEnded) send();
  else req.once("end", send);
};

/**
 * The multipart parser's own errors (bad boundary, malformed part head, body cut short) carry no
 * HTTP status and would read as 500: they are the client's, so 400 BAD_USER_INPUT. The body is
 * drained first, since graphql-upload sends the answer only once the request has ended.
 */
export function multipartErrorsAsBadInput(upload: RequestHandler): RequestHandler {
  return (req, res, next) => {
    upload(req, res, (error?: unknown) => {
      if (error === undefined || error === null) return next();
      const e = error as { status?: number; message?: string };
      req.resume();
      if (e.status !== undefined) return next(error);
      next(Object.assign(new Error(`Malformed multipart request: ${e.message ?? "unreadable body"}`), { status: 400 }));
    });
  };
}

/** Requests Node's HTTP parser refuses (bad framing, body shorter than Content-Length) still get JSON. */
export function answerClientErrorsWithJson(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify(errorBody("BAD_USER_INPUT", "The HTTP request is malformed or ended early."));
  socket.end(
    `HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
