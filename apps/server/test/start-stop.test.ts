// Start and stop (issue 16): the port opens only once the server can answer, SIGTERM drains and
// exits 0 with idle keep-alive and WebSocket clients, and one embedded DATA_DIR serves one process.
// The real entry (src/main.ts) as a child process, on both backends.
import { Agent, request } from "node:http";
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backend } from "./harness.ts";
import { processBackend, startServer, type ProcessBackend } from "./process-backend.ts";
import { collect, wsClient } from "./ws.ts";

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/** GET over `agent` (or a fresh connection); resolves with the status, or the error's code. */
const get = (url: string, agent?: Agent, timeoutMs = 10_000) =>
  new Promise<{ status: number | string; ms: number }>((resolve) => {
    const t0 = performance.now();
    const req = request(url, { agent: agent ?? false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.once("end", () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 }));
    });
    req.once("timeout", () => req.destroy(new Error("timeout")));
    req.once("error", (e: NodeJS.ErrnoException) =>
      resolve({ status: e.code ?? e.message, ms: performance.now() - t0 }),
    );
    req.end();
  });

describe(`start and stop (${backend})`, () => {
  let pb: ProcessBackend;
  beforeAll(async () => {
    pb = await processBackend(backend);
  });
  afterAll(async () => {
    await pb?.cleanup();
  });

  it("never holds a connection while starting: every 50 ms probe from spawn is answered or refused within 1 s", async () => {
    const port = await freePort();
    const probes: { status: number | string; ms: number }[] = [];
    let stop = false;
    const prober = (async () => {
      while (!stop) {
        const started = performance.now();
        // Not awaited one by one: a probe that hangs must not delay the next.
        void get(`http://127.0.0.1:${port}/readyz`).then((p) => probes.push(p));
        await new Promise((r) => setTimeout(r, Math.max(0, 50 - (performance.now() - started))));
      }
    })();
    const server = await startServer({ ...pb.env, PORT: String(port) });
    try {
      // Keep probing a little after the start, then wait for every probe still open.
      await new Promise((r) => setTimeout(r, 500));
      stop = true;
      await prober;
      await new Promise((r) => setTimeout(r, 1_500));
      const answered = probes.filter((p) => p.status === 200);
      const slowest = Math.max(...probes.map((p) => p.ms));
      console.log(
        `start-stop: ${probes.length} probes, ${answered.length} answered 200, slowest ${slowest.toFixed(0)} ms`,
      );
      expect(answered.length).toBeGreaterThan(0);
      expect(probes.every((p) => p.status === 200 || p.status === "ECONNREFUSED")).toBe(true);
      expect(slowest).toBeLessThan(1_000);
    } finally {
      await server.kill("SIGTERM");
    }
  });

  it("drains on SIGTERM with 20 idle keep-alive sockets and 5 subscriptions, exiting 0 within 10 s", async () => {
    const server = await startServer(pb.env);
    const agent = new Agent({ keepAlive: true, maxSockets: 20 });
    const token = await pb.token("alice");
    const clients = Array.from({ length: 5 }, () => wsClient(server.url, token));
    try {
      const idle = await Promise.all(Array.from({ length: 20 }, () => get(`${server.url}/healthz`, agent)));
      expect(idle.map((r) => r.status)).toEqual(Array(20).fill(200));
      expect(Object.values(agent.freeSockets).flat().length).toBe(20);

      const created = await fetch(`${server.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: `mutation { createConversation(input: {}) { id } }` }),
      });
      const conversationId = ((await created.json()) as { data: { createConversation: { id: string } } }).data
        .createConversation.id;
      const subs = clients.map((c) =>
        collect(c, `subscription($c: ID!) { messageAdded(conversationId: $c) { id } }`, { c: conversationId }),
      );
      // Subscribed for real: messages are sent until one has reached all five.
      const deadline = Date.now() + 20_000;
      while (subs.some((sub) => sub.items.length === 0)) {
        expect(Date.now(), JSON.stringify(subs.map((sub) => sub.errors))).toBeLessThan(deadline);
        await fetch(`${server.url}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body: JSON.stringify({
            query: `mutation($c: ID!) { sendMessage(input: { conversationId: $c, body: "hi" }) { id } }`,
            variables: { c: conversationId },
          }),
        });
        await new Promise((r) => setTimeout(r, 250));
      }

      const t0 = performance.now();
      const code = await server.kill("SIGTERM");
      const ms = performance.now() - t0;
      console.log(
        `start-stop: SIGTERM with 20 keep-alive sockets and 5 subscriptions exited ${code} in ${ms.toFixed(0)} ms`,
      );
      expect(code, server.output()).toBe(0);
      expect(ms).toBeLessThan(10_000);
      await Promise.all(subs.map((s) => s.done)); // every subscription was ended by the server
    } finally {
      agent.destroy();
      await Promise.all(clients.map((c) => c.dispose()));
      await server.kill("SIGKILL");
    }
  });

  // The lock guards the embedded database (PGlite); PostgreSQL serves any number of instances.
  if (backend === "embedded")
    it("refuses a second process on the same DATA_DIR with a clear error, and takes over after a crash", async () => {
      const first = await startServer(pb.env);
      try {
        await expect(startServer(pb.env)).rejects.toThrow(/DATA_DIR .* is in use by another Parley process/);
      } finally {
        await first.kill("SIGKILL");
      }
      // The lock of a killed process is stale: the next start takes it over.
      const next = await startServer(pb.env);
      expect((await get(`${next.url}/readyz`)).status).toBe(200);
      await next.kill("SIGTERM");
    });
});
