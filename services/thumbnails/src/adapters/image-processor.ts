// sharp (libvips) behind the ImageProcessor port: header inspection and the thumbnail set. Only the
// processing function imports this module, so only its zip carries the native binary.
import sharp from 'sharp';
import type { Metadata } from 'sharp';
import type { ImageInfo, ImageProcessor, RenderedThumbnail } from '../domain/ports';
import { ImageRejectedError } from '../domain/ports';
import { fitInside, maxInputPixels, orientedDimensions, thumbnailSizeNames, thumbnailSizes } from '../domain/thumbnail-sizes';

// One image per invocation: libvips' operation cache would only hold memory, and one worker thread keeps
// the peak low on Lambda's fraction of a core.
sharp.cache(false);
sharp.concurrency(1);

const largest = Math.max(...Object.values(thumbnailSizes));

export interface ImageProcessorOptions {
  /** WebP quality, 1..100. */
  quality?: number;
}

function rejected(err: unknown): ImageRejectedError {
  const reason = err instanceof Error ? err.message : String(err);
  return new ImageRejectedError(`not a decodable image: ${reason}`, { cause: err });
}

export function sharpImageProcessor(options: ImageProcessorOptions = {}): ImageProcessor {
  const quality = options.quality ?? 80;
  return {
    async inspect(bytes): Promise<ImageInfo> {
      let metadata: Metadata;
      try {
        // Reads the header only; nothing is decoded yet.
        metadata = await sharp(bytes).metadata();
      } catch (err) {
        throw rejected(err);
      }
      if (!metadata.width || !metadata.height) throw new ImageRejectedError('image has no dimensions');
      return {
        format: metadata.format,
        width: metadata.width,
        height: metadata.height,
        ...(metadata.orientation !== undefined ? { orientation: metadata.orientation } : {}),
      };
    },

    async render(bytes, info): Promise<RenderedThumbnail[]> {
      const displayed = orientedDimensions(info, info.orientation);
      const base = fitInside(displayed, largest);
      try {
        // Decode once, straight to the largest thumbnail: JPEG and WebP shrink while decoding, and the
        // pixel limit stops an oversized image before libvips allocates for it.
        const decoded = await sharp(bytes, { limitInputPixels: maxInputPixels, sequentialRead: true, failOn: 'error', autoOrient: true })
          .resize({ width: base.width, height: base.height, fit: 'fill' })
          .raw({ depth: 'uchar' })
          .toBuffer({ resolveWithObject: true });
        const raw = { width: decoded.info.width, height: decoded.info.height, channels: decoded.info.channels };
        const out: RenderedThumbnail[] = [];
        // Each size is exactly fitInside(displayed, longest side); scaling the decoded pixels again would
        // round differently. Metadata (EXIF, GPS, ICC, XMP) is never copied to the output.
        for (const size of thumbnailSizeNames) {
          const target = fitInside(displayed, thumbnailSizes[size]);
          const { data, info: written } = await sharp(decoded.data, { raw })
            .resize({ width: target.width, height: target.height, fit: 'fill' })
            .webp({ quality })
            .toBuffer({ resolveWithObject: true });
          out.push({ size, body: data, width: written.width, height: written.height, contentType: 'image/webp', extension: 'webp' });
        }
        return out;
      } catch (err) {
        throw rejected(err);
      }
    },
  };
}
