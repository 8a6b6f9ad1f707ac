// The hand-wired SigV4 presigner must produce exactly the URLs of the AWS SDK's presigner (which the HTTP
// functions cannot afford to bundle): same canonical request, same signature.
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { mediaUrls, thumbnailUrlTtlSeconds } from '../../src/adapters/media-urls';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'session/token+with=odd chars' };
const signingDate = new Date('2026-11-28T09:00:00.000Z');
const bucket = 'photonotes-dev-media-123456789012';
const key = 'uploads/8f0e4c1e-1111-4a4a-9b9b-123456789abc/2b7c1f0e-3f1a-4c2d-9e8f-0a1b2c3d4e5f-AbCdEf0123456789.jpg';

function sdkClient(endpoint?: string): S3Client {
  return new S3Client({
    region: 'us-east-1',
    credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
  });
}

describe('mediaUrls', () => {
  it.each([
    ['AWS S3 (virtual-hosted)', undefined],
    ['the local emulator (path-style)', 'http://127.0.0.1:4569'],
  ])('signs upload URLs exactly as the SDK does, against %s', async (_name, endpoint) => {
    // Prepare
    const urls = mediaUrls({ bucket, region: 'us-east-1', endpoint, credentials, clock: { now: () => signingDate } });
    const command = new PutObjectCommand({ Bucket: bucket, Key: key, ContentType: 'image/jpeg', ContentLength: 123456 });

    // Act
    const ours = await urls.presignUpload({ key, contentType: 'image/jpeg', size: 123456, expiresInSeconds: 900 });
    const sdk = await getSignedUrl(sdkClient(endpoint), command, { expiresIn: 900, signingDate, signableHeaders: new Set(['content-type', 'content-length']) });

    // Assess
    expect(new URL(ours).searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;content-type;host');
    expect(sortedQuery(ours)).toEqual(sortedQuery(sdk));
    expect(ours.split('?')[0]).toBe(sdk.split('?')[0]);
  });

  it('signs thumbnail GET URLs exactly as the SDK does, valid for 7 days', async () => {
    // Prepare
    const urls = mediaUrls({ bucket, region: 'eu-west-1', credentials, clock: { now: () => signingDate } });
    const thumb = 'thumbs/u1/2b7c1f0e-3f1a-4c2d-9e8f-0a1b2c3d4e5f-AbCdEf0123456789/small.webp';
    const client = new S3Client({ region: 'eu-west-1', credentials, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });

    // Act
    const ours = await urls.thumbnailUrl(thumb);
    const sdk = await getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: thumb }), { expiresIn: thumbnailUrlTtlSeconds, signingDate });

    // Assess
    expect(ours.startsWith(`https://${bucket}.s3.eu-west-1.amazonaws.com/thumbs/`)).toBe(true);
    expect(new URL(ours).searchParams.get('X-Amz-Expires')).toBe(String(7 * 24 * 3600));
    expect(sortedQuery(ours)).toEqual(sortedQuery(sdk));
  });

  it('serves thumbnails from the CDN when one is configured', async () => {
    // Prepare
    const urls = mediaUrls({ bucket, credentials, thumbnailBaseUrl: 'https://d111111abcdef8.cloudfront.net/' });

    // Act
    const url = await urls.thumbnailUrl('thumbs/u1/x-y/small.webp');

    // Assess
    expect(url).toBe('https://d111111abcdef8.cloudfront.net/thumbs/u1/x-y/small.webp');
  });
});

function sortedQuery(url: string): Array<[string, string]> {
  return [...new URL(url).searchParams.entries()].sort(([a], [b]) => a.localeCompare(b));
}
