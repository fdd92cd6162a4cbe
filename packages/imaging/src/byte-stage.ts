import { Transform, type TransformCallback } from "node:stream";

/**
 * A pass-through Transform for container formats (JPEG segments, PNG/RIFF chunks): the parser
 * peeks at headers, then passes or skips whole payloads without copying them, so memory stays
 * at one incoming chunk plus the largest header it has to look at. Subclasses implement step().
 */
export abstract class ByteStage extends Transform {
  private readonly queue: Buffer[] = [];
  private queued = 0;
  private passing = 0;
  private skipping = 0;
  private blanking = 0;
  private mode: "parse" | "pass" | "drop" = "parse";
  /** The most bytes ever queued at once: what the stage held beyond the stream's own buffers. */
  peakQueued = 0;
  /** Bytes discarded by dropRest(). */
  protected droppedRest = 0;

  /**
   * Makes progress on the bytes queued: call peek/take/pass/skip/emit. Returns false when it needs
   * more bytes than are queued (it is called again when more arrive).
   */
  protected abstract step(): boolean;

  /** Called once at the end of input; `rest` is what step() could not make sense of (a truncated header). */
  protected finish(rest: Buffer): void {
    if (rest.length > 0) this.output(rest);
  }

  /** Output goes through here; a subclass may hold it back. */
  protected output(bytes: Buffer): void {
    this.push(bytes);
  }

  protected get available(): number {
    return this.queued;
  }

  /** The first n queued bytes without consuming them, or undefined when fewer are queued. */
  protected peek(n: number): Buffer | undefined {
    if (n > this.queued) return undefined;
    const head = this.queue[0]!;
    if (head.length >= n) return head.subarray(0, n);
    const joined = Buffer.concat(this.queue);
    this.queue.length = 0;
    this.queue.push(joined);
    return joined.subarray(0, n);
  }

  /** The first queued chunk, whatever its size (for scanning). */
  protected head(): Buffer | undefined {
    return this.queue[0];
  }

  /** Consumes n queued bytes (n <= available) and returns them. */
  protected consume(n: number): Buffer {
    const bytes = Buffer.from(this.peek(n)!); // a copy: the caller may keep it
    this.dequeue(n);
    return bytes;
  }

  /** Forwards the next n bytes, however many chunks they take to arrive. */
  protected pass(n: number): void {
    this.passing += n;
  }

  /** Discards the next n bytes, however many chunks they take to arrive. */
  protected skip(n: number): void {
    this.skipping += n;
  }

  /** Takes back n bytes of a pending skip(). */
  protected unskip(n: number): void {
    this.skipping -= n;
  }

  /** Forwards the next n bytes as zeros: the stream keeps its length, the content is gone. */
  protected blank(n: number): void {
    this.blanking += n;
  }

  /** From here on every byte is forwarded unparsed. */
  protected passRest(): void {
    this.mode = "pass";
  }

  /** From here on every byte is discarded. */
  protected dropRest(): void {
    this.mode = "drop";
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      if (chunk.length > 0) {
        this.queue.push(chunk);
        this.queued += chunk.length;
        if (this.queued > this.peakQueued) this.peakQueued = this.queued;
      }
      this.drive();
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.drive();
      const rest =
        this.skipping > 0 || this.blanking > 0 || this.mode === "drop" ? Buffer.alloc(0) : Buffer.concat(this.queue);
      this.queue.length = 0;
      this.queued = 0;
      this.finish(rest);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  private drive(): void {
    for (;;) {
      if (this.passing > 0) {
        this.passing -= this.forward(this.passing, true);
        if (this.passing > 0) return;
      } else if (this.blanking > 0) {
        this.blanking -= this.forward(this.blanking, "zero");
        if (this.blanking > 0) return;
      } else if (this.skipping > 0) {
        this.skipping -= this.forward(this.skipping, false);
        if (this.skipping > 0) return;
      } else if (this.mode !== "parse") {
        const moved = this.forward(this.queued, this.mode === "pass");
        if (this.mode === "drop") this.droppedRest += moved;
        return;
      } else if (this.queued === 0 || !this.step()) {
        return;
      }
    }
  }

  /** Moves up to n queued bytes out (emitted or discarded); returns how many. */
  private forward(n: number, keep: boolean | "zero"): number {
    let moved = 0;
    while (moved < n && this.queue.length > 0) {
      const head = this.queue[0]!;
      const count = Math.min(head.length, n - moved);
      if (keep === "zero") this.output(Buffer.alloc(count));
      else if (keep) this.output(count === head.length ? head : head.subarray(0, count));
      this.dequeue(count);
      moved += count;
    }
    return moved;
  }

  private dequeue(n: number): void {
    this.queued -= n;
    while (n > 0) {
      const head = this.queue[0]!;
      if (head.length <= n) {
        this.queue.shift();
        n -= head.length;
      } else {
        this.queue[0] = head.subarray(n);
        n = 0;
      }
    }
  }
}
