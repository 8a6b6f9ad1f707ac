// The `media-events` topic (owned by thumbnails): what became of an upload.
import * as z from 'zod/mini';
import { defineEvent } from './event';

const thumbnail = z.object({
  url: z.string().check(z.minLength(1)),
  width: z.number().check(z.int(), z.positive()),
  height: z.number().check(z.int(), z.positive()),
});

/**
 * Processing of an upload ended: `ready` with the thumbnails apps fetch, or `failed` (then `thumbnails` is null).
 * One event per upload version (its id names the key and ETag), so a repeat is recognisable.
 */
export const mediaProcessed = defineEvent({
  type: 'media.processed',
  version: 1,
  topic: 'media-events',
  producer: 'thumbnails',
  data: z.object({
    key: z.string().check(z.minLength(1), z.maxLength(1024)),
    /** The uploader. */
    ownerId: z.string().check(z.minLength(1)),
    status: z.enum(['ready', 'failed']),
    thumbnails: z.nullable(z.object({ small: thumbnail, medium: thumbnail, large: thumbnail })),
  }),
});
