// POST /media/uploads: a media record and a presigned PUT URL bound to the declared type and length.
import { created, http } from '@photonotes/shared/http';
import { appUrls, mediaRecords, systemClock } from '../adapters/dependencies';
import { CreateUploadBody } from '../domain/media-input';
import { createUpload } from '../domain/uploads';

const deps = { media: mediaRecords(), urls: appUrls(), clock: systemClock };

export const handler = http({ service: 'thumbnails', body: CreateUploadBody }).handler(async ({ body, auth }) =>
  created(await createUpload(body, auth.userId, deps)),
);
