// POST /media/uploads: a media record and a presigned PUT URL bound to the declared type and length.
import { created, http } from '@photonotes/shared/http';
import { mediaKeyExtensions } from '@photonotes/shared/media-keys';
import type { MediaContentType } from '@photonotes/shared/media-keys';
import * as z from 'zod/mini';
import { appUrls, mediaRecords, systemClock } from '../adapters/dependencies';
import { createUpload } from '../domain/uploads';
import { maxUploadBytes } from '../domain/thumbnail-sizes';

const contentTypes = Object.keys(mediaKeyExtensions) as [MediaContentType, ...MediaContentType[]];

export const CreateUploadBody = z.object({
  contentType: z.enum(contentTypes),
  size: z.int().check(z.minimum(1), z.maximum(maxUploadBytes)),
});

const deps = { media: mediaRecords(), urls: appUrls(), clock: systemClock };

export const handler = http({ service: 'thumbnails', body: CreateUploadBody }).handler(async ({ body, auth }) =>
  created(await createUpload(body, auth.userId, deps)),
);
