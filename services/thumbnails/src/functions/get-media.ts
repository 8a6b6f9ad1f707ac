// GET /media/{key+}: an upload's status and thumbnails, for its uploader only.
import { dependencies } from '@photonotes/shared/dependencies';
import { http, ok } from '@photonotes/shared/http';
import { mediaRepositoryFromEnv, mediaUrlsFromEnv } from '../adapters/dependencies';
import { mediaKeyPath } from '../domain/media-input';
import { getMedia } from '../domain/uploads';

const deps = dependencies({ media: mediaRepositoryFromEnv, urls: mediaUrlsFromEnv });

export const handler = http({ service: 'thumbnails', path: mediaKeyPath }).handler(async ({ path, auth }) =>
  ok(await getMedia(path.key, auth.userId, deps)),
);
