export { imageStage, STRIPPED_TYPES, type ImageStage } from "./image-stage.ts";
export type { ImageInfo, StripReport } from "./image-info.ts";
export { readOrientation, minimalExif } from "./exif-orientation.ts";
