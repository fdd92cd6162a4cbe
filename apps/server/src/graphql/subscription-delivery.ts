import { createRequire } from "node:module";
import type { DocumentNode, ExecutionArgs, ExecutionResult, FormattedExecutionResult, GraphQLSchema } from "graphql";
import type { WebSocket } from "ws";
import type { Services } from "../services/index.ts";
import { createContext } from "./context.ts";

// The schema's copy of graphql (CommonJS), as in websocket.ts.
const { createSourceEventStream, execute, TypeInfo, visit, visitWithTypeInfo } = createRequire(import.meta.url)(
  "graphql",
) as typeof import("graphql");

/**
 * Fields reachable from a subscription whose value depends on who asks. Everything else a
 * subscription can select is the same for every participant of the event's conversation (the only
 * ones who receive it), so their execution is shared. A subscription selecting any of these runs
 * once per viewer. subscription-delivery.test.ts lists every reachable field: a new one fails it
 * until it is judged here.
 */
export const PER_VIEWER_FIELDS: ReadonlySet<string> = new Set(["Conversation.unreadMessagesCount"]);

/** Whether `document` selects any of PER_VIEWER_FIELDS (through fragments too). */
export function selectsPerViewerField(schema: GraphQLSchema, document: DocumentNode): boolean {
  const typeInfo = new TypeInfo(schema);
  let found = false;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field() {
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        if (parent && field && PER_VIEWER_FIELDS.has(`${parent.name}.${field.name}`)) found = true;
      },
    }),
  );
  return found;
}

/** Where one graphql-ws subscription's `next` messages go. */
export interface Seat {
  socket: WebSocket;
  /** The subscription's id in its socket's graphql-transport-ws session. */
  id: string;
  identity: string | null;
  /** False once the client completed it or the socket closed (graphql-ws's own bookkeeping). */
  open: () => boolean;
}

export interface DeliveryMetrics {
  /** One execution and serialization of a subscription payload, shared by a group of subscribers. */
  executed(): void;
  /** One `next` message sent. */
  delivered(): void;
}

// Past this many bytes queued on a socket, its subscription waits for them to be written before the
// next event; meanwhile its events queue in the hub, which cuts off a subscriber too far behind.
const HIGH_WATER_BYTES = 1024 * 1024;

/**
 * graphql-ws's `subscribe` for Parley's subscriptions, executing and serializing each event once per
 * group of subscribers instead of once per subscriber. graphql-ws still runs the protocol
 * (connection_init, ping/pong, subscribe, complete, error and the close codes): the subscription
 * field's resolver runs per subscriber through graphql's createSourceEventStream (authentication,
 * participation, the hub's per-subscriber queue), and only the `next` messages are written here.
 *
 * A group is the same document, operation name and variables; a document selecting a per-viewer
 * field (PER_VIEWER_FIELDS) is also grouped by viewer. The event's root value is the key: the
 * subscription resolvers hand every local subscriber the same root object per event. A shared
 * execution runs as no one (anonymous context): a resolver that needs the viewer fails there rather
 * than answering for one viewer to others. The result passes `finish` (the same size limit and
 * error formatting as graphql-ws's onNext) and is serialized once; each subscriber gets
 * `{"id":<its id>,"type":"next","payload":<that JSON>}`.
 */
export function subscriptionDelivery(o: {
  services: Services;
  finish: (result: ExecutionResult) => FormattedExecutionResult | undefined;
  metrics?: DeliveryMetrics;
}) {
  const seats = new WeakMap<object, Seat>();
  /** Per event root value, the serialized payload of each group. */
  const payloads = new WeakMap<object, Map<string, Promise<string>>>();

  const payloadOf = (root: object, key: string, run: () => Promise<string>): Promise<string> => {
    let groups = payloads.get(root);
    if (!groups) payloads.set(root, (groups = new Map()));
    let payload = groups.get(key);
    if (!payload) groups.set(key, (payload = run()));
    return payload;
  };

  return {
    /** Registers where the operation whose context is `contextValue` delivers (from graphql-ws's `context`). */
    seat(contextValue: object, seat: Seat): void {
      seats.set(contextValue, seat);
    },

    subscribe: async (args: ExecutionArgs): Promise<ExecutionResult | AsyncIterableIterator<never>> => {
      const seat = seats.get(args.contextValue as object);
      if (!seat) throw new Error("a subscription without a seat: its context was not made by graphqlWebSocket");
      const source = await createSourceEventStream(args);
      if (!(Symbol.asyncIterator in source)) return source;
      const stream = source[Symbol.asyncIterator]();

      const perViewer = selectsPerViewerField(args.schema, args.document);
      const key = JSON.stringify([
        args.document.loc?.source.body ?? "",
        args.operationName ?? null,
        args.variableValues ?? null,
        perViewer ? seat.identity : null,
      ]);
      const run = async (root: unknown) => {
        const result = await execute({
          ...args,
          rootValue: root,
          // Fresh loaders for every event: a long subscription must not serve cached rows or old URLs.
          contextValue: createContext(o.services, perViewer ? seat.identity : null),
        });
        o.metrics?.executed();
        return JSON.stringify(o.finish(result) ?? result);
      };
      const head = `{"id":${JSON.stringify(seat.id)},"type":"next","payload":`;
      let stopped = false;

      // graphql-ws reads this iterator for `next` results; it yields none (they are sent above), and
      // ends when the subscription does, so graphql-ws then sends `complete` (or `error`, if it throws).
      const iterator: AsyncIterableIterator<never> = {
        [Symbol.asyncIterator]: () => iterator,
        next: async () => {
          for (;;) {
            const event = await stream.next();
            if (event.done || stopped) return { value: undefined as never, done: true };
            const root = event.value as object;
            const json = await payloadOf(root, key, () => run(root));
            const { socket } = seat;
            if (stopped || !seat.open() || socket.readyState !== socket.OPEN) continue;
            const message = `${head}${json}}`;
            if (socket.bufferedAmount < HIGH_WATER_BYTES) socket.send(message);
            else await new Promise<void>((resolve) => socket.send(message, () => resolve()));
            o.metrics?.delivered();
          }
        },
        return: async () => {
          stopped = true;
          await stream.return?.();
          return { value: undefined as never, done: true };
        },
      };
      return iterator;
    },
  };
}
