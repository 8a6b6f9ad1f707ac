import { BatchGetCommand, BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { BatchIncompleteError, tableClient } from '../src/dynamodb';
import { fakeDynamo, noWait } from './support/fake-dynamo';
import type { SentCommand } from './support/fake-dynamo';

type WriteRequests = Array<{ PutRequest?: { Item: Record<string, unknown> }; DeleteRequest?: { Key: Record<string, unknown> } }>;

const keysOf = (command: SentCommand | undefined) => ((command?.input as { RequestItems: Record<string, { Keys: unknown[] }> }).RequestItems.docs?.Keys ?? []) as Array<{ pk: string }>;
const writesOf = (command: SentCommand | undefined) => ((command?.input as { RequestItems: Record<string, WriteRequests> }).RequestItems.docs ?? []) as WriteRequests;

describe('batchGet', () => {
  test('asks for 100 keys a request, each distinct key once', async () => {
    // Prepare
    const keys = Array.from({ length: 150 }, (_, i) => ({ pk: `DOC#${i}`, sk: 'DOC' }));
    const { client, sent } = fakeDynamo((command) => ({ Responses: { docs: keysOf(command).map((key) => ({ ...key, found: true })) } }));

    // Act
    const items = await tableClient({ tableName: 'docs', client }).batchGet([...keys, keys[0] as { pk: string; sk: string }], { projection: 'pk, found' });

    // Assess
    expect(items).toHaveLength(150);
    expect(sent.map((command) => keysOf(command).length)).toEqual([100, 50]);
    expect(sent[0]).toBeInstanceOf(BatchGetCommand);
    expect(sent[0]?.input).toMatchObject({ RequestItems: { docs: { ProjectionExpression: 'pk, found' } } });
  });

  test('asks again for the keys DynamoDB left unprocessed, and only those', async () => {
    // Prepare
    const keys = [{ pk: 'a' }, { pk: 'b' }, { pk: 'c' }];
    const { client, sent } = fakeDynamo((command, index) => {
      const asked = keysOf(command);
      // The first answer serves one key and leaves two.
      return index === 0 ? { Responses: { docs: [{ pk: 'a', v: 1 }] }, UnprocessedKeys: { docs: { Keys: asked.slice(1) } } } : { Responses: { docs: asked.map((key) => ({ ...key, v: 1 })) } };
    });

    // Act
    const items = await tableClient({ tableName: 'docs', client, batch: noWait }).batchGet<{ pk: string }>(keys);

    // Assess
    expect(items.map((item) => item.pk).sort()).toEqual(['a', 'b', 'c']);
    expect(keysOf(sent[1])).toEqual([{ pk: 'b' }, { pk: 'c' }]);
  });

  test('gives up after its last attempt with BatchIncompleteError', async () => {
    // Prepare
    const { client, sent } = fakeDynamo((command) => ({ Responses: { docs: [] }, UnprocessedKeys: { docs: { Keys: keysOf(command) } } }));

    // Act
    const reading = tableClient({ tableName: 'docs', client, batch: { ...noWait, maxAttempts: 3 } }).batchGet([{ pk: 'a' }, { pk: 'b' }]);

    // Assess
    await expect(reading).rejects.toEqual(expect.objectContaining({ name: 'BatchIncompleteError', operation: 'BatchGetItem', unprocessed: 2 }));
    await expect(reading).rejects.toBeInstanceOf(BatchIncompleteError);
    expect(sent).toHaveLength(3);
  });
});

describe('batchWrite', () => {
  test('sends puts and deletes 25 a request', async () => {
    // Prepare
    const puts = Array.from({ length: 30 }, (_, i) => ({ pk: `P#${i}` }));
    const deletes = Array.from({ length: 30 }, (_, i) => ({ pk: `D#${i}` }));
    const { client, sent } = fakeDynamo(() => ({}));

    // Act
    await tableClient({ tableName: 'docs', client }).batchWrite({ puts, deletes, concurrency: 2 });

    // Assess
    expect(sent.every((command) => command instanceof BatchWriteCommand)).toBe(true);
    expect(sent.map((command) => writesOf(command).length)).toEqual([25, 25, 10]);
    const written = sent.flatMap(writesOf);
    expect(written.filter((request) => request.PutRequest).map((request) => request.PutRequest?.Item)).toEqual(puts);
    expect(written.filter((request) => request.DeleteRequest).map((request) => request.DeleteRequest?.Key)).toEqual(deletes);
  });

  test('sends the unprocessed items again until none is left', async () => {
    // Prepare
    const puts = [{ pk: 'a' }, { pk: 'b' }, { pk: 'c' }];
    const { client, sent } = fakeDynamo((command, index) => (index < 2 ? { UnprocessedItems: { docs: writesOf(command).slice(1) } } : {}));

    // Act
    await tableClient({ tableName: 'docs', client, batch: noWait }).batchWrite({ puts });

    // Assess
    expect(sent.map((command) => writesOf(command).map((request) => request.PutRequest?.Item.pk))).toEqual([['a', 'b', 'c'], ['b', 'c'], ['c']]);
  });

  test('gives up after its last attempt, naming how many items were left', async () => {
    // Prepare
    const { client, sent } = fakeDynamo((command) => ({ UnprocessedItems: { docs: writesOf(command) } }));

    // Act
    const writing = tableClient({ tableName: 'docs', client, batch: { ...noWait, maxAttempts: 4 } }).batchWrite({ deletes: [{ pk: 'a' }] });

    // Assess
    await expect(writing).rejects.toEqual(expect.objectContaining({ operation: 'BatchWriteItem', unprocessed: 1 }));
    expect(sent).toHaveLength(4);
  });

  test('waits a jittered, growing delay before each resend', async () => {
    // Prepare
    jest.useFakeTimers();
    const random = jest.spyOn(Math, 'random').mockReturnValue(0.5);
    const { client, sent } = fakeDynamo((command, index) => (index < 2 ? { UnprocessedItems: { docs: writesOf(command) } } : {}));
    const writing = tableClient({ tableName: 'docs', client, batch: { backoff: { baseMs: 100, capMs: 1000 } } }).batchWrite({ puts: [{ pk: 'a' }] });

    try {
      // Act
      await jest.advanceTimersByTimeAsync(49);
      const beforeFirstDelay = sent.length;
      await jest.advanceTimersByTimeAsync(1);
      const afterFirstDelay = sent.length;
      await jest.advanceTimersByTimeAsync(99);
      const beforeSecondDelay = sent.length;
      await jest.advanceTimersByTimeAsync(1);
      await writing;

      // Assess: half of 100 ms, then half of 200 ms.
      expect([beforeFirstDelay, afterFirstDelay, beforeSecondDelay, sent.length]).toEqual([1, 2, 2, 3]);
    } finally {
      random.mockRestore();
      jest.useRealTimers();
    }
  });
});

describe('deleteAll', () => {
  async function* keys(count: number, failAfter = Infinity): AsyncGenerator<{ pk: string }> {
    for (let i = 0; i < count; i++) {
      if (i === failAfter) throw new Error('the read stopped');
      yield { pk: `K#${i}` };
    }
  }

  test('deletes the keys in chunks as they come, and says how many', async () => {
    // Prepare
    const { client, sent } = fakeDynamo(() => ({}));

    // Act
    const deleted = await tableClient({ tableName: 'docs', client }).deleteAll(keys(130), { chunk: 50 });

    // Assess
    expect(deleted).toBe(130);
    expect(sent.map((command) => writesOf(command).length)).toEqual([25, 25, 25, 25, 25, 5]);
    expect(sent.flatMap(writesOf).map((request) => request.DeleteRequest?.Key.pk)).toEqual(Array.from({ length: 130 }, (_, i) => `K#${i}`));
  });

  test('keeps what it deleted when the read of keys stops part way', async () => {
    // Prepare
    const { client, sent } = fakeDynamo(() => ({}));

    // Act
    const outcome = tableClient({ tableName: 'docs', client }).deleteAll(keys(130, 75), { chunk: 50 });

    // Assess
    await expect(outcome).rejects.toThrow('the read stopped');
    expect(sent.flatMap(writesOf)).toHaveLength(50);
  });

  test('asks for a key once when it comes twice in a chunk', async () => {
    // Prepare
    const { client, sent } = fakeDynamo(() => ({}));
    async function* twice() {
      yield { pk: 'a' };
      yield { pk: 'a' };
    }

    // Act
    const deleted = await tableClient({ tableName: 'docs', client }).deleteAll(twice());

    // Assess
    expect(deleted).toBe(1);
    expect(writesOf(sent[0])).toEqual([{ DeleteRequest: { Key: { pk: 'a' } } }]);
  });
});
