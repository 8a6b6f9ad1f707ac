// The buffer table's stream → processEvents (domain/process.ts): claims, raw archive, aggregates, for the whole
// batch Lambda hands over. A failure throws, so Lambda retries the same batch (never split: see serverless.yml),
// which is the same work to every step.
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { dependencies } from '@photonotes/shared/dependencies';
import { createLogger } from '@photonotes/shared/log';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { aggregatesFromEnv, eventArchiveFromEnv, eventClaimsFromEnv } from '../adapters/dependencies';
import { bufferedBatch } from '../adapters/buffer-table';
import type { AcceptedBatch } from '../domain/batch';
import { processBatches, workIdOf } from '../domain/process';

const deps = dependencies({ claims: eventClaimsFromEnv, archive: eventArchiveFromEnv, aggregates: aggregatesFromEnv });
const log = createLogger({ service: 'analytics' });

type Image = Parameters<typeof unmarshall>[0];

export async function handler(event: DynamoDBStreamEvent): Promise<void> {
  const batches: AcceptedBatch[] = [];
  const sequenceNumbers: string[] = [];
  for (const record of event.Records) {
    sequenceNumbers.push(record.dynamodb?.SequenceNumber ?? record.eventID ?? '');
    if (record.eventName !== 'INSERT' || !record.dynamodb?.NewImage) continue;
    const batch = bufferedBatch(unmarshall(record.dynamodb.NewImage as Image));
    // Only this service writes the buffer; an item it cannot read is a bug to see in the logs, not a reason to
    // stop the stream behind it.
    if (batch) batches.push(batch);
    else log.error('unreadable buffer item skipped', { eventId: record.eventID, sequenceNumber: record.dynamodb.SequenceNumber });
  }
  const outcome = await processBatches(batches, workIdOf(sequenceNumbers), deps);
  log.info('events processed', { batches: batches.length, received: outcome.received, repeats: outcome.repeats, objects: outcome.archived.length, workId: outcome.workId });
}
