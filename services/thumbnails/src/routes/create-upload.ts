// POST /media/uploads: a media record and a presigned PUT URL bound to the declared type and length.
import { defineRoute } from '@photonotes/shared/http-route';
import { annotate, describes, named, timestamp } from '@photonotes/shared/openapi';
import * as z from 'zod/mini';
import { maxUploadBytes } from '../domain/thumbnail-sizes';
import type { CreateUploadInput, UploadTicket } from '../domain/uploads';
import { mediaContentType } from './media-content-type';

export const createUploadBody = describes<CreateUploadInput>()(
  z.object({
    contentType: mediaContentType,
    size: annotate(z.int().check(z.minimum(1), z.maximum(maxUploadBytes)), { description: 'The exact length in bytes of the file the app will PUT (at most 10 MiB)' }),
  }),
);

const UploadTicketSchema = named(
  'UploadTicket',
  describes<UploadTicket>()(
    z.object({
      key: annotate(z.string(), { description: 'Names the upload: pass it as a note’s photoKey and to GET /media/{key}' }),
      uploadUrl: annotate(z.string(), { format: 'uri', description: 'PUT the bytes here, with exactly `headers`, within 15 minutes' }),
      method: z.literal('PUT'),
      headers: z.object({ 'Content-Type': mediaContentType }),
      expiresAt: timestamp,
    }),
  ),
);

export const createUploadRoute = defineRoute({
  service: 'thumbnails',
  method: 'POST',
  path: '/media/uploads',
  operationId: 'createUpload',
  summary: 'Get a URL to upload a photo to',
  description:
    'Thumbnails are made once the bytes arrive; GET /media/{key} and the notes that use the key show them. ' +
    'Per user, at most 20 uploads may be pending at once (requested, not yet processed, URL not expired) and at most ' +
    '200 MB may be declared per UTC day (a stage may set other limits): over either, 429 with Retry-After.',
  tags: ['media'],
  body: createUploadBody,
  bodyExample: { contentType: 'image/jpeg', size: 2_483_201 },
  responses: { 201: { description: 'Where and how to upload', schema: UploadTicketSchema } },
  errors: {
    429: 'Over an upload quota: too many pending uploads (Retry-After: until the first pending URL expires) or too many bytes today (Retry-After: until the next UTC day)',
  },
});
