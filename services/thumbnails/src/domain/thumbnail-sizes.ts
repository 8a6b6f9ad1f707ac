// The thumbnail set and the size arithmetic behind it: what each thumbnail measures, and which
// images are too large to decode at all.

/** Longest side, in pixels, of each thumbnail. */
export const thumbnailSizes = { small: 128, medium: 512, large: 1024 } as const;

export type ThumbnailSize = keyof typeof thumbnailSizes;

export const thumbnailSizeNames = Object.keys(thumbnailSizes) as ThumbnailSize[];

/** Images above 40 megapixels are refused before decoding: a small file can hold a huge, memory-hungry image. */
export const maxInputPixels = 40_000_000;

/** The largest upload the API signs (10 MiB). */
export const maxUploadBytes = 10 * 1024 * 1024;

export interface Dimensions {
  width: number;
  height: number;
}

/** EXIF orientations 5 to 8 turn the image by 90°: the displayed width is the stored height. */
export function orientedDimensions(stored: Dimensions, orientation: number | undefined): Dimensions {
  const turned = orientation !== undefined && orientation >= 5 && orientation <= 8;
  return turned ? { width: stored.height, height: stored.width } : { width: stored.width, height: stored.height };
}

export function exceedsPixelLimit(dimensions: Dimensions, limit = maxInputPixels): boolean {
  return dimensions.width * dimensions.height > limit;
}

/**
 * The size of `source` scaled to fit a `longestSide` square, keeping its aspect ratio and never enlarging it
 * (sharp's `fit: 'inside'` with `withoutEnlargement`, which rounds the shorter side to the nearest pixel).
 */
export function fitInside(source: Dimensions, longestSide: number): Dimensions {
  if (source.width <= longestSide && source.height <= longestSide) return { width: source.width, height: source.height };
  if (source.width >= source.height) {
    return { width: longestSide, height: Math.max(1, Math.round((source.height * longestSide) / source.width)) };
  }
  return { width: Math.max(1, Math.round((source.width * longestSide) / source.height)), height: longestSide };
}
