import { ByteStage } from "./byte-stage.ts";
import { displayed } from "./exif-orientation.ts";
import type { ImageInfo, StripReport } from "./image-info.ts";

/**
 * What the JPEG, PNG and WebP stages share: what they removed, the pixel size and EXIF orientation
 * they read, the displayed size derived from both, and giving up by passing the rest unchanged.
 */
export abstract class MetadataStage extends ByteStage {
  readonly report: StripReport = { removed: [] };
  protected size?: { width: number; height: number };
  protected orientation?: number;

  info(): ImageInfo | undefined {
    if (!this.size) return undefined;
    return { ...displayed(this.size.width, this.size.height, this.orientation), orientation: this.orientation };
  }

  /** The input is not what the stage understands: forward it as it is, and say why. */
  protected giveUp(why: string): boolean {
    this.report.gaveUp = why;
    this.passRest();
    return true;
  }
}
