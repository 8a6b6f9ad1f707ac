// The buffer table: one item per accepted batch (pk = batchId), kept a day. Its stream (NEW_IMAGE, INSERTs only)
// is processEvents' input; the item is the hand-over, written once and never changed. The events travel as one
// JSON string (`eventsJson`), not as a list of maps: nothing ever reads into them in DynamoDB, and a string is
// far cheaper to marshal, store and stream than a hundred nested maps (the ingest request writes it).
import type { DocumentSender } from '@photonotes/shared/dynamodb';
import { documentClient, tableClient } from '@photonotes/shared/dynamodb';
import type { AcceptedBatch } from '../domain/batch';
import type { EventBuffer } from '../domain/ports';

/** Longer than the stream keeps records (24 h): the item is never needed after its record is read. */
export const bufferTtlSeconds = 24 * 3600;

export type BufferItem = Omit<AcceptedBatch, 'events'> & { pk: string; eventsJson: string; expiresAt: number };

/** The item a batch is buffered as. */
export function bufferItem(batch: AcceptedBatch): BufferItem {
  const { events, ...common } = batch;
  return { pk: batch.batchId, ...common, eventsJson: JSON.stringify(events), expiresAt: Math.floor(Date.parse(batch.receivedAt) / 1000) + bufferTtlSeconds };
}

export function bufferTable({ tableName, client = documentClient() }: { tableName: string; client?: DocumentSender }): EventBuffer {
  const table = tableClient({ tableName, client });
  return {
    async put(batch) {
      // A fresh random id: the condition only guards against overwriting (which would hide a batch from the stream).
      await table.putItem(bufferItem(batch), { condition: 'attribute_not_exists(pk)' });
    },
  };
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isNullableString = (value: unknown) => value === null || value === undefined || typeof value === 'string';

function parsedEvents(eventsJson: unknown, events: unknown): unknown {
  if (typeof eventsJson !== 'string') return events;
  try {
    return JSON.parse(eventsJson) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * A buffer item read back from the stream, or undefined when it is not one this service wrote. Items written before
 * the events became a JSON string (a list of maps under `events`) read the same.
 */
export function bufferedBatch(item: Record<string, unknown>): AcceptedBatch | undefined {
  const { batchId, receivedAt, installId, actor, platform, appVersion } = item;
  const events = parsedEvents(item.eventsJson, item.events);
  if (typeof batchId !== 'string' || typeof receivedAt !== 'string' || typeof actor !== 'string' || !Array.isArray(events)) return undefined;
  if (!isNullableString(installId) || !isNullableString(platform) || !isNullableString(appVersion)) return undefined;
  const parsed: AcceptedBatch['events'] = [];
  for (const event of events) {
    if (!isRecord(event) || typeof event.id !== 'string' || typeof event.type !== 'string' || typeof event.at !== 'string') return undefined;
    if (!isNullableString(event.sessionId) || !isRecord(event.attributes) || !isRecord(event.metrics)) return undefined;
    parsed.push({
      id: event.id,
      type: event.type,
      at: event.at,
      sessionId: (event.sessionId as string | null | undefined) ?? null,
      attributes: event.attributes as Record<string, string>,
      metrics: event.metrics as Record<string, number>,
    });
  }
  return {
    batchId,
    receivedAt,
    installId: (installId as string | null | undefined) ?? null,
    actor,
    platform: (platform as AcceptedBatch['platform'] | undefined) ?? null,
    appVersion: (appVersion as string | null | undefined) ?? null,
    events: parsed,
  };
}
