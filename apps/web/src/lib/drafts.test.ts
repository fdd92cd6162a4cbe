import { describe, expect, it } from "vitest";
import { Drafts } from "./drafts.ts";

class MemoryStorage {
  readonly map = new Map<string, string>();
  getItem = (k: string) => this.map.get(k) ?? null;
  setItem = (k: string, v: string) => void this.map.set(k, v);
  removeItem = (k: string) => void this.map.delete(k);
}

describe("Drafts", () => {
  it("keeps a draft per identity and conversation, texts in storage, files in the page", () => {
    const storage = new MemoryStorage();
    const drafts = new Drafts(() => storage as unknown as Storage);
    const photo = new File(["x"], "a.png");
    drafts.set("ann", "c1", { body: "half a thought", files: [photo] });
    drafts.set("ann", "c2", { body: "other", files: [] });
    expect(drafts.get("ann", "c1")).toEqual({ body: "half a thought", files: [photo] });
    expect(drafts.get("bob", "c1")).toEqual({ body: "", files: [] });
    // A new page (after a reload) still has the texts.
    expect(new Drafts(() => storage as unknown as Storage).get("ann", "c2").body).toBe("other");
    drafts.set("ann", "c2", { body: "", files: [] });
    expect(JSON.parse(storage.getItem("parley.drafts.ann")!)).toEqual({ c1: "half a thought" });
  });

  it("puts an unsent message back after the draft, and forgets everything on clear", () => {
    const storage = new MemoryStorage();
    const drafts = new Drafts(() => storage as unknown as Storage);
    drafts.set("ann", "c1", { body: "typed", files: [] });
    drafts.keepUnsent("ann", "c1", { body: "sent but refused", files: [] });
    expect(drafts.get("ann", "c1").body).toBe("typed\nsent but refused");
    drafts.clear("ann");
    expect(drafts.get("ann", "c1")).toEqual({ body: "", files: [] });
    expect(storage.map.size).toBe(0);
  });

  it("survives a damaged entry and a storage that refuses", () => {
    const storage = new MemoryStorage();
    storage.setItem("parley.drafts.ann", "{not json");
    expect(new Drafts(() => storage as unknown as Storage).get("ann", "c1").body).toBe("");
    const refusing = new Drafts(
      () =>
        ({
          getItem: () => null,
          setItem: () => {
            throw new Error("full");
          },
          removeItem: () => {},
        }) as unknown as Storage,
    );
    expect(() => refusing.set("ann", "c1", { body: "x", files: [] })).not.toThrow();
  });
});
