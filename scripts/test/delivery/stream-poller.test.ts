import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { StreamConsumer } from '../../platform/delivery/consumers';
import type { LambdaStreamRecord } from '../../platform/delivery/stream-batch';
import { pollStream, toLambdaRecord, type ShardPosition, type StreamReader, type StreamShard } from '../../platform/delivery/stream-poller';
import { instantTime, memoryDeadLetters, ok, scriptedLambda, seq, streamRecord } from './support';

const consumer: StreamConsumer = {
  id: 'notifications.notesStream',
  service: 'notifications',
  serviceName: 'photonotes-notifications',
  functionName: 'notesStream',
  source: 'stream',
  failureQueue: null,
  tableName: 'notes',
  batchSize: 100,
  startingPosition: 'TRIM_HORIZON',
  maximumRetryAttempts: 1,
  maximumRecordAgeInSeconds: -1,
  bisectBatchOnFunctionError: true,
  reportBatchItemFailures: true,
  filterPatterns: [{ dynamodb: { NewImage: { entity: { S: ['note'] } } } }],
};

/** A stream with shards of records; `positions` keeps where each iterator was asked to start. */
function fakeStream(streamArn: string, shards: Array<StreamShard & { records: LambdaStreamRecord[]; closed?: boolean }>) {
  const positions: Array<{ shardId: string; position: ShardPosition }> = [];
  /** Each read: the limit asked for and how many records it returned. */
  const reads: Array<{ limit: number; returned: number }> = [];
  const reader: StreamReader = {
    streamArnOf: async () => streamArn,
    shards: async () => shards.map(({ shardId, parentShardId }) => ({ shardId, ...(parentShardId ? { parentShardId } : {}) })),
    iterator: async (_arn, shardId, position) => {
      positions.push({ shardId, position });
      const shard = shards.find((s) => s.shardId === shardId);
      const start = position.type === 'AFTER_SEQUENCE_NUMBER' ? (shard?.records.findIndex((r) => r.dynamodb.SequenceNumber === position.sequenceNumber) ?? -1) + 1 : 0;
      return `${shardId}:${start}`;
    },
    records: async (iterator, limit) => {
      const [shardId, from] = iterator.split(':');
      const shard = shards.find((s) => s.shardId === shardId);
      const records = shard?.records.slice(Number(from), Number(from) + limit) ?? [];
      const next = Number(from) + records.length;
      const done = shard?.closed && next >= (shard?.records.length ?? 0);
      reads.push({ limit, returned: records.length });
      return { records, nextIterator: done ? undefined : `${shardId}:${next}` };
    },
  };
  return { reader, positions, reads };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'poller-test-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Polls until `until` holds (checked after every invocation and sleep), then stops the poller; `onSleep` sees each pause. */
async function pollUntil(reader: StreamReader, lambda: ReturnType<typeof scriptedLambda>, until: () => boolean, overrides: Partial<StreamConsumer> = {}, onSleep?: (ms: number) => void) {
  const abort = new AbortController();
  const time = instantTime();
  const store = memoryDeadLetters();
  let sleeps = 0;
  await pollStream({
    consumer: { ...consumer, ...overrides },
    functionName: 'photonotes-notifications-local-notesStream',
    reader,
    invoke: async (name, event) => {
      const outcome = await lambda.invoke(name, event);
      if (until()) abort.abort();
      return outcome;
    },
    deadLetters: store.deadLetters,
    checkpointFile: path.join(dir, 'checkpoint.json'),
    pollIntervalMs: 100,
    retryDelaysMs: [1],
    unreachableDelayMs: 1,
    now: time.now,
    sleep: async (ms) => {
      onSleep?.(ms);
      await time.sleep(ms);
      if (until() || ++sleeps > 50) abort.abort();
    },
    signal: abort.signal,
    log: () => undefined,
  });
  return store.letters;
}

describe('pollStream', () => {
  it('delivers only the records its filter patterns select, and checkpoints past every record read', async () => {
    const { reader } = fakeStream('arn:stream/1', [{ shardId: 's1', records: [streamRecord(1), streamRecord(2, { entity: 'share' }), streamRecord(3)] }]);
    const lambda = scriptedLambda(() => ok());
    await pollUntil(reader, lambda, () => lambda.calls.length >= 1);
    expect(lambda.batches()).toEqual([[1, 3]]);
    expect(lambda.calls[0]?.event.Records[0]?.eventSourceARN).toBe('arn:stream/1');
    const checkpoint = JSON.parse(readFileSync(path.join(dir, 'checkpoint.json'), 'utf8')) as { streamArn: string; shards: Record<string, { sequenceNumber: string }> };
    expect(checkpoint.streamArn).toBe('arn:stream/1');
    expect(Number(checkpoint.shards.s1?.sequenceNumber)).toBe(3);
  });

  it('reads up to 1000 records at once and delivers the matching ones in batches of batchSize', async () => {
    // Prepare
    const { reader, reads } = fakeStream('arn:stream/1', [{ shardId: 's1', records: [1, 2, 3, 4, 5, 6, 7].map((n) => streamRecord(n, n === 2 ? { entity: 'share' } : {})) }]);
    const lambda = scriptedLambda(() => ok());

    // Act
    await pollUntil(reader, lambda, () => lambda.calls.length >= 3, { batchSize: 2 });

    // Assess
    expect(lambda.batches()).toEqual([[1, 3], [4, 5], [6, 7]]);
    expect(reads[0]).toEqual({ limit: 1000, returned: 7 });
  });

  it('waits for the next poll after a read that was not full, and reads on at once after a full one', async () => {
    // Prepare
    const { reader, reads } = fakeStream('arn:stream/1', [{ shardId: 's1', records: Array.from({ length: 1003 }, (_, index) => streamRecord(index + 1)) }]);
    const trace: string[] = [];
    const tracing: StreamReader = { ...reader, records: async (iterator, limit) => (trace.push('read'), reader.records(iterator, limit)) };

    // Act
    await pollUntil(tracing, scriptedLambda(() => ok()), () => trace.filter((event) => event === 'sleep').length >= 2, {}, () => trace.push('sleep'));

    // Assess
    expect(trace).toEqual(['read', 'read', 'sleep', 'read', 'sleep']);
    expect(reads.map((read) => read.returned)).toEqual([1000, 3, 0]);
  });

  it('resumes after its checkpoint when started again', async () => {
    const shard = { shardId: 's1', records: [streamRecord(1), streamRecord(2)] };
    const first = fakeStream('arn:stream/1', [shard]);
    await pollUntil(first.reader, scriptedLambda(() => ok()), () => false);
    shard.records.push(streamRecord(3));
    const second = fakeStream('arn:stream/1', [shard]);
    const lambda = scriptedLambda(() => ok());
    await pollUntil(second.reader, lambda, () => lambda.calls.length >= 1);
    expect(second.positions[0]).toEqual({ shardId: 's1', position: { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: streamRecord(2).dynamodb.SequenceNumber } });
    expect(lambda.batches()).toEqual([[3]]);
  });

  it('moves on past a dead-lettered record, so later changes still arrive', async () => {
    const { reader } = fakeStream('arn:stream/1', [{ shardId: 's1', records: [streamRecord(1), streamRecord(2), streamRecord(3)] }]);
    const lambda = scriptedLambda((event) => (event.Records.some((r) => seq(r) === 2) ? { ok: false, reachedFunction: true, error: { type: 'Error', message: 'poison' } } : ok()));
    const letters = await pollUntil(reader, lambda, () => false);
    expect(letters.map((l) => (l.event as { Records: LambdaStreamRecord[] }).Records.map(seq))).toEqual([[2]]);
    expect(lambda.calls.filter((c) => c.event.Records.some((r) => seq(r) === 3))).not.toHaveLength(0);
  });

  it('reads a child shard only after its parent is read to the end', async () => {
    const { reader, positions } = fakeStream('arn:stream/1', [
      { shardId: 'child', parentShardId: 'parent', records: [streamRecord(5)] },
      { shardId: 'parent', records: [streamRecord(1)], closed: true },
    ]);
    const lambda = scriptedLambda(() => ok());
    await pollUntil(reader, lambda, () => lambda.calls.length >= 2);
    expect(positions.map((p) => p.shardId)).toEqual(['parent', 'child']);
    expect(lambda.batches()).toEqual([[1], [5]]);
  });

  it('starts over in a new stream (the table was created again) instead of using the old positions', async () => {
    const old = fakeStream('arn:stream/old', [{ shardId: 's1', records: [streamRecord(1), streamRecord(2)] }]);
    await pollUntil(old.reader, scriptedLambda(() => ok()), () => false);
    const renewed = fakeStream('arn:stream/new', [{ shardId: 's1', records: [streamRecord(1)] }]);
    const lambda = scriptedLambda(() => ok());
    await pollUntil(renewed.reader, lambda, () => lambda.calls.length >= 1);
    expect(renewed.positions[0]?.position).toEqual({ type: 'TRIM_HORIZON' });
    expect(lambda.batches()).toEqual([[1]]);
  });
});

describe('toLambdaRecord', () => {
  test("gives empty maps back the type the Streams SDK drops, at any depth, and keeps every other value as DynamoDB wrote it", () => {
    // Prepare: what the Streams SDK hands over for an item with empty maps (`{"M":{}}` read as `{}`).
    const record = {
      eventName: 'INSERT',
      dynamodb: {
        SequenceNumber: '100',
        ApproximateCreationDateTime: new Date('2026-11-30T10:00:00.000Z'),
        Keys: { pk: { S: 'a' } },
        NewImage: {
          pk: { S: 'a' },
          empty: {},
          list: { L: [{ M: { attributes: {}, n: { N: '1' } } }, {}] },
          bytes: { B: new Uint8Array([1, 2, 3]) },
          none: { NULL: true },
        },
      },
    } as unknown as Parameters<typeof toLambdaRecord>[0];

    // Act
    const converted = toLambdaRecord(record, 'arn:stream');

    // Assess
    expect(converted.dynamodb?.NewImage).toEqual({
      pk: { S: 'a' },
      empty: { M: {} },
      list: { L: [{ M: { attributes: { M: {} }, n: { N: '1' } } }, { M: {} }] },
      bytes: { B: 'AQID' },
      none: { NULL: true },
    });
    expect(converted.dynamodb?.ApproximateCreationDateTime).toBe(Date.parse('2026-11-30T10:00:00.000Z') / 1000);
    expect(unmarshall(converted.dynamodb?.NewImage as Parameters<typeof unmarshall>[0])).toEqual({ pk: 'a', empty: {}, list: [{ attributes: {}, n: 1 }, {}], bytes: 'AQID', none: null });
  });
});
