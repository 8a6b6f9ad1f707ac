import { deliverStreamBatch, firstFailedIndex, type StreamBatchConfig } from '../../platform/delivery/stream-batch';
import { functionError, instantTime, memoryDeadLetters, ok, scriptedLambda, seq, streamRecord, unreachable } from './support';

const config: StreamBatchConfig = { id: 'search.indexNotes', maximumRetryAttempts: 2, maximumRecordAgeInSeconds: -1, bisectBatchOnFunctionError: false, reportBatchItemFailures: true };

function run(records: ReturnType<typeof streamRecord>[], lambda: ReturnType<typeof scriptedLambda>, overrides: Partial<StreamBatchConfig> = {}, time = instantTime()) {
  const store = memoryDeadLetters();
  const result = deliverStreamBatch(records, { ...config, ...overrides }, {
    invoke: lambda.invoke,
    deadLetters: store.deadLetters,
    functionName: 'photonotes-search-local-indexNotes',
    retryDelaysMs: [10, 20],
    unreachableDelayMs: 5,
    now: time.now,
    sleep: time.sleep,
    signal: new AbortController().signal,
    log: () => undefined,
  });
  return { result, letters: store.letters, time };
}

const records = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => streamRecord(from + i));
const failing = (sequenceNumber: number) => ({ batchItemFailures: [{ itemIdentifier: String(sequenceNumber).padStart(21, '0') }] });

describe('firstFailedIndex', () => {
  const batch = records(1, 4);
  it.each([
    ['no response', null, -1],
    ['an empty list', { batchItemFailures: [] }, -1],
    ['the lowest of several failures', { batchItemFailures: [{ itemIdentifier: batch[3]?.dynamodb.SequenceNumber }, { itemIdentifier: batch[1]?.dynamodb.SequenceNumber }] }, 1],
    ['an empty identifier (the whole batch)', { batchItemFailures: [{ itemIdentifier: '' }] }, 0],
    ['an identifier not in the batch (the whole batch)', { batchItemFailures: [{ itemIdentifier: '999' }] }, 0],
  ])('%s', (_name, response, expected) => {
    expect(firstFailedIndex(response, batch)).toBe(expected);
  });
});

describe('deliverStreamBatch', () => {
  it('invokes once with the whole batch when the function succeeds', async () => {
    const lambda = scriptedLambda(() => ok({ batchItemFailures: [] }));
    const { result, letters } = run(records(1, 3), lambda);
    expect(await result).toBe('done');
    expect(lambda.batches()).toEqual([[1, 2, 3]]);
    expect(letters).toEqual([]);
  });

  it('resumes from the record the function reports, and parks the rest of the batch once its retries are used up', async () => {
    // Record 3 fails every time; 1 and 2 succeed the first time.
    const lambda = scriptedLambda(() => ok(failing(3)));
    const { result, letters, time } = run(records(1, 5), lambda);
    expect(await result).toBe('done');
    expect(lambda.batches()).toEqual([[1, 2, 3, 4, 5], [3, 4, 5], [3, 4, 5]]);
    expect(time.sleeps).toEqual([10, 20]);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ source: 'stream', consumer: 'search.indexNotes', condition: 'RetriesExhausted', attempts: 3, error: { type: 'BatchItemFailure' } });
    expect((letters[0]?.event as { Records: unknown[] }).Records.map((r) => seq(r as never))).toEqual([3, 4, 5]);
  });

  it('stops retrying when the reported record succeeds on a retry', async () => {
    const lambda = scriptedLambda((_event, call) => ok(call === 1 ? failing(2) : { batchItemFailures: [] }));
    const { result, letters } = run(records(1, 3), lambda);
    expect(await result).toBe('done');
    expect(lambda.batches()).toEqual([[1, 2, 3], [2, 3]]);
    expect(letters).toEqual([]);
  });

  it('ignores batchItemFailures when the consumer does not report them, as Lambda does', async () => {
    const lambda = scriptedLambda(() => ok(failing(1)));
    const { result, letters } = run(records(1, 2), lambda, { reportBatchItemFailures: false });
    expect(await result).toBe('done');
    expect(lambda.batches()).toEqual([[1, 2]]);
    expect(letters).toEqual([]);
  });

  it('retries a throwing function with the whole batch, then parks it, without bisect', async () => {
    const lambda = scriptedLambda(() => functionError('table throttled'));
    const { result, letters } = run(records(1, 4), lambda);
    expect(await result).toBe('done');
    expect(lambda.batches()).toEqual([[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4]]);
    expect(letters[0]).toMatchObject({ attempts: 3, error: { message: 'table throttled' }, identity: `${'1'.padStart(21, '0')}..${'4'.padStart(21, '0')}` });
  });

  it('bisects a throwing batch down to the record that fails and parks only that one', async () => {
    const lambda = scriptedLambda((event) => (event.Records.some((r) => seq(r) === 3) ? functionError('poison') : ok()));
    const { result, letters } = run(records(1, 5), lambda, { bisectBatchOnFunctionError: true });
    expect(await result).toBe('done');
    expect(lambda.batches()).toEqual([[1, 2, 3, 4, 5], [1, 2, 3], [1, 2], [3], [3], [3], [4, 5]]);
    expect(letters).toHaveLength(1);
    expect((letters[0]?.event as { Records: unknown[] }).Records.map((r) => seq(r as never))).toEqual([3]);
    expect(letters[0]?.attempts).toBe(3);
  });

  it('parks records older than the maximum record age without invoking the function with them', async () => {
    const time = instantTime(10_000_000);
    const lambda = scriptedLambda(() => ok());
    const old = streamRecord(1, { createdAt: 10_000 - 7200 });
    const fresh = streamRecord(2, { createdAt: 10_000 - 10 });
    const { result, letters } = run([old, fresh], lambda, { maximumRecordAgeInSeconds: 3600 }, time);
    expect(await result).toBe('done');
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ condition: 'RecordAgeExceeded', attempts: 0 });
    expect(lambda.batches()).toEqual([[2]]);
  });

  it('does not count calls that never reached the function (the service restarting)', async () => {
    const lambda = scriptedLambda((_event, call) => (call <= 3 ? unreachable() : ok()));
    const { result, letters } = run(records(1, 2), lambda, { maximumRetryAttempts: 0 });
    expect(await result).toBe('done');
    expect(lambda.calls).toHaveLength(4);
    expect(letters).toEqual([]);
  });

  it('retries forever with maximumRetryAttempts -1 (until the signal stops it)', async () => {
    const abort = new AbortController();
    const lambda = scriptedLambda((_event, call) => {
      if (call === 50) abort.abort();
      return functionError();
    });
    const store = memoryDeadLetters();
    const time = instantTime();
    const result = await deliverStreamBatch(records(1, 1), { ...config, maximumRetryAttempts: -1 }, {
      invoke: lambda.invoke, deadLetters: store.deadLetters, functionName: 'f', retryDelaysMs: [1], unreachableDelayMs: 1, now: time.now, sleep: time.sleep, signal: abort.signal, log: () => undefined,
    });
    expect(result).toBe('abandoned');
    expect(lambda.calls).toHaveLength(50);
    expect(store.letters).toEqual([]);
  });
});
