// GET /media/{key+}: an upload's status and thumbnails, for its uploader only.
import { dependencies } from '@photonotes/shared/dependencies';
import { http, ok } from '@photonotes/shared/http';
import { mediaRepositoryFromEnv, mediaUrlsFromEnv } from '../adapters/dependencies';
import { getMedia } from '../domain/uploads';
import { getMediaRoute } from '../routes/get-media';

const deps = dependencies({ media: mediaRepositoryFromEnv, urls: mediaUrlsFromEnv });

export const handler = http(getMediaRoute).handler(async ({ path, auth }) =>
  ok(await getMedia(path.key, auth.userId, deps)),
);
