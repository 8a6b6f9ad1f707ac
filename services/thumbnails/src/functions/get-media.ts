// GET /media/{key+}: an upload's status and thumbnails, for its uploader only.
import { http, ok } from '@photonotes/shared/http';
import * as z from 'zod/mini';
import { appUrls, mediaRecords } from '../adapters/dependencies';
import { getMedia } from '../domain/uploads';

// Keys hold slashes: the route's greedy parameter passes them through, some clients send them as %2F.
function decodeKey(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

const GetMediaPath = z.object({
  key: z.pipe(z.string().check(z.minLength(1), z.maxLength(1024)), z.transform(decodeKey)),
});

const deps = { media: mediaRecords(), urls: appUrls() };

export const handler = http({ service: 'thumbnails', path: GetMediaPath }).handler(async ({ path, auth }) =>
  ok(await getMedia(path.key, auth.userId, deps)),
);
