// @vitest-environment jsdom
import type { Message } from "@parley/client";
import { ParleyError } from "@parley/client";
import { cleanup, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import { AppContext, type AppServices } from "../app-context.tsx";
import { MessageItem } from "./MessageItem.tsx";

afterEach(cleanup);

/** The parts of an SDK Message the item uses; updateBody/remove record their calls. */
function fakeMessage(fields: { body: string; edited?: boolean }, calls: string[], fail?: ParleyError): Message {
  const createdAt = new Date("2030-01-01T10:00:00Z");
  const message = {
    id: "m1",
    index: 0,
    conversationId: "c1",
    author: "alice",
    body: fields.body,
    attributes: {},
    type: "TEXT",
    createdAt,
    updatedAt: fields.edited ? new Date(createdAt.getTime() + 5000) : createdAt,
    media: [],
    cursor: null,
    async updateBody(body: string) {
      calls.push(`updateBody:${body}`);
      if (fail) throw fail;
      return fakeMessage({ body, edited: true }, calls);
    },
    async remove() {
      calls.push("remove");
      if (fail) throw fail;
      return { id: "m1", index: 0, conversationId: "c1", removedAt: new Date() };
    },
  };
  return message as unknown as Message;
}

function renderItem(message: Message, mine: boolean, events: string[]) {
  const services = { onApiError: () => {} } as unknown as AppServices;
  return render(
    <AppContext.Provider value={services}>
      <MessageItem
        message={message}
        mine={mine}
        onEdited={(m) => events.push(`edited:${m.body}`)}
        onRemoved={(id) => events.push(`removed:${id}`)}
      />
    </AppContext.Provider>,
  );
}

describe("MessageItem", () => {
  it("offers Edit and Delete only on one's own messages", () => {
    const events: string[] = [];
    renderItem(fakeMessage({ body: "theirs" }, []), false, events);
    expect(screen.queryByRole("button", { name: "Edit message" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Delete message" })).toBeNull();
    cleanup();
    renderItem(fakeMessage({ body: "mine" }, []), true, events);
    expect(screen.getByRole("button", { name: "Edit message" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Delete message" })).toBeTruthy();
  });

  it("edits the body with Enter and hands the updated message back; Esc cancels without a request", async () => {
    const calls: string[] = [];
    const events: string[] = [];
    const user = userEvent.setup();
    renderItem(fakeMessage({ body: "Meeting at 10" }, calls), true, events);
    await user.click(screen.getByRole("button", { name: "Edit message" }));
    const editor = screen.getByRole("textbox", { name: "Edit message" });
    await user.keyboard("{Escape}");
    expect(calls).toEqual([]);
    await user.click(screen.getByRole("button", { name: "Edit message" }));
    await user.clear(screen.getByRole("textbox", { name: "Edit message" }));
    await user.type(screen.getByRole("textbox", { name: "Edit message" }), "Meeting at 11{Enter}");
    expect(calls).toEqual(["updateBody:Meeting at 11"]);
    expect(events).toEqual(["edited:Meeting at 11"]);
    expect(editor.isConnected).toBe(false);
  });

  it("refuses an empty edit and shows the API's refusal in place", async () => {
    const calls: string[] = [];
    const user = userEvent.setup();
    renderItem(
      fakeMessage({ body: "hello" }, calls, new ParleyError("FORBIDDEN", "Only the author may edit this message.")),
      true,
      [],
    );
    await user.click(screen.getByRole("button", { name: "Edit message" }));
    await user.clear(screen.getByRole("textbox", { name: "Edit message" }));
    await user.keyboard("{Enter}");
    expect(screen.getByRole("alert").textContent).toBe("A message cannot be empty; delete it instead.");
    expect(calls).toEqual([]);
    await user.type(screen.getByRole("textbox", { name: "Edit message" }), "changed{Enter}");
    expect(calls).toEqual(["updateBody:changed"]);
    expect((await screen.findByRole("alert")).textContent).toBe("Only the author can change or delete this message.");
  });

  it("deletes after an inline confirmation; Keep does nothing", async () => {
    const calls: string[] = [];
    const events: string[] = [];
    const user = userEvent.setup();
    renderItem(fakeMessage({ body: "oops", edited: true }, calls), true, events);
    expect(screen.getByText("(edited)")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Delete message" }));
    const confirm = screen.getByRole("group", { name: "Delete this message?" });
    await user.click(screen.getByRole("button", { name: "Keep" }));
    expect(confirm.isConnected).toBe(false);
    expect(calls).toEqual([]);
    await user.click(screen.getByRole("button", { name: "Delete message" }));
    await user.click(screen.getByRole("button", { name: "Delete" }));
    expect(calls).toEqual(["remove"]);
    expect(events).toEqual(["removed:m1"]);
  });
});
