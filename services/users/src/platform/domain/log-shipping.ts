// Sends a batch of log documents to search through the `_bulk` API (README, "Operations: logs to search").
// A request that fails throws: Lambda retries the whole async invoke, then its failure queue keeps the event;
// ids are CloudWatch's, so documents already indexed are overwritten, never duplicated. Documents refused one by
// one are handled here: throttled or failed (429, 5xx) ones are sent again after a backoff; refused ones (a 4xx,
// e.g. a field whose type conflicts with the day's mapping) are sent again once as plain documents (the raw line);
// what is still refused then is logged and dropped, since sending it again cannot help.
import { backoff as wait } from '@photonotes/shared/backoff';
import type { BackoffPolicy } from '@photonotes/shared/backoff';
import type { Logger } from '@photonotes/shared/log';
import { plainDocument } from './log-documents';
import type { LogDocument } from './log-documents';

/** What OpenSearch answered for one document of a `_bulk` request, in request order. */
export interface BulkItemOutcome {
  status: number;
  /** OpenSearch's error type and reason, when the item failed. */
  error?: string;
}

/** Sends one `_bulk` request; throws when the request itself fails (network, non-2xx, unreadable answer). */
export type SendBulk = (documents: LogDocument[]) => Promise<BulkItemOutcome[]>;

export interface ShippingReport {
  received: number;
  indexed: number;
  /** Sent again as the raw line after their structured form was refused. */
  plain: number;
  dropped: number;
  requests: number;
}

export interface ShippingOptions {
  send: SendBulk;
  log: Logger;
  /** Requests for one chunk, the first included, before the invocation fails. */
  maxAttempts: number;
  backoff: BackoffPolicy;
  sleep?: (retry: number, policy: BackoffPolicy) => Promise<void>;
}

const retryable = (status: number): boolean => status === 429 || status >= 500;

/** Ships one chunk (one `_bulk` body's worth); throws when documents are still failing after `maxAttempts`. */
export async function shipDocuments(documents: LogDocument[], options: ShippingOptions): Promise<ShippingReport> {
  const sleep = options.sleep ?? wait;
  const report: ShippingReport = { received: documents.length, indexed: 0, plain: 0, dropped: 0, requests: 0 };
  const plainIds = new Set<string>();
  let pending = documents;
  for (let attempt = 1; pending.length > 0; attempt += 1) {
    if (attempt > options.maxAttempts) {
      throw new Error(`${pending.length} log document(s) not indexed after ${options.maxAttempts} bulk requests`);
    }
    if (attempt > 1) await sleep(attempt - 1, options.backoff);
    const outcomes = await options.send(pending);
    report.requests += 1;
    if (outcomes.length !== pending.length) throw new Error(`bulk answer has ${outcomes.length} items for ${pending.length} documents`);
    const next: LogDocument[] = [];
    pending.forEach((doc, position) => {
      const outcome = outcomes[position] ?? { status: 0 };
      if (outcome.status >= 200 && outcome.status < 300) {
        report.indexed += 1;
      } else if (retryable(outcome.status)) {
        next.push(doc);
      } else if (!plainIds.has(doc.id)) {
        plainIds.add(doc.id);
        report.plain += 1;
        options.log.warn('Log document refused; sending the raw line instead', { index: doc.index, documentId: doc.id, status: outcome.status, reason: outcome.error });
        next.push(plainDocument(doc));
      } else {
        report.dropped += 1;
        options.log.error('Log document refused even as a raw line; dropped', { index: doc.index, documentId: doc.id, status: outcome.status, reason: outcome.error });
      }
    });
    pending = next;
  }
  return report;
}
