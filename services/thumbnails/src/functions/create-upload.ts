// POST /media/uploads: a media record and a presigned PUT URL bound to the declared type and length, within the
// caller's upload quotas.
import { systemClock } from '@photonotes/shared/clock';
import { dependencies } from '@photonotes/shared/dependencies';
import { created, http } from '@photonotes/shared/http';
import { mediaRepositoryFromEnv, mediaUrlsFromEnv, uploadQuotaPolicyFromEnv, uploadQuotasFromEnv } from '../adapters/dependencies';
import { createUpload } from '../domain/uploads';
import { createUploadRoute } from '../routes/create-upload';

const deps = dependencies({
  media: mediaRepositoryFromEnv,
  urls: mediaUrlsFromEnv,
  quotas: uploadQuotasFromEnv,
  quotaPolicy: uploadQuotaPolicyFromEnv,
  clock: () => systemClock,
});

export const handler = http(createUploadRoute).handler(async ({ body, auth }) =>
  created(await createUpload(body, auth.userId, deps)),
);
