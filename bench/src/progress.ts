/** Progress lines on stderr: elapsed time, step n/total and a rough time left. */
export class Progress {
  private done = 0;
  private readonly started = Date.now();

  constructor(private total: number) {}

  private stamp(): string {
    const s = Math.round((Date.now() - this.started) / 1000);
    return `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
  }

  /** Adds planned steps discovered late (keeps the ETA honest). */
  plan(more: number): void {
    this.total += more;
  }

  info(message: string): void {
    process.stderr.write(`[${this.stamp()}] ${message}\n`);
  }

  /** Marks one planned step finished and prints its outcome. */
  step(message: string): void {
    this.done++;
    const elapsed = (Date.now() - this.started) / 1000;
    const left = this.done > 0 ? (elapsed / this.done) * Math.max(0, this.total - this.done) : 0;
    const eta = left > 0 ? `, ~${Math.ceil(left / 60)} min left` : "";
    process.stderr.write(`[${this.stamp()}] (${this.done}/${this.total}${eta}) ${message}\n`);
  }

  elapsedSeconds(): number {
    return (Date.now() - this.started) / 1000;
  }
}
