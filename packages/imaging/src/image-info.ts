/** What a stage learnt from an image's header while the bytes went through. */
export interface ImageInfo {
  /** Displayed size: EXIF orientation applied (5..8 swap width and height). */
  width: number;
  height: number;
  /** EXIF orientation 1..8 when the file carried one. */
  orientation?: number;
}

/** What a stripping stage removed, for logs and tests (segment/chunk names and byte counts). */
export interface StripReport {
  removed: { name: string; bytes: number }[];
  /** Parsing gave up on a malformed structure: the rest was stored as it came. */
  gaveUp?: string;
}
