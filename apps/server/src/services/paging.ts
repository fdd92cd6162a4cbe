import { badInput } from "../errors.ts";
import { encodeCursor } from "./cursor.ts";

/** No page holds more than this many items, whatever is asked (conversations and messages alike). */
export const PAGE_MAX = 100;

/** A page size argument: absent stays undefined; outside 0…PAGE_MAX is BAD_USER_INPUT on `field`. */
export function pageSize(value: number | null | undefined, field: string): number | undefined {
  if (value == null) return undefined;
  if (value < 0 || value > PAGE_MAX) throw badInput(`${field} must be between 0 and ${PAGE_MAX}.`, { field });
  return value;
}

/** A Relay connection of `nodes` (in the order they are shown), each with its cursor. */
export function connection<T>(
  nodes: T[],
  cursorOf: (node: T) => (string | number)[],
  more: { hasNextPage: boolean; hasPreviousPage: boolean },
) {
  const edges = nodes.map((node) => ({ node, cursor: encodeCursor(cursorOf(node)) }));
  return {
    edges,
    pageInfo: {
      ...more,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
