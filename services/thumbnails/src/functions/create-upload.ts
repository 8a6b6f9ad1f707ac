// POST /media/uploads: a media record and a presigned PUT URL bound to the declared type and length.
import { created, http } from '@photonotes/shared/http';
import { appUrls, mediaRecords, systemClock } from '../adapters/dependencies';
import { createUpload } from '../domain/uploads';
import { createUploadRoute } from '../routes/create-upload';

const deps = { media: mediaRecords(), urls: appUrls(), clock: systemClock };

export const handler = http(createUploadRoute).handler(async ({ body, auth }) =>
  created(await createUpload(body, auth.userId, deps)),
);
