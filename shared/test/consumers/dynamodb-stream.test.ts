import { correlationId } from '../../src/correlation';
import { applied, ignored, streamConsumer } from '../../src/consumers/dynamodb-stream';
import type { StreamRecord } from '../../src/consumers/dynamodb-stream';
import { lambdaContext } from '../../src/testing/api-event';
import { streamRecord } from '../../src/testing/lambda-events';
import { captureLogger } from '../support/log-capture';
import { itemKeyStream, itemRecord, itemStream } from './support';

type Item = StreamRecord<{ entity: 'item'; id: string; title: string; version: number; correlationId?: string | undefined }>;

describe('streamConsumer', () => {
  test('hands over typed, unmarshalled records in order', async () => {
    // Prepare
    const seen: Item[] = [];
    const { logger } = captureLogger();
    const handler = streamConsumer({ service: 'tests', contract: itemStream, deps: () => ({}), logger }, async (record) => {
      seen.push(record);
      return applied();
    });

    // Act
    const result = await handler({ Records: [itemRecord('100', 'INSERT', 'a'), itemRecord('200', 'REMOVE')] }, lambdaContext());

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(seen).toEqual([
      {
        eventName: 'INSERT',
        eventId: 'event-100',
        sequenceNumber: '100',
        approximateCreatedAt: '2026-11-28T09:00:00.000Z',
        newImage: { entity: 'item', id: 'i100', title: 'a', version: 2 },
        oldImage: undefined,
      },
      {
        eventName: 'REMOVE',
        eventId: 'event-200',
        sequenceNumber: '200',
        approximateCreatedAt: '2026-11-28T09:00:00.000Z',
        newImage: undefined,
        oldImage: { entity: 'item', id: 'i200', title: 'old', version: 1 },
      },
    ]);
  });

  test('reads the record’s creation time as AWS sends it (epoch seconds) and as the local streams plugin does (a Date)', async () => {
    // Prepare
    const times: Array<string | undefined> = [];
    const { logger } = captureLogger();
    const handler = streamConsumer({ service: 'tests', contract: itemStream, deps: () => ({}), logger }, async (record) => {
      times.push(record.approximateCreatedAt);
      return applied();
    });
    const local = itemRecord('200');
    (local.dynamodb as { ApproximateCreationDateTime: unknown }).ApproximateCreationDateTime = new Date('2026-11-28T09:00:01.500Z');

    // Act
    await handler({ Records: [itemRecord('100'), local] }, lambdaContext());

    // Assess
    expect(times).toEqual(['2026-11-28T09:00:00.000Z', '2026-11-28T09:00:01.500Z']);
  });

  test('stops at the first failure and reports it, so the batch resumes from there in order', async () => {
    // Prepare
    const processed: string[] = [];
    const { logger, entries } = captureLogger();
    const handler = streamConsumer({ service: 'tests', contract: itemStream, deps: () => ({}), logger }, async (record) => {
      if (record.sequenceNumber === '200') throw new Error('index write failed');
      processed.push(record.sequenceNumber);
      return applied();
    });

    // Act
    const result = await handler({ Records: ['100', '200', '300'].map((seq) => itemRecord(seq)) }, lambdaContext());

    // Assess
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '200' }] });
    expect(processed).toEqual(['100']);
    expect(entries()).toContainEqual(expect.objectContaining({ level: 'error', sequenceNumber: '200', eventId: 'event-200', reason: 'Error: index write failed' }));
  });

  test('a record the contract cannot read fails with its sequence number and a log line; it is never skipped', async () => {
    // Prepare
    const handled = jest.fn(async () => applied());
    const { logger, entries } = captureLogger();
    const handler = streamConsumer({ service: 'tests', contract: itemStream, deps: () => ({}), logger }, handled);
    const malformed = streamRecord('150', 'INSERT', { newItem: { entity: 'item', id: 'bad', title: 42, version: 1 } });

    // Act
    const result = await handler({ Records: [itemRecord('100'), malformed, itemRecord('200')] }, lambdaContext());

    // Assess
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '150' }] });
    expect(handled).toHaveBeenCalledTimes(1);
    const failure = entries().find((entry) => entry.level === 'error');
    expect(failure).toMatchObject({ sequenceNumber: '150', eventId: 'event-150', issues: [expect.stringMatching(/^newImage\.title: /)] });
  });

  test('on a KEYS_ONLY stream hands over the key as the images the change has, and fails a key it cannot read', async () => {
    // Prepare
    const seen: Array<Pick<StreamRecord<{ pk: string }>, 'eventName' | 'newImage' | 'oldImage'>> = [];
    const { logger } = captureLogger();
    const handler = streamConsumer({ service: 'tests', contract: itemKeyStream, deps: () => ({}), logger }, async ({ eventName, newImage, oldImage }) => {
      seen.push({ eventName, newImage, oldImage });
      return applied();
    });
    const keysOnly = (seq: string, eventName: 'INSERT' | 'MODIFY' | 'REMOVE', pk: string) => streamRecord(seq, eventName, { keys: { pk } });

    // Act
    const result = await handler(
      { Records: [keysOnly('100', 'INSERT', 'ITEM#a'), keysOnly('200', 'MODIFY', 'ITEM#a'), keysOnly('300', 'REMOVE', 'ITEM#a'), keysOnly('400', 'REMOVE', 'COUNTER#a'), keysOnly('500', 'REMOVE', 'ITEM#a-b')] },
      lambdaContext(),
    );

    // Assess
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '500' }] });
    expect(seen).toEqual([
      { eventName: 'INSERT', newImage: { pk: 'ITEM#a' }, oldImage: undefined },
      { eventName: 'MODIFY', newImage: { pk: 'ITEM#a' }, oldImage: { pk: 'ITEM#a' } },
      { eventName: 'REMOVE', newImage: undefined, oldImage: { pk: 'ITEM#a' } },
    ]);
  });

  test('a record without a sequence number fails the whole batch', async () => {
    // Prepare
    const { logger } = captureLogger();
    const handler = streamConsumer({ service: 'tests', contract: itemStream, deps: () => ({}), logger }, async () => applied());

    // Act
    const result = await handler({ Records: [{ eventName: 'INSERT', dynamodb: { NewImage: { entity: { S: 'item' } } } }] }, lambdaContext());

    // Assess
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '' }] });
  });

  test('ignores the table’s other items and reports what the handler ignored, with its reason', async () => {
    // Prepare
    const handled: string[] = [];
    const { logger, entries } = captureLogger();
    const handler = streamConsumer({ service: 'tests', contract: itemStream, deps: () => ({}), logger }, async (record) => {
      handled.push(record.sequenceNumber);
      return ignored('stale version');
    });
    const other = streamRecord('100', 'INSERT', { newItem: { entity: 'counter', value: 1 } });

    // Act
    const result = await handler({ Records: [other, itemRecord('200')] }, lambdaContext());

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(handled).toEqual(['200']);
    expect(entries()).toContainEqual(expect.objectContaining({ level: 'info', sequenceNumber: '200', message: 'Record ignored', reason: 'stale version' }));
  });

  test('builds its dependencies at the first record, once, and again only after a build that threw', async () => {
    // Prepare
    const { logger } = captureLogger();
    let builds = 0;
    const deps = jest.fn(() => {
      builds++;
      if (builds === 1) throw new Error('NOTES_TABLE is not set');
      return { built: builds };
    });
    const seen: number[] = [];
    const handler = streamConsumer({ service: 'tests', contract: itemStream, deps, logger }, async (_record, ctx) => {
      seen.push(ctx.deps.built);
      return applied();
    });
    const before = deps.mock.calls.length;

    // Act
    const first = await handler({ Records: [itemRecord('100')] }, lambdaContext());
    const second = await handler({ Records: [itemRecord('100'), itemRecord('200')] }, lambdaContext());
    await handler({ Records: [itemRecord('300')] }, lambdaContext());

    // Assess
    expect(before).toBe(0);
    expect(first).toEqual({ batchItemFailures: [{ itemIdentifier: '100' }] });
    expect(second).toEqual({ batchItemFailures: [] });
    expect(deps).toHaveBeenCalledTimes(2);
    expect(seen).toEqual([2, 2, 2]);
  });

  test('runs each record under the correlation id it carries', async () => {
    // Prepare
    const seen: Array<string | undefined> = [];
    const { logger, entries } = captureLogger();
    const handler = streamConsumer(
      { service: 'tests', contract: itemStream, deps: () => ({}), logger, correlationOf: (record) => record.newImage?.correlationId },
      async () => {
        seen.push(correlationId());
        return applied();
      },
    );
    const written = streamRecord('100', 'INSERT', { newItem: { entity: 'item', id: 'i1', title: 't', version: 1, correlationId: 'req-abcdefgh' } });

    // Act
    await handler({ Records: [written, itemRecord('200', 'REMOVE')] }, lambdaContext());

    // Assess
    expect(seen).toEqual(['req-abcdefgh', undefined]);
    expect(entries()).toContainEqual(expect.objectContaining({ sequenceNumber: '100', correlationId: 'req-abcdefgh', message: 'Record applied' }));
  });

  test('with concurrency, handles records side by side', async () => {
    // Prepare
    let running = 0;
    let mostAtOnce = 0;
    const { logger } = captureLogger();
    const handler = streamConsumer({ service: 'tests', contract: itemStream, deps: () => ({}), logger, concurrency: 3 }, async () => {
      running++;
      mostAtOnce = Math.max(mostAtOnce, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
      return applied();
    });

    // Act
    const result = await handler({ Records: ['100', '200', '300', '400', '500'].map((seq) => itemRecord(seq)) }, lambdaContext());

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(mostAtOnce).toBe(3);
  });

  test('with concurrency, tries every record and reports the earliest failure in stream order', async () => {
    // Prepare
    const processed: string[] = [];
    const { logger, entries } = captureLogger();
    const handler = streamConsumer({ service: 'tests', contract: itemStream, deps: () => ({}), logger, concurrency: 4 }, async (record) => {
      // The later failure finishes first: the report must still name the earlier one.
      if (record.sequenceNumber === '200') {
        await new Promise((resolve) => setTimeout(resolve, 10));
        throw new Error('push failed');
      }
      if (record.sequenceNumber === '400') throw new Error('push failed too');
      processed.push(record.sequenceNumber);
      return applied();
    });

    // Act
    const result = await handler({ Records: ['100', '200', '300', '400', '500'].map((seq) => itemRecord(seq)) }, lambdaContext());

    // Assess
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '200' }] });
    expect(processed.sort()).toEqual(['100', '300', '500']);
    expect(entries().filter((entry) => entry.level === 'error').map((entry) => entry.sequenceNumber)).toEqual(['400', '200']);
  });

  describe('with concurrency, in order per item', () => {
    /** Resolves once `event` is in `events`, or after 2 s (then the test's order checks fail instead of hanging). */
    const happened = async (events: string[], event: string): Promise<void> => {
      const until = Date.now() + 2000;
      while (!events.includes(event) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 1));
    };

    /** A change of item `id` (several records may share it). */
    const change = (seq: string, id: string) => streamRecord(seq, 'MODIFY', { keys: { pk: id }, newItem: { entity: 'item', id, title: seq, version: 2 }, oldItem: { entity: 'item', id, title: 'old', version: 1 } });

    test('handles different items side by side and one item’s records one after another, in stream order', async () => {
      // Prepare: a slow first record of item a; b and c must not wait for it, a's second record must.
      const events: string[] = [];
      const running = new Set<string>();
      let mostAtOnce = 0;
      const { logger } = captureLogger();
      const handler = streamConsumer({ service: 'tests', contract: itemStream, deps: () => ({}), logger, concurrency: 3, inOrderPerItem: true }, async (record) => {
        const id = record.newImage?.id ?? '';
        expect(running.has(id)).toBe(false);
        running.add(id);
        mostAtOnce = Math.max(mostAtOnce, running.size);
        events.push(`start ${record.sequenceNumber}`);
        // a's first record ends only after c's has ended, and b's only after c's has started: no timer race, and a
        // consumer that serialised them would leave the gate to time out and fail the order checks below.
        if (record.sequenceNumber === '100') await happened(events, 'end 400');
        if (record.sequenceNumber === '200') await happened(events, 'start 400');
        events.push(`end ${record.sequenceNumber}`);
        running.delete(id);
        return applied();
      });

      // Act
      const result = await handler({ Records: [change('100', 'a'), change('200', 'b'), change('300', 'a'), change('400', 'c')] }, lambdaContext());

      // Assess
      expect(result).toEqual({ batchItemFailures: [] });
      expect(mostAtOnce).toBe(3);
      expect(events.indexOf('end 400')).toBeLessThan(events.indexOf('end 100'));
      expect(events.indexOf('start 300')).toBeGreaterThan(events.indexOf('end 100'));
    });

    test('holds back the later records of an item whose record failed, and reports the earliest failure', async () => {
      // Prepare
      const processed: string[] = [];
      const { logger } = captureLogger();
      const handler = streamConsumer({ service: 'tests', contract: itemStream, deps: () => ({}), logger, concurrency: 4, inOrderPerItem: true }, async (record) => {
        if (record.sequenceNumber === '300') throw new Error('index failed');
        processed.push(record.sequenceNumber);
        return applied();
      });

      // Act
      const result = await handler({ Records: [change('100', 'a'), change('200', 'b'), change('300', 'a'), change('400', 'b'), change('500', 'a')] }, lambdaContext());

      // Assess
      expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '300' }] });
      expect(processed.sort()).toEqual(['100', '200', '400']);
    });
  });
});
