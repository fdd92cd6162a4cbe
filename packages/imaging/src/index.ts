export { imageStage, STRIPPED_TYPES, type ImageStage } from "./image-stage.ts";
export type { ImageInfo, StripReport } from "./image-info.ts";
export { readOrientation, minimalExif } from "./exif-orientation.ts";
export {
  configureSharp,
  PREVIEW_SIZES,
  PREVIEW_TYPE,
  previewSizeFor,
  renderPreviews,
  UnrenderableImageError,
  type PreviewSet,
  type Rendition,
  type RenderLimits,
} from "./previews.ts";
