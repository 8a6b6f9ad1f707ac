// GET /media/{key+}: an upload's status and thumbnails, for its uploader only.
import { http, ok } from '@photonotes/shared/http';
import { appUrls, mediaRecords } from '../adapters/dependencies';
import { getMedia } from '../domain/uploads';
import { getMediaRoute } from '../routes/get-media';

const deps = { media: mediaRecords(), urls: appUrls() };

export const handler = http(getMediaRoute).handler(async ({ path, auth }) =>
  ok(await getMedia(path.key, auth.userId, deps)),
);
