// The SHA-256 checksum `@smithy/signature-v4` needs, on node:crypto: SigV4 signing (presigned S3 URLs, OpenSearch
// requests) without an SDK client or `@aws-crypto/sha256-js` in the bundle.
import { createHash, createHmac } from 'node:crypto';
import type { Hash, Hmac } from 'node:crypto';
import type { Checksum, SourceData } from '@smithy/types';

function bytes(data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/** SHA-256, or HMAC-SHA-256 with a secret: the checksum constructor SignatureV4 expects. */
export class Sha256 implements Checksum {
  private hash: Hash | Hmac;
  private readonly secret: SourceData | undefined;

  constructor(secret?: SourceData) {
    this.secret = secret;
    this.hash = this.create();
  }

  private create(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(this.secret));
  }

  update(data: Uint8Array): void {
    this.hash.update(bytes(data));
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }

  reset(): void {
    this.hash = this.create();
  }
}
