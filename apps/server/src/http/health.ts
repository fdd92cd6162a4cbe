import { Router } from "express";
import type { DbHandle } from "@parley/db";
import type { ObjectStore } from "@parley/storage";

const within = <T>(p: Promise<T>, ms: number) =>
  Promise.race([
    p,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref()),
  ]);

/**
 * /healthz: the process is up. /readyz: the database and the storage answer (load balancers use it);
 * 503 while the server drains for shutdown, so a balancer stops sending before the port closes.
 */
export function healthRoutes(db: DbHandle, store: ObjectStore, draining: () => boolean): Router {
  const router = Router();
  router.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  router.get("/readyz", async (_req, res) => {
    if (draining()) {
      res.status(503).json({ status: "draining" });
      return;
    }
    const [database, storage] = await Promise.allSettled([within(db.ping(), 2000), within(store.ping(), 2000)]);
    const report = (r: PromiseSettledResult<unknown>) =>
      r.status === "fulfilled" ? "ok" : `unavailable: ${(r.reason as Error).message}`;
    const ready = database.status === "fulfilled" && storage.status === "fulfilled";
    res
      .status(ready ? 200 : 503)
      .json({ status: ready ? "ready" : "unavailable", database: report(database), storage: report(storage) });
  });
  return router;
}
