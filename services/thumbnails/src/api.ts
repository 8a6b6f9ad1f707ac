// The thumbnails service's routes for the OpenAPI document (scripts/openapi/generate.ts), with the schemas its
// handlers validate with. Response schemas are checked against the domain types they describe.
import { annotate, defineRoute, describes, healthRoute, named, ThumbnailsSchema, timestamp } from '@photonotes/shared/openapi';
import type { RouteSpec } from '@photonotes/shared/openapi';
import * as z from 'zod/mini';
import type { MediaView } from './domain/media';
import { createUploadBody, mediaKeyPath } from './domain/media-input';
import type { UploadTicket } from './domain/uploads';

annotate(createUploadBody.shape.size, { description: 'The exact length in bytes of the file the app will PUT (at most 10 MiB)' });
annotate(mediaKeyPath.shape.key, { description: 'The `key` from POST /media/uploads; its slashes may be sent as they are or as %2F' });

const contentType = createUploadBody.shape.contentType;
const mediaStatus = z.enum(['pending', 'ready', 'failed']);

const UploadTicketSchema = named(
  'UploadTicket',
  describes<UploadTicket>()(
    z.object({
      key: annotate(z.string(), { description: 'Names the upload: pass it as a note’s photoKey and to GET /media/{key}' }),
      uploadUrl: annotate(z.string(), { format: 'uri', description: 'PUT the bytes here, with exactly `headers`, within 15 minutes' }),
      method: z.literal('PUT'),
      headers: z.object({ 'Content-Type': contentType }),
      expiresAt: timestamp,
    }),
  ),
);

const MediaSchema = named(
  'Media',
  describes<MediaView>()(
    z.object({
      key: z.string(),
      status: mediaStatus,
      contentType,
      width: annotate(z.nullable(z.int()), { description: 'Of the original as displayed (EXIF orientation applied), once ready' }),
      height: z.nullable(z.int()),
      thumbnails: z.nullable(ThumbnailsSchema),
    }),
  ),
  'An upload and its processing: `failed` when the file is not a decodable JPEG, PNG or WebP, or exceeds 40 megapixels.',
);

export const routes: RouteSpec[] = [
  healthRoute('thumbnails'),
  defineRoute({
    method: 'POST',
    path: '/media/uploads',
    operationId: 'createUpload',
    summary: 'Get a URL to upload a photo to',
    description: 'Thumbnails are made once the bytes arrive; GET /media/{key} and the notes that use the key show them.',
    tags: ['media'],
    body: createUploadBody,
    bodyExample: { contentType: 'image/jpeg', size: 2_483_201 },
    responses: { 201: { description: 'Where and how to upload', schema: UploadTicketSchema } },
  }),
  defineRoute({
    method: 'GET',
    path: '/media/{key+}',
    operationId: 'getMedia',
    summary: 'An upload’s status and thumbnails (uploader only)',
    tags: ['media'],
    params: mediaKeyPath,
    responses: { 200: { description: 'The upload', schema: MediaSchema } },
    errors: { 404: 'No such upload among the caller’s' },
  }),
];
