import { ParleyError } from "@parley/client";
import { describe, expect, it } from "vitest";
import { describeError, isTransient, isUnreachable, loadSession, requestDevToken, saveSession } from "./session.ts";

class MemoryStorage implements Storage {
  #map = new Map<string, string>();
  get length() {
    return this.#map.size;
  }
  clear() {
    this.#map.clear();
  }
  getItem(key: string) {
    return this.#map.get(key) ?? null;
  }
  key(i: number) {
    return [...this.#map.keys()][i] ?? null;
  }
  removeItem(key: string) {
    this.#map.delete(key);
  }
  setItem(key: string, value: string) {
    this.#map.set(key, value);
  }
}

describe("sessions", () => {
  it("round-trips through storage and ignores damaged entries", () => {
    const storage = new MemoryStorage();
    expect(loadSession(storage)).toBeNull();
    saveSession({ identity: "alice", token: "t", kind: "dev" }, storage);
    expect(loadSession(storage)).toEqual({ identity: "alice", token: "t", kind: "dev" });
    saveSession(null, storage);
    expect(loadSession(storage)).toBeNull();
    storage.setItem("parley.session", "{not json");
    expect(loadSession(storage)).toBeNull();
    storage.setItem("parley.session", JSON.stringify({ identity: "a", token: "t", kind: "admin" }));
    expect(loadSession(storage)).toBeNull();
  });
});

describe("requestDevToken", () => {
  const answer = (status: number, body: unknown) => async () =>
    new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

  it("returns the token the server issued", async () => {
    let sent: RequestInit | undefined;
    const fetch = async (_url: RequestInfo | URL, init?: RequestInit) => (
      (sent = init),
      new Response(JSON.stringify({ identity: "alice", token: "jwt" }))
    );
    expect(await requestDevToken("http://api", "alice", fetch as typeof globalThis.fetch)).toBe("jwt");
    expect(JSON.parse(String(sent?.body))).toEqual({ identity: "alice" });
  });

  it("says to paste a token when the server has development tokens off", async () => {
    const error = await requestDevToken(
      "http://api",
      "alice",
      answer(404, { errors: [{ message: "No route" }] }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParleyError);
    expect((error as ParleyError).message).toMatch(/Paste a token instead/);
  });

  it("passes on the server's reason for refusing an identity", async () => {
    const error = await requestDevToken(
      "http://api",
      "",
      answer(400, { errors: [{ message: 'Send {"identity": "<name>"}' }] }),
    ).catch((e: unknown) => e);
    expect((error as ParleyError).message).toBe('Send {"identity": "<name>"}');
  });

  it("reports an unreachable server as a network error", async () => {
    const fetch = async () => {
      throw new TypeError("fetch failed");
    };
    const error = await requestDevToken("http://api", "alice", fetch).catch((e: unknown) => e);
    expect((error as ParleyError).code).toBe("NETWORK_ERROR");
  });
});

describe("describeError", () => {
  it("turns codes into sentences and keeps the server's own messages", () => {
    expect(describeError(new ParleyError("FORBIDDEN", "x"))).toBe("You are not a participant of this conversation.");
    expect(describeError(new ParleyError("PAYLOAD_TOO_LARGE", "photo.png is too large."))).toBe(
      "photo.png is too large.",
    );
    expect(describeError("?")).toBe("Something went wrong.");
  });

  it("says Parley is unreachable instead of a proxy's HTTP detail, and that it retries where it does", () => {
    const proxyPage = new ParleyError(
      "INTERNAL_SERVER_ERROR",
      "Parley answered HTTP 502 with a body that is not GraphQL JSON: <html><head><title>502 Bad Gateway",
      { status: 502, httpStatus: 502 },
    );
    const offline = new ParleyError("NETWORK_ERROR", "fetch failed");
    for (const error of [
      proxyPage,
      offline,
      new ParleyError("INTERNAL_SERVER_ERROR", "x", { status: 500, httpStatus: 504 }),
    ]) {
      expect(isUnreachable(error)).toBe(true);
      expect(describeError(error, { retrying: true })).toBe("Parley is unreachable; retrying…");
      expect(describeError(error)).toBe("Parley is unreachable. Check your connection.");
    }
    const storage = new ParleyError("STORAGE_UNAVAILABLE", "Storage is unavailable.", { status: 503 });
    expect(isUnreachable(storage)).toBe(false);
    expect(isTransient(storage)).toBe(true);
    expect(describeError(storage, { retrying: true })).toBe("Parley's storage is unavailable; retrying…");
    const refused = new ParleyError("BAD_USER_INPUT", "The body is empty.", { status: 400 });
    expect(isTransient(refused)).toBe(false);
    expect(describeError(refused, { retrying: true })).toBe("The body is empty.");
  });
});
