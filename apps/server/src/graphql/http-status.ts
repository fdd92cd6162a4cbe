import type { ApolloServerPlugin } from "@apollo/server";
import { HTTP_STATUS, type ErrorCode } from "../errors.ts";

/**
 * A RATE_LIMITED answer carries `Retry-After` (seconds), whatever its status.
 * A request GraphQL refused before executing it (parse, validation, query limits, variables)
 * answers with the 4xx of its contract code, never 500. Executed operations keep 200, as GraphQL
 * over HTTP expects for partial results.
 */
export function preExecutionStatusPlugin<T extends object>(): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== "single") return;
          const { data, errors } = response.body.singleResult;
          // RATE_LIMITED says when to come back in a header too, for proxies and plain HTTP clients.
          const retryAfter = Math.max(
            0,
            ...(errors ?? []).map((e) =>
              e.extensions?.code === "RATE_LIMITED" && typeof e.extensions.retryAfterSeconds === "number"
                ? e.extensions.retryAfterSeconds
                : 0,
            ),
          );
          if (retryAfter > 0) response.http.headers.set("retry-after", String(Math.ceil(retryAfter)));
          if (data !== undefined || !errors?.length) return;
          const code = String(errors[0]?.extensions?.code ?? "") as ErrorCode;
          const status = HTTP_STATUS[code];
          if (status && status >= 400 && status < 500) response.http.status = status;
        },
      };
    },
  };
}
