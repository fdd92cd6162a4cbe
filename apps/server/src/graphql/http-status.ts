import type { ApolloServerPlugin } from "@apollo/server";
import { HTTP_STATUS, type ErrorCode } from "../errors.ts";

/**
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
          if (data !== undefined || !errors?.length) return;
          const code = String(errors[0]?.extensions?.code ?? "") as ErrorCode;
          const status = HTTP_STATUS[code];
          if (status && status >= 400 && status < 500) response.http.status = status;
        },
      };
    },
  };
}
