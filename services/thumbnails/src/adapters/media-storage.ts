// The media bucket on S3 (s3rver locally) as this service uses it: reading uploads, writing thumbnails,
// tagging originals for the lifecycle rule, deletions. Apps' URLs are in media-urls.ts.
import { DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, PutObjectTaggingCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { s3Client } from '@photonotes/shared/s3';
import type { MediaStorage, StoredObject } from '../domain/ports';

const deleteBatch = 1000;

/** The tag the media bucket's lifecycle rule reads: originals tagged `false` expire (serverless.yml, LifecycleConfiguration). */
export const referencedTag = 'photonotes:referenced';

export interface MediaStorageOptions {
  bucket: string;
  client?: S3Client;
}

function isNotFound(err: unknown): boolean {
  const name = (err as { name?: unknown }).name;
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return name === 'NotFound' || name === 'NoSuchKey' || status === 404;
}

export function mediaStorage(options: MediaStorageOptions): MediaStorage {
  const { bucket } = options;
  const client = options.client ?? s3Client();

  async function removeKeys(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += deleteBatch) {
      const batch = keys.slice(i, i + deleteBatch);
      const out = await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }));
      const failed = out.Errors ?? [];
      if (failed.length > 0) throw new Error(`Could not delete ${failed.length} object(s): ${failed.map((e) => `${e.Key} ${e.Code}`).join(', ')}`);
    }
  }

  return {
    async head(key): Promise<StoredObject | undefined> {
      try {
        const out = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return { size: out.ContentLength ?? 0, contentType: out.ContentType, etag: (out.ETag ?? '').replace(/^"|"$/g, '') };
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },

    async read(key) {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!out.Body) throw new Error(`Object ${key} has no body`);
      return out.Body.transformToByteArray();
    },

    async write(key, body, contentType) {
      await client.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType, CacheControl: 'public, max-age=86400' }),
      );
    },

    async remove(keys) {
      if (keys.length > 0) await removeKeys(keys);
    },

    async tagOriginal(key, referenced) {
      try {
        // The whole tag set: originals carry this one tag only.
        await client.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: key, Tagging: { TagSet: [{ Key: referencedTag, Value: String(referenced) }] } }));
        return true;
      } catch (err) {
        if (isNotFound(err)) return false;
        throw err;
      }
    },

    async removePrefix(prefix) {
      let removed = 0;
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
        const keys = (page.Contents ?? []).flatMap((object) => (object.Key ? [object.Key] : []));
        await removeKeys(keys);
        removed += keys.length;
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return removed;
    },
  };
}
