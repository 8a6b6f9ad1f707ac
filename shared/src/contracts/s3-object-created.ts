// S3 ObjectCreated notifications (the media bucket → thumbnails' processor), as AWS and serverless-s3-local send them.
import * as z from 'zod/mini';
import { foreign, invalid, issuesOf, parsed } from './contract';
import type { ParseResult } from './contract';

const record = z.object({
  eventName: z.string(),
  s3: z.object({
    bucket: z.object({ name: z.string().check(z.minLength(1)) }),
    object: z.object({
      key: z.string().check(z.minLength(1)),
      size: z.optional(z.number()),
      eTag: z.optional(z.string()),
    }),
  }),
  responseElements: z.optional(z.object({ 'x-amz-request-id': z.optional(z.string()) })),
});

export interface CreatedObject {
  eventName: string;
  bucket: string;
  /** Decoded: S3 URL-encodes keys in notifications, with '+' for spaces. */
  key: string;
  size: number | undefined;
  eTag: string | undefined;
  /** The S3 request that created the object (the upload's PUT), when the notification names it. */
  requestId: string | undefined;
}

export const s3ObjectCreated = {
  name: 's3:ObjectCreated',
  version: 1,
  /** Other notifications (removals, s3:TestEvent) are foreign; a created object's record that cannot be read is invalid. */
  parse(raw: unknown): ParseResult<CreatedObject> {
    const eventName = typeof raw === 'object' && raw !== null ? (raw as { eventName?: unknown }).eventName : undefined;
    if (typeof eventName !== 'string' || !eventName.startsWith('ObjectCreated:')) return foreign(`S3 event ${String(eventName)}`);
    const result = z.safeParse(record, raw);
    if (!result.success) return invalid(issuesOf(result.error));
    const { s3, responseElements } = result.data;
    let key: string;
    try {
      key = decodeURIComponent(s3.object.key.replace(/\+/g, ' '));
    } catch {
      return invalid([`s3.object.key: not URL-encoded: ${s3.object.key}`]);
    }
    return parsed({ eventName, bucket: s3.bucket.name, key, size: s3.object.size, eTag: s3.object.eTag, requestId: responseElements?.['x-amz-request-id'] });
  },
};

export type S3ObjectCreatedContract = typeof s3ObjectCreated;
