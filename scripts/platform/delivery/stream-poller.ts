// The local event source mapping of one stream consumer: reads the table's DynamoDB stream shard by shard
// (parents before children) a few times a second, filters records with the consumer's patterns, hands them in
// batches to deliverStreamBatch and keeps a checkpoint per shard in the platform's data directory.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand, type _Record } from '@aws-sdk/client-dynamodb-streams';
import type { StreamConsumer } from './consumers';
import { passesFilters } from './event-filter';
import { deliverStreamBatch, type LambdaStreamRecord, type StreamBatchDeps } from './stream-batch';

export interface StreamShard {
  shardId: string;
  parentShardId?: string;
}

export type ShardPosition = { type: 'TRIM_HORIZON' | 'LATEST' } | { type: 'AFTER_SEQUENCE_NUMBER' | 'AT_SEQUENCE_NUMBER'; sequenceNumber: string };

/** The DynamoDB Streams calls the poller makes (a fake in unit tests). */
export interface StreamReader {
  streamArnOf(tableName: string): Promise<string | undefined>;
  shards(streamArn: string): Promise<StreamShard[]>;
  iterator(streamArn: string, shardId: string, position: ShardPosition): Promise<string | undefined>;
  /** `nextIterator` undefined: the shard is closed and fully read. */
  records(iterator: string, limit: number): Promise<{ records: LambdaStreamRecord[]; nextIterator: string | undefined }>;
}

/** Records per GetRecords call (its maximum): filtered, then delivered in batches of the consumer's batchSize, as Lambda does. */
export const recordsPerRead = 1000;

interface Checkpoint {
  streamArn: string;
  shards: Record<string, { sequenceNumber?: string; finished?: boolean }>;
}

type Json = Record<string, unknown>;
const isPlainObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array) && !(value instanceof Date);

/**
 * An attribute value as DynamoDB writes it. The Streams SDK reads an empty map (`{"M":{}}`) as `{}`, which no reader
 * can unmarshall ("No value defined"); every attribute value has exactly one type key, so `{}` is the empty map.
 */
function attributeValue(value: unknown): unknown {
  if (!isPlainObject(value)) return value;
  const present = Object.entries(value).filter(([, v]) => v !== undefined);
  if (present.length === 0) return { M: {} };
  const [type, inner] = present[0] as [string, unknown];
  if (type === 'M' && isPlainObject(inner)) return { M: image(inner) };
  if (type === 'L' && Array.isArray(inner)) return { L: inner.map(attributeValue) };
  return value;
}

function image(attributes: Json): Json {
  return Object.fromEntries(Object.entries(attributes).filter(([, v]) => v !== undefined).map(([name, v]) => [name, attributeValue(v)]));
}

/** Binary attributes as base64 and times as epoch seconds: the JSON Lambda passes, not the SDK's objects. */
export function toLambdaRecord(record: _Record, streamArn: string): LambdaStreamRecord {
  const convert = (value: unknown): unknown => {
    if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
    if (value instanceof Date) return Math.floor(value.getTime() / 1000);
    if (Array.isArray(value)) return value.map(convert);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, convert(v)]));
    return value;
  };
  const images = record.dynamodb
    ? {
        dynamodb: {
          ...record.dynamodb,
          ...(record.dynamodb.Keys ? { Keys: image(record.dynamodb.Keys as Json) } : {}),
          ...(record.dynamodb.NewImage ? { NewImage: image(record.dynamodb.NewImage as Json) } : {}),
          ...(record.dynamodb.OldImage ? { OldImage: image(record.dynamodb.OldImage as Json) } : {}),
        },
      }
    : {};
  return { ...(convert({ ...record, ...images }) as LambdaStreamRecord), eventSourceARN: streamArn };
}

export function sdkStreamReader(options: { endpoint?: string; region: string; credentials?: { accessKeyId: string; secretAccessKey: string } }): StreamReader & { destroy(): void } {
  const config = { region: options.region, maxAttempts: 2, ...(options.endpoint ? { endpoint: options.endpoint } : {}), ...(options.credentials ? { credentials: options.credentials } : {}) };
  const dynamodb = new DynamoDBClient(config);
  const streams = new DynamoDBStreamsClient(config);
  return {
    async streamArnOf(tableName) {
      try {
        return (await dynamodb.send(new DescribeTableCommand({ TableName: tableName }))).Table?.LatestStreamArn;
      } catch (err) {
        if ((err as { name?: string }).name === 'ResourceNotFoundException') return undefined;
        throw err;
      }
    },
    async shards(streamArn) {
      const shards: StreamShard[] = [];
      let exclusiveStartShardId: string | undefined;
      do {
        const out = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: exclusiveStartShardId }));
        for (const shard of out.StreamDescription?.Shards ?? []) {
          if (shard.ShardId) shards.push({ shardId: shard.ShardId, ...(shard.ParentShardId ? { parentShardId: shard.ParentShardId } : {}) });
        }
        exclusiveStartShardId = out.StreamDescription?.LastEvaluatedShardId;
      } while (exclusiveStartShardId);
      return shards;
    },
    async iterator(streamArn, shardId, position) {
      const out = await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shardId,
          ShardIteratorType: position.type,
          ...('sequenceNumber' in position ? { SequenceNumber: position.sequenceNumber } : {}),
        }),
      );
      return out.ShardIterator;
    },
    async records(iterator, limit) {
      const out = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: Math.min(limit, recordsPerRead) }));
      return { records: (out.Records ?? []).map((record) => toLambdaRecord(record, '')), nextIterator: out.NextShardIterator };
    },
    destroy() {
      dynamodb.destroy();
      streams.destroy();
    },
  };
}

