import type { Media } from "./media/index.ts";
import type { MessageService } from "./messages.ts";

/** removeMessage: the author removes one of their messages, text or media. */
export function messageRemovalService(deps: { messages: MessageService; media: Media }) {
  const { messages, media } = deps;

  /** Removes the author's message; its stored objects (if any) are deleted before this returns. */
  async function remove(viewer: string, id: string) {
    const { removed, objectKeys } = await messages.remove(viewer, id);
    await media.deleteObjects(objectKeys);
    return removed;
  }

  return { remove };
}

export type MessageRemovalService = ReturnType<typeof messageRemovalService>;
