// GET /media/{key+}: an upload's status and thumbnails, for its uploader only.
import { defineRoute } from '@photonotes/shared/http-route';
import { annotate, describes, named } from '@photonotes/shared/openapi';
import { ThumbnailsSchema } from '@photonotes/shared/thumbnails-schema';
import * as z from 'zod/mini';
import type { MediaView } from '../domain/media';
import { mediaContentType } from './media-content-type';

// Keys hold slashes: the route's greedy parameter passes them through, some clients send them as %2F.
function decodeKey(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export const mediaKeyPath = z.object({
  key: annotate(z.pipe(z.string().check(z.minLength(1), z.maxLength(1024)), z.transform(decodeKey)), {
    description: 'The `key` from POST /media/uploads; its slashes may be sent as they are or as %2F',
  }),
});

const MediaSchema = named(
  'Media',
  describes<MediaView>()(
    z.object({
      key: z.string(),
      status: z.enum(['pending', 'ready', 'failed']),
      contentType: mediaContentType,
      width: annotate(z.nullable(z.int()), { description: 'Of the original as displayed (EXIF orientation applied), once ready' }),
      height: z.nullable(z.int()),
      thumbnails: z.nullable(ThumbnailsSchema),
    }),
  ),
  'An upload and its processing: `failed` when the file is not a decodable JPEG, PNG or WebP, or exceeds 40 megapixels.',
);

export const getMediaRoute = defineRoute({
  service: 'thumbnails',
  method: 'GET',
  path: '/media/{key+}',
  operationId: 'getMedia',
  summary: 'An upload’s status and thumbnails (uploader only)',
  tags: ['media'],
  params: mediaKeyPath,
  responses: { 200: { description: 'The upload', schema: MediaSchema } },
  errors: { 404: 'No such upload among the caller’s' },
});
