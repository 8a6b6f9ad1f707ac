// Request schemas of the media routes (zod/mini): what POST /media/uploads accepts and how GET /media/{key+}
// reads its key. The handlers validate with them and src/api.ts documents them.
import { mediaKeyExtensions } from '@photonotes/shared/media-keys';
import type { MediaContentType } from '@photonotes/shared/media-keys';
import * as z from 'zod/mini';
import { maxUploadBytes } from './thumbnail-sizes';

const contentTypes = Object.keys(mediaKeyExtensions) as [MediaContentType, ...MediaContentType[]];

export const createUploadBody = z.object({
  contentType: z.enum(contentTypes),
  size: z.int().check(z.minimum(1), z.maximum(maxUploadBytes)),
});

// Keys hold slashes: the route's greedy parameter passes them through, some clients send them as %2F.
function decodeKey(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export const mediaKeyPath = z.object({
  key: z.pipe(z.string().check(z.minLength(1), z.maxLength(1024)), z.transform(decodeKey)),
});
