// Amazon OpenSearch Service's `_bulk` API, SigV4-signed for the `es` service with the function's role (its
// credentials are in the environment, as Lambda hands them over). Signed by hand with @smithy/signature-v4 and
// node:crypto rather than an SDK client: there is no OpenSearch data-plane client in SDK v3, and the zip stays small.
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@photonotes/shared/sigv4-sha256';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { bulkBody } from '../domain/log-documents';
import type { LogDocument } from '../domain/log-documents';
import type { BulkItemOutcome, SendBulk } from '../domain/log-shipping';

export interface OpenSearchBulkOptions {
  /** The domain's endpoint: `https://search-….es.amazonaws.com` (a bare host means https). */
  endpoint: string;
  region: string;
  credentials?: AwsCredentialIdentityProvider;
  fetch?: typeof fetch;
  /** Milliseconds before a request is abandoned (and the invocation fails). */
  timeoutMs?: number;
}

/** The endpoint as a URL: a bare host (as the console shows it) means https. */
export function endpointUrl(endpoint: string): URL {
  return new URL(/^https?:\/\//.test(endpoint) ? endpoint : `https://${endpoint}`);
}

interface BulkAnswer {
  errors?: boolean;
  items?: Array<Record<string, { status?: number; error?: { type?: string; reason?: string } } | undefined>>;
}

function outcomes(answer: BulkAnswer, expected: number): BulkItemOutcome[] {
  if (!Array.isArray(answer.items) || answer.items.length !== expected) throw new Error(`bulk answer without ${expected} items`);
  return answer.items.map((item) => {
    const result = Object.values(item)[0];
    const status = typeof result?.status === 'number' ? result.status : 0;
    const error = result?.error ? `${result.error.type ?? 'error'}: ${result.error.reason ?? ''}` : undefined;
    return error === undefined ? { status } : { status, error };
  });
}

/** Sends `_bulk` requests to the domain; a failed request throws (the status and the start of OpenSearch's answer). */
export function openSearchBulk(options: OpenSearchBulkOptions): SendBulk {
  const url = endpointUrl(options.endpoint);
  const signer = new SignatureV4({ service: 'es', region: options.region, credentials: options.credentials ?? fromEnv(), sha256: Sha256 });
  const send = options.fetch ?? fetch;
  return async (documents: LogDocument[]) => {
    const body = bulkBody(documents);
    const signed = await signer.sign({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: `${url.pathname.replace(/\/$/, '')}/_bulk`,
      query: {},
      headers: { host: url.host, 'content-type': 'application/x-ndjson' },
      body,
    });
    const response = await send(new URL(signed.path, url.origin), {
      method: 'POST',
      headers: signed.headers,
      body,
      signal: AbortSignal.timeout(options.timeoutMs ?? 20_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`OpenSearch _bulk answered ${response.status}: ${text.slice(0, 300)}`);
    return outcomes(JSON.parse(text) as BulkAnswer, documents.length);
  };
}
