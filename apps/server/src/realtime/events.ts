import { sql, type SQL } from "drizzle-orm";

/** One channel for every conversation event; payloads carry ids only (NOTIFY payloads are small). */
export const EVENTS_CHANNEL = "parley_events";

export type MessageUpdateReason = "BODY" | "ATTRIBUTES" | "MEDIA";

export type ConversationEvent =
  | { type: "messageAdded"; conversationId: string; messageId: string; index: number }
  | {
      type: "messageUpdated";
      conversationId: string;
      messageId: string;
      index: number;
      reasons: MessageUpdateReason[];
      /** Distinguishes successive updates of one message (subscribers share one load per update). */
      updatedAt: string;
    }
  | { type: "messageRemoved"; conversationId: string; messageId: string; index: number; removedAt: string }
  | { type: "participantAdded"; conversationId: string; identity: string }
  | { type: "participantRemoved"; conversationId: string; identity: string };

/**
 * The statement that publishes `event`; run it inside the transaction that makes the change, so the
 * event is delivered exactly when (and only if) the change commits, in commit order.
 */
export function notifyStatement(event: ConversationEvent): SQL {
  return sql`select pg_notify(${EVENTS_CHANNEL}, ${JSON.stringify(event)})`;
}

/** One statement publishing several events (in order), e.g. every participant of a new conversation. */
export function notifyAllStatement(events: readonly ConversationEvent[]): SQL {
  const payloads = sql.join(
    events.map((e) => sql`(${JSON.stringify(e)})`),
    sql`, `,
  );
  return sql`select pg_notify(${EVENTS_CHANNEL}, payload) from (values ${payloads}) as events(payload)`;
}

export function parseEvent(payload: string): ConversationEvent | undefined {
  try {
    const e = JSON.parse(payload) as ConversationEvent;
    return typeof e?.type === "string" && typeof e.conversationId === "string" ? e : undefined;
  } catch {
    return undefined;
  }
}
