import type { Conversation } from "@parley/client";

/** The name people gave it, else who is in it (without the viewer). */
export function conversationTitle(conversation: Conversation, viewer: string): string {
  if (conversation.friendlyName) return conversation.friendlyName;
  if (conversation.uniqueName) return conversation.uniqueName;
  const others = conversation.participants.map((p) => p.identity).filter((i) => i !== viewer);
  return others.length > 0 ? others.join(", ") : "Just you";
}
