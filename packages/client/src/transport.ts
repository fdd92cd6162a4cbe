import type { DocumentTypeDecoration } from "@graphql-typed-document-node/core";
import type { DocumentNode } from "graphql";
import type { TokenSource } from "./auth.ts";
import { abortReason, isAbortError, ParleyError, parseGraphQLAnswer } from "./errors.ts";
import type { TypedDocumentString } from "./generated/documents.ts";

/** The part of `fetch` the SDK uses; pass your own to add headers, logging or a proxy. */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/**
 * A typed operation: the SDK's own are strings (generated TypedDocumentString), which need no
 * printer; a DocumentNode (the exported TypedDocumentNodes, or your own) is printed with graphql's
 * printer, loaded on first use only.
 */
export type OperationDocument<TResult, TVariables> =
  TypedDocumentString<TResult, TVariables> | (DocumentNode & DocumentTypeDecoration<TResult, TVariables>);

interface Printed {
  query: string;
  operationName: string | undefined;
}

const printed = new WeakMap<object, Printed>();

/** Query text and operation name of a string document (the SDK's own). */
function sourceOf(document: TypedDocumentString<unknown, never>): Printed {
  let entry = printed.get(document);
  if (!entry) {
    const query = document.toString();
    entry = { query, operationName: /\b(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/.exec(query)?.[1] };
    printed.set(document, entry);
  }
  return entry;
}

/** Query text and operation name of any document; DocumentNodes go through graphql's printer. */
async function printDocument(document: OperationDocument<unknown, unknown>): Promise<Printed> {
  if (document instanceof String) return sourceOf(document as TypedDocumentString<unknown, never>);
  let entry = printed.get(document);
  if (!entry) {
    const { print } = await import("graphql");
    const operation = document.definitions.find((d) => d.kind === "OperationDefinition");
    entry = {
      query: print(document),
      operationName: operation && "name" in operation ? operation.name?.value : undefined,
    };
    printed.set(document, entry);
  }
  return entry;
}

/** Body of a GraphQL request over JSON or multipart: the `operations` object of the multipart spec. */
export function operationsOf<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: unknown,
) {
  const { query, operationName } = sourceOf(document as unknown as TypedDocumentString<unknown, never>);
  return { query, operationName, variables: variables ?? {} };
}

/** Sends GraphQL requests with the bearer token, asking for a new token once when one is refused. */
export class Transport {
  constructor(
    readonly endpoint: string,
    readonly fetch: FetchLike,
    readonly tokens: TokenSource,
  ) {}

  /**
   * Runs `attempt` with the current token; on UNAUTHENTICATED, and when `replayable`, once more
   * with a token from getToken.
   */
  async authorized<T>(attempt: (token: string) => Promise<T>, replayable = true): Promise<T> {
    const token = await this.tokens.current();
    try {
      return await attempt(token);
    } catch (error) {
      if (!(error instanceof ParleyError) || error.code !== "UNAUTHENTICATED" || !this.tokens.canRefresh || !replayable)
        throw error;
      const fresh = await this.tokens.refresh(token);
      return attempt(fresh);
    }
  }

  /** One GraphQL operation over JSON, typed by its generated document. */
  async request<TResult, TVariables>(
    document: OperationDocument<TResult, TVariables>,
    variables?: TVariables,
    signal?: AbortSignal,
  ): Promise<TResult> {
    const { query, operationName } = await printDocument(document as OperationDocument<unknown, unknown>);
    const body = JSON.stringify({ query, operationName, variables: variables ?? {} });
    return this.authorized(async (token) => {
      const response = await this.post(
        { "content-type": "application/json", authorization: `Bearer ${token}` },
        body,
        signal,
      );
      return parseGraphQLAnswer<TResult>(response.status, await response.text(), response.headers.get("retry-after"));
    });
  }

  /** POSTs to the endpoint, turning transport failures into ParleyError and aborts into AbortError. */
  async post(
    headers: Record<string, string>,
    body: string | ReadableStream<Uint8Array>,
    signal?: AbortSignal,
    extra: Record<string, unknown> = {},
  ): Promise<Response> {
    if (signal?.aborted) throw abortReason(signal);
    try {
      return await this.fetch(this.endpoint, { method: "POST", headers, body, signal, ...extra } as RequestInit);
    } catch (error) {
      if (signal?.aborted) throw abortReason(signal);
      if (isAbortError(error) || error instanceof ParleyError) throw error;
      throw new ParleyError("NETWORK_ERROR", `Could not reach Parley at ${this.endpoint}: ${describe(error)}`, {
        cause: error,
      });
    }
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : "";
  return `${error.message}${cause}`;
}
