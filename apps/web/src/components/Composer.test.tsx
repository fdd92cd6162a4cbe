// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { afterEach, describe, expect, it } from "vitest";
import { Composer, type ComposerDraft } from "./Composer.tsx";

const limits = {
  mediaAttachmentsCountLimit: 2,
  mediaAttachmentSizeLimitInBytes: 1024,
  mediaAttachmentsTotalSizeLimitInBytes: 1536,
  bodyMaxLength: 200,
};

function Harness({ sent }: { sent: ComposerDraft[] }) {
  const [draft, setDraft] = useState<ComposerDraft>({ body: "", files: [] });
  return (
    <Composer
      limits={limits}
      draft={draft}
      onDraftChange={setDraft}
      onAddFiles={(files) => setDraft((d) => ({ ...d, files: [...d.files, ...files] }))}
      onSend={(d) => {
        sent.push(d);
        setDraft({ body: "", files: [] });
      }}
    />
  );
}

const file = (name: string, size: number, type = "application/octet-stream") =>
  new File([new Uint8Array(size)], name, { type });

function setup() {
  const sent: ComposerDraft[] = [];
  const user = userEvent.setup();
  render(<Harness sent={sent} />);
  const input = screen.getByLabelText("Message", { selector: "textarea" });
  const picker = screen.getByLabelText("Attach files", { selector: "input" });
  return { sent, user, input, picker };
}

afterEach(cleanup);

describe("Composer", () => {
  it("sends with Enter and starts a new line with Shift+Enter", async () => {
    const { sent, user, input } = setup();
    await user.type(input, "line one{Shift>}{Enter}{/Shift}line two");
    expect(sent).toEqual([]);
    expect((input as HTMLTextAreaElement).value).toBe("line one\nline two");
    await user.type(input, "{Enter}");
    expect(sent).toEqual([{ body: "line one\nline two", files: [] }]);
    expect((input as HTMLTextAreaElement).value).toBe("");
  });

  it("does not send an empty or blank message", async () => {
    const { sent, user, input } = setup();
    await user.type(input, "   {Enter}");
    expect(sent).toEqual([]);
    expect(screen.getByRole("button", { name: "Send" })).toHaveProperty("disabled", true);
  });

  it("shows a length counter near the limit and refuses an over-long message", async () => {
    const { sent, user, input } = setup();
    fireEvent.change(input, { target: { value: "x".repeat(99) } });
    expect(screen.queryByText(/\/ 200/)).toBeNull();
    fireEvent.change(input, { target: { value: "x".repeat(150) } });
    expect(screen.getByText("150 / 200")).toBeTruthy();
    fireEvent.change(input, { target: { value: "x".repeat(201) } });
    expect(screen.getByText("201 / 200").className).toContain("over");
    expect(screen.getByRole("alert").textContent).toBe(
      "The message is 201 characters long; this conversation allows 200. Shorten it by 1.",
    );
    await user.type(input, "{Enter}");
    expect(sent).toEqual([]);
  });

  it("attaches several files from the picker, previews them, and removes one", async () => {
    const { sent, user, picker } = setup();
    await user.upload(picker, [file("a.pdf", 10, "application/pdf"), file("b.txt", 20, "text/plain")]);
    const list = screen.getByRole("list", { name: "Attachments" });
    expect(list.querySelectorAll("li")).toHaveLength(2);
    expect(list.textContent).toContain("a.pdf");
    expect(list.textContent).toContain("20 bytes");
    await user.click(screen.getByRole("button", { name: "Remove a.pdf" }));
    expect(screen.getByRole("list", { name: "Attachments" }).querySelectorAll("li")).toHaveLength(1);
    await user.click(screen.getByRole("button", { name: "Send" }));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.files.map((f) => f.name)).toEqual(["b.txt"]);
    expect(sent[0]!.body).toBe("");
  });

  it("refuses a file over the per-file limit with a message naming it, until it is removed", async () => {
    const { user, picker } = setup();
    await user.upload(picker, [file("huge.mov", 2048, "video/quicktime")]);
    expect(screen.getByRole("alert").textContent).toBe("huge.mov is 2 KB; this conversation allows 1 KB per file.");
    expect(screen.getByRole("button", { name: "Send" })).toHaveProperty("disabled", true);
    await user.click(screen.getByRole("button", { name: "Remove huge.mov" }));
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("refuses more files than the conversation allows", async () => {
    const { user, picker } = setup();
    await user.upload(picker, [file("1", 1), file("2", 1), file("3", 1)]);
    expect(screen.getByRole("alert").textContent).toContain(
      "3 files are attached; this conversation allows 2 per message. Remove 1.",
    );
  });

  it("turns pasted files into attachments", () => {
    const { input } = setup();
    const pasted = file("image.png", 5, "image/png");
    fireEvent.paste(input, { clipboardData: { files: [pasted], types: ["Files"] } });
    const names = Array.from(screen.getByRole("list", { name: "Attachments" }).querySelectorAll(".file-name")).map(
      (e) => e.textContent,
    );
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/^pasted-.*\.png$/);
  });
});
