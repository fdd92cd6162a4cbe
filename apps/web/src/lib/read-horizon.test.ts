import { describe, expect, it } from "vitest";
import { ReadHorizon } from "./read-horizon.ts";

function deferred() {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("ReadHorizon", () => {
  it("sends the newest index seen, once, and never goes backwards", async () => {
    const sent: number[] = [];
    const marked: number[] = [];
    const horizon = new ReadHorizon(async (i) => void sent.push(i), { onMarked: (i) => marked.push(i) });
    await horizon.see(4);
    await horizon.see(4);
    await horizon.see(2);
    expect(sent).toEqual([4]);
    await horizon.see(7);
    expect(sent).toEqual([4, 7]);
    expect(marked).toEqual([4, 7]);
    expect(horizon.marked).toBe(7);
  });

  it("keeps one request in flight and then sends only the newest index seen meanwhile", async () => {
    const gates: ReturnType<typeof deferred>[] = [];
    const sent: number[] = [];
    const horizon = new ReadHorizon((i) => {
      sent.push(i);
      const gate = deferred();
      gates.push(gate);
      return gate.promise;
    });
    const first = horizon.see(1);
    await Promise.resolve();
    await Promise.resolve();
    void horizon.see(2);
    void horizon.see(3);
    expect(sent).toEqual([1]);
    gates[0]!.resolve();
    await new Promise((r) => setTimeout(r, 0));
    expect(sent).toEqual([1, 3]);
    gates[1]!.resolve();
    await first;
    await horizon.see(3);
    expect(sent).toEqual([1, 3]);
    expect(horizon.marked).toBe(3);
  });

  it("reports a failure and tries again on the next see", async () => {
    const errors: unknown[] = [];
    let fail = true;
    const sent: number[] = [];
    const horizon = new ReadHorizon(
      async (i) => {
        sent.push(i);
        if (fail) throw new Error("network down");
      },
      { onError: (e) => errors.push(e) },
    );
    await horizon.see(5);
    expect(errors).toHaveLength(1);
    expect(horizon.marked).toBe(-1);
    fail = false;
    await horizon.see(5);
    expect(sent).toEqual([5, 5]);
    expect(horizon.marked).toBe(5);
  });

  it("a setter that throws at once does not wedge it", async () => {
    let calls = 0;
    const horizon = new ReadHorizon(
      () => {
        calls++;
        if (calls === 1) throw new Error("sync failure");
        return Promise.resolve();
      },
      { onError: () => {} },
    );
    await horizon.see(1);
    await horizon.see(1);
    expect(calls).toBe(2);
    expect(horizon.marked).toBe(1);
  });
});
