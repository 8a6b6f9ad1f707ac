// Logs to search (README, "Operations: logs to search"): deployed only when the stage names an OpenSearch domain
// (logsOpenSearchEndpoint). Every other function's log group of the stage is subscribed to it
// (scripts/serverless/log-shipping.cjs), never its own. CloudWatch Logs invokes it asynchronously: an error is
// thrown again, so Lambda retries the event, then its failure queue keeps it (Lambda's invocation
// record: the event is its requestPayload, to invoke the function with again).
import { dependencies } from '@photonotes/shared/dependencies';
import { optionalEnv, requireEnv } from '@photonotes/shared/env';
import { createLogger } from '@photonotes/shared/log';
import { openSearchBulk } from '../adapters/opensearch-bulk';
import { bulkChunks, decodeSubscriptionData, logDocuments } from '../domain/log-documents';
import type { LogsSubscriptionEvent } from '../domain/log-documents';
import { shipDocuments } from '../domain/log-shipping';
import type { ShippingReport } from '../domain/log-shipping';

const log = createLogger({ service: 'log-shipper' });

/** One `_bulk` body at most this big: well under the 10 MiB a domain's smallest instances accept. */
const maxBulkBytes = 5 * 1024 * 1024;

const deps = dependencies({
  send: () => openSearchBulk({ endpoint: requireEnv('LOGS_OPENSEARCH_ENDPOINT'), region: optionalEnv('LOGS_OPENSEARCH_REGION') || requireEnv('AWS_REGION') }),
  indexPrefix: () => requireEnv('LOGS_INDEX_PREFIX'),
});

export const handler = async (event: LogsSubscriptionEvent): Promise<ShippingReport> => {
  const total: ShippingReport = { received: 0, indexed: 0, plain: 0, dropped: 0, requests: 0 };
  try {
    const message = decodeSubscriptionData(event.awslogs.data);
    for (const chunk of bulkChunks(logDocuments(message, deps.indexPrefix), maxBulkBytes)) {
      const report = await shipDocuments(chunk, { send: deps.send, log, maxAttempts: 3, backoff: { baseMs: 200, capMs: 2000 } });
      for (const key of Object.keys(total) as Array<keyof ShippingReport>) total[key] += report[key];
    }
    return total;
  } catch (err) {
    // Thrown again: Lambda retries the event, then the failure queue keeps it.
    log.error('Shipping logs to search failed', { err, indexed: total.indexed });
    throw err;
  }
};
