// Direct access to the local emulators for integration tests: the media bucket (s3rver), and the SNS emulator
// (test/support/events.ts), where a tiny HTTP endpoint subscribes to a topic to see what the services publish.
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';

const region = 'us-east-1';
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export const mediaBucket = 'photonotes-local-media';

export function localS3(): S3Client {
  return new S3Client({ region, credentials, endpoint: `http://127.0.0.1:${process.env.S3_PORT ?? '4569'}`, forcePathStyle: true });
}

export async function listKeys(s3: S3Client, prefix: string): Promise<string[]> {
  const out = await s3.send(new ListObjectsV2Command({ Bucket: mediaBucket, Prefix: prefix }));
  return (out.Contents ?? []).flatMap((o) => (o.Key ? [o.Key] : []));
}

export { listenToTopic, publishEvent } from '../../../../test/support/events';
export type { TopicListener } from '../../../../test/support/events';

/** Polls until `check` returns a value or the deadline passes (then returns the last value, undefined). */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
