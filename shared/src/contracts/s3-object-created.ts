// S3 object notifications of the media bucket, as AWS and the local platform send them: ObjectCreated (a presigned
// PUT → thumbnails' processor) and LifecycleExpiration (a lifecycle rule removed an object → thumbnails forgets it).
// One reader per kind of event; a record of another kind is foreign to it.
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

export interface S3ObjectRecord {
  eventName: string;
  bucket: string;
  /** Decoded: S3 URL-encodes keys in notifications, with '+' for spaces. */
  key: string;
  size: number | undefined;
  eTag: string | undefined;
  /** The S3 request behind the event (the upload's PUT), when the notification names it. */
  requestId: string | undefined;
}

/** An object that was created. */
export type CreatedObject = S3ObjectRecord;

export interface S3ObjectEventContract {
  name: string;
  version: 1;
  parse(raw: unknown): ParseResult<S3ObjectRecord>;
}

/** The reader of the records whose eventName starts with `prefix` (`ObjectCreated:`, `LifecycleExpiration:`). */
function s3ObjectEvents(name: string, prefix: string): S3ObjectEventContract {
  return {
    name,
    version: 1,
    /** Other notifications (s3:TestEvent, other kinds) are foreign; a record of this kind that cannot be read is invalid. */
    parse(raw: unknown): ParseResult<S3ObjectRecord> {
      const eventName = typeof raw === 'object' && raw !== null ? (raw as { eventName?: unknown }).eventName : undefined;
      if (typeof eventName !== 'string' || !eventName.startsWith(prefix)) return foreign(`S3 event ${String(eventName)}`);
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
}

export const s3ObjectCreated = s3ObjectEvents('s3:ObjectCreated', 'ObjectCreated:');

/** A lifecycle rule removed the object (`LifecycleExpiration:Delete`; `:DeleteMarkerCreated` in versioned buckets). */
export const s3LifecycleExpiration = s3ObjectEvents('s3:LifecycleExpiration', 'LifecycleExpiration:');

export type S3ObjectCreatedContract = typeof s3ObjectCreated;
