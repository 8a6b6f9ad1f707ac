// A photo's thumbnails as the API answers them: in a note's photo (core-api) and in an upload (thumbnails).
import * as z from 'zod/mini';
import { annotate, named } from './openapi';

const ThumbnailSchema = named('Thumbnail', z.object({ url: annotate(z.string(), { format: 'uri', description: 'Fetchable by the app as it is' }), width: z.int(), height: z.int() }));

export const ThumbnailsSchema = named(
  'Thumbnails',
  z.object({ small: ThumbnailSchema, medium: ThumbnailSchema, large: ThumbnailSchema }),
  'Longest side 128, 512 and 1024 px (never upscaled), EXIF orientation applied, metadata stripped.',
);
