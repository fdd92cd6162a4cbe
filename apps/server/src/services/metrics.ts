/**
 * What the services report for metrics, without knowing the metrics library
 * (src/observability/metrics.ts implements it). Every method is optional to call: a no-op by default.
 */
export interface ServiceMetrics {
  /** A message's files began to arrive; the function returned is called once they are stored or failed. */
  uploadStarted(path: "multipart"): () => void;
  /** A message's files were stored (or failed to be): bytes received and seconds taken. */
  uploaded(path: "multipart" | "session", bytes: number, seconds: number, outcome: "ok" | "error"): void;
  /** A request was refused with RATE_LIMITED by this budget. */
  rateLimited(budget: string): void;
  /** One sweep's removals. */
  swept(result: { deleted: number; partial: number; abandoned: number; expired: number }): void;
}

export const noMetrics: ServiceMetrics = {
  uploadStarted: () => () => {},
  uploaded: () => {},
  rateLimited: () => {},
  swept: () => {},
};
