/** The limits a message's files are held to (MEDIA_MAX_*), whichever way they arrive. */
export interface MediaLimits {
  maxFiles: number;
  maxFileBytes: number;
  maxTotalBytes: number;
  /** Remove image metadata at ingest (MEDIA_STRIP_METADATA; on unless turned off). */
  stripMetadata?: boolean;
}
