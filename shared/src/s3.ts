// One lazily created S3 client per process, pointed at the local emulator when S3_ENDPOINT is set.
import { S3Client } from '@aws-sdk/client-s3';
import { optionalEnv } from './env';

let shared: S3Client | undefined;

export function s3Client(): S3Client {
  const endpoint = optionalEnv('S3_ENDPOINT');
  return (shared ??= new S3Client({
    region: optionalEnv('AWS_REGION', 'us-east-1'),
    ...(endpoint
      ? {
          endpoint,
          // s3rver only speaks path-style, and stores streamed uploads with chunk framing unless
          // checksums are limited to the operations that require them.
          forcePathStyle: true,
          requestChecksumCalculation: 'WHEN_REQUIRED' as const,
          responseChecksumValidation: 'WHEN_REQUIRED' as const,
        }
      : {}),
  }));
}