export interface StreamPollerOptions extends Omit<StreamBatchDeps, 'functionName'> {
  consumer: StreamConsumer;
  functionName: string;
  reader: StreamReader;
  checkpointFile: string;
  /** Pause between reads of an idle shard. */
  pollIntervalMs: number;
}

function readCheckpoint(file: string): Checkpoint | null {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Checkpoint) : null;
}

function writeCheckpoint(file: string, checkpoint: Checkpoint): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify(checkpoint, null, 2));
  renameSync(`${file}.tmp`, file);
}

/** Runs until the signal aborts; resolves then. Errors of the stream API are logged and retried. */
export async function pollStream(options: StreamPollerOptions): Promise<void> {
  const { consumer, reader, signal } = options;
  const iterators = new Map<string, string>();
  let checkpoint: Checkpoint | null = readCheckpoint(options.checkpointFile);
  let waitingLogged = false;

  const readShard = async (streamArn: string, shard: StreamShard, state: Checkpoint['shards'][string]): Promise<'busy' | 'idle'> => {
    let iterator = iterators.get(shard.shardId);
    if (!iterator) {
      const position: ShardPosition = state.sequenceNumber ? { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: state.sequenceNumber } : { type: consumer.startingPosition };
      iterator = await reader.iterator(streamArn, shard.shardId, position);
      if (!iterator) return 'idle';
    }
    const { records, nextIterator } = await reader.records(iterator, recordsPerRead);
    const matching = records.map((record) => ({ ...record, eventSourceARN: streamArn })).filter((record) => passesFilters(consumer.filterPatterns, record));
    for (let start = 0; start < matching.length; start += consumer.batchSize) {
      if ((await deliverStreamBatch(matching.slice(start, start + consumer.batchSize), consumer, { ...options })) === 'abandoned') {
        // Stopped: the next start reads on after the last batch delivered.
        if (start > 0) {
          iterators.delete(shard.shardId);
          writeCheckpoint(options.checkpointFile, checkpoint as Checkpoint);
        }
        return 'idle';
      }
      state.sequenceNumber = (matching[Math.min(start + consumer.batchSize, matching.length) - 1] as LambdaStreamRecord).dynamodb.SequenceNumber;
    }
    const last = records[records.length - 1];
    if (last) state.sequenceNumber = last.dynamodb.SequenceNumber;
    if (nextIterator) iterators.set(shard.shardId, nextIterator);
    else {
      iterators.delete(shard.shardId);
      state.finished = true;
    }
    if (last || !nextIterator) writeCheckpoint(options.checkpointFile, checkpoint as Checkpoint);
    // Only a full read leaves records behind; otherwise the shard waits for the next poll, as Lambda polls a shard
    // a few times a second (reading again at once would poll DynamoDB Local once per change under a steady load).
    return records.length >= recordsPerRead ? 'busy' : 'idle';
  };

  while (!signal.aborted) {
    let busy = false;
    try {
      const streamArn = await reader.streamArnOf(consumer.tableName);
      if (!streamArn) {
        if (!waitingLogged) options.log(`${consumer.id}: waiting for the table ${consumer.tableName} and its stream`);
        waitingLogged = true;
      } else {
        if (checkpoint?.streamArn !== streamArn) {
          // A new stream (the table was created again): positions in the old one mean nothing.
          checkpoint = { streamArn, shards: {} };
          iterators.clear();
        }
        const shards = await reader.shards(streamArn);
        const known = new Set(shards.map((s) => s.shardId));
        for (const shard of shards) {
          const state = (checkpoint.shards[shard.shardId] ??= {});
          if (state.finished) continue;
          // Children wait until their parent is read to its end, so a key's changes stay in order.
          if (shard.parentShardId && known.has(shard.parentShardId) && !checkpoint.shards[shard.parentShardId]?.finished) continue;
          if ((await readShard(streamArn, shard, state)) === 'busy') busy = true;
          if (signal.aborted) break;
        }
      }
    } catch (err) {
      const name = (err as { name?: string }).name ?? '';
      // An expired iterator: start again from the checkpoint. A trimmed checkpoint (a data directory older
      // than the stream's 24 h retention): from the oldest record still there.
      if (name === 'ExpiredIteratorException') iterators.clear();
      else if (name === 'TrimmedDataAccessException' && checkpoint) {
        iterators.clear();
        for (const state of Object.values(checkpoint.shards)) delete state.sequenceNumber;
      } else options.log(`${consumer.id}: stream read failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!busy) await options.sleep(options.pollIntervalMs, signal);
  }
}
