import { ByteStage } from "./byte-stage.ts";
import type { ImageInfo } from "./image-info.ts";

/** GIF: reads the logical screen size and forwards every byte (GIF is stored as sent). */
export class GifStage extends ByteStage {
  private size?: { width: number; height: number };

  info(): ImageInfo | undefined {
    return this.size;
  }

  protected step(): boolean {
    const h = this.peek(10);
    if (!h) return false;
    const magic = h.toString("latin1", 0, 6);
    if (magic === "GIF87a" || magic === "GIF89a") this.size = { width: h.readUInt16LE(6), height: h.readUInt16LE(8) };
    this.passRest();
    return true;
  }
}
