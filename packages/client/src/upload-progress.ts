/** Progress of one attachment. `total` is null for a stream sent without `size`. */
export interface FileProgress {
  index: number;
  filename: string | null;
  loaded: number;
  total: number | null;
}

/** Bytes of media sent so far, overall and per file (multipart framing is not counted). */
export interface UploadProgress {
  loaded: number;
  total: number | null;
  files: FileProgress[];
}

export type ProgressListener = (progress: UploadProgress) => void;

/**
 * Turns byte counts from either transport into progress events that never go backwards, even
 * when an upload is sent again after a token refresh.
 */
export class ProgressTracker {
  private readonly reported: number[];
  private attempt: number[];
  private lastLoaded = -1;

  constructor(
    private readonly files: readonly { filename: string | null; size: number | null }[],
    private readonly listener: ProgressListener | undefined,
  ) {
    this.reported = files.map(() => 0);
    this.attempt = files.map(() => 0);
  }

  /** A new attempt starts counting from zero; events resume once it passes what was reported. */
  restart(): void {
    this.attempt = this.files.map(() => 0);
  }

  /** Bytes of file `index` handed to the network (counted body stream). */
  add(index: number, bytes: number): void {
    this.attempt[index] = (this.attempt[index] ?? 0) + bytes;
    this.emit();
  }

  /** Bytes of file `index` sent so far, counted by the caller (upload sessions' parts). */
  set(index: number, bytes: number): void {
    this.attempt[index] = bytes;
    this.emit();
  }

  /** Bytes of the whole body sent (XMLHttpRequest), mapped onto files by their offsets. */
  setBodyLoaded(bodyLoaded: number, offsets: readonly number[]): void {
    this.files.forEach((file, i) => {
      const start = offsets[i] ?? 0;
      const size = file.size ?? 0;
      this.attempt[i] = Math.min(Math.max(bodyLoaded - start, 0), size);
    });
    this.emit();
  }

  /** Every byte is sent: files of unknown size end at what was counted. */
  complete(): void {
    this.files.forEach((file, i) => {
      if (file.size !== null) this.attempt[i] = file.size;
    });
    this.emit();
  }

  private emit(): void {
    this.attempt.forEach((n, i) => {
      if (n > (this.reported[i] ?? 0)) this.reported[i] = n;
    });
    const loaded = this.reported.reduce((a, b) => a + b, 0);
    if (loaded <= this.lastLoaded) return;
    this.lastLoaded = loaded;
    if (!this.listener) return;
    const unknown = this.files.some((f) => f.size === null);
    this.listener({
      loaded,
      total: unknown ? null : this.files.reduce((a, f) => a + (f.size ?? 0), 0),
      files: this.files.map((f, index) => ({
        index,
        filename: f.filename,
        loaded: this.reported[index] ?? 0,
        total: f.size,
      })),
    });
  }
}
