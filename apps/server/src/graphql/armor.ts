import { ApolloArmor } from "@escape.tech/graphql-armor";
import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import { GraphQLError, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from "graphql";

/**
 * Query limits. The SDK's and web app's own operations stay under half of each
 * (security.test.ts checks them against `createArmor(0.5)`). Depth 14: a history page's
 * media previews are 7 deep (conversation → messages → edges → node → media → preview → width).
 */
export const QUERY_LIMITS = { maxDepth: 14, maxAliases: 15, maxDirectives: 20, maxTokens: 2000, maxCost: 5000 };

export function armorConfig(scale = 1) {
  const l = QUERY_LIMITS;
  const n = (v: number) => Math.max(1, Math.floor(v * scale));
  return {
    maxDepth: { n: n(l.maxDepth), flattenFragments: true },
    maxAliases: { n: n(l.maxAliases) },
    maxDirectives: { n: n(l.maxDirectives) },
    // Token limits go through graphql's own parser (ApolloServer parseOptions.maxTokens) so an
    // over-long document is an ordinary 400 syntax error; armor's plugin answered 500.
    maxTokens: { enabled: false },
    costLimit: { maxCost: n(l.maxCost) },
    blockFieldSuggestion: { enabled: true },
  };
}

export function createArmor(scale = 1) {
  return new ApolloArmor(armorConfig(scale)).protect();
}

/**
 * How many objects one operation may return, estimated before it runs (GitHub's "node limit").
 * graphql-armor's cost counts each field once, so `participants` weighed like a scalar and 15
 * aliases of `conversations { participants }` returned 218 MB. Here a list multiplies what is
 * under it by the most it can hold: a connection by its first/last (defaults 20 and 30, at most
 * 100), participants by CONVERSATION_MAX_PARTICIPANTS, media by MEDIA_MAX_FILES, any other list
 * by 100. The SDK's largest operation (Conversations, 20 conversations of 1000 participants:
 * 20,061 objects) stays under half of it.
 */
export const MAX_RETURNED_OBJECTS = 50_000;

export interface ListBounds {
  maxParticipants: number;
  maxFiles: number;
}

const PAGE_MAX = 100;
const CONNECTION_DEFAULT: Record<string, number> = { "Query.conversations": 20 };
const MESSAGES_DEFAULT = 30;

type Node = {
  kind: string;
  name?: { value: string };
  value?: string;
  values?: unknown[];
  arguments?: readonly { name: { value: string }; value: Node }[];
  selectionSet?: { selections: readonly Node[] };
  typeCondition?: { name: { value: string } };
};
type SchemaLike = { getType(name: string): unknown };

// Plain string and kind checks, no instanceof: the schema may come from graphql's other build.
const namedType = (type: unknown) => String(type).replace(/[[\]!]/g, "");
const isList = (type: unknown) => String(type).startsWith("[");

function argument(node: Node, name: string, variables: Record<string, unknown>): unknown {
  const value = node.arguments?.find((a) => a.name.value === name)?.value;
  if (!value) return undefined;
  if (value.kind === "Variable") return variables[value.name!.value];
  if (value.kind === "IntValue") return Number(value.value);
  if (value.kind === "ListValue") return value.values;
  return undefined;
}

const clampPage = (n: unknown, fallback: number) =>
  typeof n === "number" && Number.isFinite(n) ? Math.min(Math.max(Math.trunc(n), 0), PAGE_MAX) : fallback;

/**
 * The most messages one operation may read, however it asks for them (aliases, pages nested in
 * conversations): one page's worth. A message can carry 128 KiB of body and 16 KiB of attributes,
 * and its row is read whole, so this bounds what an operation loads from the database (14 MB at
 * most) where the objects limit cannot: 100 conversations x 100 messages was 1.4 GB of rows.
 */
export const MAX_MESSAGES_PER_OPERATION = 100;

/** The most objects, and of them messages, `operation` can return with these variables (a bound, not a prediction). */
export function estimateOperation(
  schema: SchemaLike,
  operation: Node,
  fragments: Record<string, Node>,
  variables: Record<string, unknown>,
  bounds: ListBounds,
  rootType: string,
): { objects: number; messages: number } {
  let messages = 0;
  const fieldsOf = (typeName: string) =>
    (schema.getType(typeName) as { getFields?: () => Record<string, { type: unknown }> } | undefined)?.getFields?.();

  // `scale`: how many times the objects of this selection can occur in the answer.
  function visit(selections: readonly Node[], typeName: string, edges: number, depth: number, scale: number): number {
    if (depth > 64) return Number.POSITIVE_INFINITY;
    let total = 0;
    for (const s of selections) {
      if (s.kind === "InlineFragment" || s.kind === "FragmentSpread") {
        const fragment = s.kind === "FragmentSpread" ? fragments[s.name!.value] : s;
        if (!fragment?.selectionSet) continue;
        const on = fragment.typeCondition?.name.value ?? typeName;
        total += visit(fragment.selectionSet.selections, on, edges, depth + 1, scale);
        continue;
      }
      if (s.kind !== "Field" || !s.selectionSet) continue; // leaves cost nothing here
      const field = s.name!.value;
      const def = fieldsOf(typeName)?.[field];
      if (!def) continue;
      const child = namedType(def.type);
      let times = 1;
      let childEdges = 0;
      if (child.endsWith("Connection")) {
        const fallback = CONNECTION_DEFAULT[`${typeName}.${field}`] ?? MESSAGES_DEFAULT;
        childEdges = clampPage(argument(s, "first", variables) ?? argument(s, "last", variables), fallback);
      } else if (isList(def.type)) {
        const key = `${typeName}.${field}`;
        if (field === "edges" && typeName.endsWith("Connection")) times = edges;
        else if (key === "Conversation.participants") times = bounds.maxParticipants;
        else if (key === "Message.media") times = bounds.maxFiles;
        else if (key === "Query.mediaByIds") {
          const ids = argument(s, "ids", variables);
          times = Array.isArray(ids) ? Math.min(ids.length, PAGE_MAX) : PAGE_MAX;
        } else times = PAGE_MAX;
      }
      if (child === "Message") messages += scale * times;
      total += times * (1 + visit(s.selectionSet.selections, child, childEdges, depth + 1, scale * times));
    }
    return total;
  }
  const objects = visit(operation.selectionSet?.selections ?? [], rootType, 0, 0, 1);
  return { objects, messages };
}

/**
 * The refusal of an operation that could return more than `max` objects, or undefined. Shared by
 * HTTP (the plugin below) and WebSocket operations, which graphql-ws executes outside Apollo.
 */
export function returnedObjectsError(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  bounds: ListBounds,
  max = MAX_RETURNED_OBJECTS,
): GraphQLError | undefined {
  const fragments = Object.fromEntries(
    document.definitions
      .filter((d) => d.kind === "FragmentDefinition")
      .map((d) => [(d as unknown as Node).name!.value, d as unknown as Node]),
  );
  const op = operation.operation;
  const root =
    op === "mutation"
      ? schema.getMutationType()
      : op === "subscription"
        ? schema.getSubscriptionType()
        : schema.getQueryType();
  const { objects, messages } = estimateOperation(
    schema,
    operation as unknown as Node,
    fragments,
    variables,
    bounds,
    root?.name ?? "Query",
  );
  const refuse = (message: string) =>
    new GraphQLError(message, { extensions: { code: "BAD_USER_INPUT", http: { status: 400 } } });
  if (objects > max) {
    return refuse(
      `This operation could return up to ${objects} objects; the limit is ${max}. Ask for fewer items (first/last), fewer aliases, or leave out lists such as participants.`,
    );
  }
  if (messages > MAX_MESSAGES_PER_OPERATION) {
    return refuse(
      `This operation could return up to ${messages} messages; the limit is ${MAX_MESSAGES_PER_OPERATION} (one page) per operation. Read one page at a time, without aliases or messages nested in lists of conversations.`,
    );
  }
  return undefined;
}

/** Refuses, before execution, an operation that could return more than MAX_RETURNED_OBJECTS objects. */
export function returnedObjectsLimit<TContext extends BaseContext>(
  bounds: ListBounds,
  max = MAX_RETURNED_OBJECTS,
): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(rc) {
          if (!rc.operation) return;
          const error = returnedObjectsError(
            rc.schema,
            rc.document,
            rc.operation,
            rc.request.variables ?? {},
            bounds,
            max,
          );
          if (error) throw error;
        },
      };
    },
  };
}
