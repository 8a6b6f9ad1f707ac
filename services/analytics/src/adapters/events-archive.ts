// The raw archive in S3: newline-delimited JSON, gzipped, under events/dt=YYYY-MM-DD/hr=HH/ (Athena's table and the
// local DuckDB view read the same objects).
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import type { EventArchive } from '../domain/ports';

const gzipped = promisify(gzip);

export function eventsArchive({ bucket, client }: { bucket: string; client: S3Client }): EventArchive {
  return {
    async write(key, rows) {
      const body = await gzipped(Buffer.from(rows.map((row) => JSON.stringify(row)).join('\n') + '\n'));
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/gzip' }));
    },
  };
}
