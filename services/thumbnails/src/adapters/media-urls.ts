// URLs apps use to reach the media bucket directly: presigned PUTs for uploads, and presigned GETs (or
// CDN URLs) for thumbnails. Signed with SigV4 here rather than through S3Client + the SDK presigner, which
// would put the whole S3 client in the HTTP functions' bundles (over their 150 KB budget); the unit tests
// check that both produce the same URLs.
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@photonotes/shared/sigv4-sha256';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { Clock } from '@photonotes/shared/clock';
import { optionalEnv } from '@photonotes/shared/env';
import type { MediaUrls } from '../domain/ports';

/** SigV4 presigned URLs live at most 7 days. */
export const thumbnailUrlTtlSeconds = 7 * 24 * 60 * 60;

/** S3 object keys in a URL path: every byte escaped except unreserved characters and '/'. */
function escapeKey(key: string): string {
  return key
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');
}

export interface MediaUrlsOptions {
  bucket: string;
  region?: string;
  /** An S3-compatible endpoint reached path-style (the local emulator); virtual-hosted AWS S3 otherwise. */
  endpoint?: string | undefined;
  /** Thumbnails are served from here (a CDN) when set; otherwise through presigned GET URLs. */
  thumbnailBaseUrl?: string | undefined;
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** The signing time; tests fix it. */
  clock?: Clock;
}

export function mediaUrls(options: MediaUrlsOptions): MediaUrls {
  const region = options.region ?? optionalEnv('AWS_REGION', 'us-east-1');
  const endpoint = options.endpoint ? new URL(options.endpoint) : new URL(`https://${options.bucket}.s3.${region}.amazonaws.com`);
  const pathStyle = options.endpoint !== undefined;
  const baseUrl = options.thumbnailBaseUrl?.replace(/\/+$/, '');
  const signer = new SignatureV4({
    service: 's3',
    region,
    credentials: options.credentials ?? fromEnv(),
    sha256: Sha256,
    // S3 signs the path as sent: escaped once, never twice.
    uriEscapePath: false,
    applyChecksum: false,
  });

  async function presign(method: 'GET' | 'PUT', key: string, operation: string, headers: Record<string, string>, expiresIn: number): Promise<string> {
    const basePath = endpoint.pathname.replace(/\/+$/, '');
    const path = `${basePath}${pathStyle ? `/${options.bucket}` : ''}/${escapeKey(key)}`;
    const signed = await signer.presign(
      {
        method,
        protocol: endpoint.protocol,
        hostname: endpoint.hostname,
        ...(endpoint.port ? { port: Number(endpoint.port) } : {}),
        path,
        // The SDK names the operation in the query; keeping it makes these URLs identical to the SDK's.
        query: { 'x-id': operation },
        headers: { host: endpoint.host, 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD', ...headers },
      },
      { expiresIn, signableHeaders: new Set(Object.keys(headers)), ...(options.clock ? { signingDate: options.clock.now() } : {}) },
    );
    const url = new URL(`${endpoint.protocol}//${endpoint.host}${path}`);
    const query = Object.entries(signed.query ?? {}).flatMap(([name, value]) => (Array.isArray(value) ? value.map((v) => [name, v]) : value === null ? [] : [[name, value]]));
    url.search = query.map(([name, value]) => `${encodeURIComponent(name as string)}=${encodeURIComponent(value as string)}`).join('&');
    return url.toString();
  }

  return {
    presignUpload({ key, contentType, size, expiresInSeconds }) {
      // Content type and length are signed headers: S3 refuses a PUT with any other type or length.
      return presign('PUT', key, 'PutObject', { 'content-type': contentType, 'content-length': String(size) }, expiresInSeconds);
    },

    async thumbnailUrl(key) {
      if (baseUrl) return `${baseUrl}/${escapeKey(key)}`;
      return presign('GET', key, 'GetObject', {}, thumbnailUrlTtlSeconds);
    },
  };
}
