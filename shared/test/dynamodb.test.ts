import { ConditionalCheckFailedException, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { encodeCursor } from '../src/cursor';
import { ConditionFailedError, QueryLimitExceededError, tableClient } from '../src/dynamodb';
import type * as DynamoDbModule from '../src/dynamodb';
import { ValidationError } from '../src/errors';
import { fakeDynamo } from './support/fake-dynamo';

const saved = { ...process.env };
beforeEach(() => {
  process.env.CURSOR_SECRET = 'test-secret-0123456789';
});
afterEach(() => {
  process.env = { ...saved };
});

describe('tableClient', () => {
  test('getItem reads one key of its table and returns the item', async () => {
    // Prepare
    const { client, sent } = fakeDynamo(() => ({ Item: { pk: 'NOTE#n1', title: 'Trip' } }));
    const notes = tableClient({ tableName: 'notes', client });

    // Act
    const item = await notes.getItem<{ title: string }>({ pk: 'NOTE#n1' }, { consistentRead: true });

    // Assess
    expect(item?.title).toBe('Trip');
    expect(sent[0]).toBeInstanceOf(GetCommand);
    expect(sent[0]?.input).toEqual({ TableName: 'notes', Key: { pk: 'NOTE#n1' }, ConsistentRead: true });
  });

  test('getItem asks for a projection when given one', async () => {
    // Prepare
    const { client, sent } = fakeDynamo(() => ({ Item: { version: 2 } }));

    // Act
    await tableClient({ tableName: 'notes', client }).getItem({ pk: 'NOTE#n1' }, { projection: '#v', names: { '#v': 'version' } });

    // Assess
    expect(sent[0]?.input).toMatchObject({ ProjectionExpression: '#v', ExpressionAttributeNames: { '#v': 'version' } });
  });

  test('getItem of a missing key is undefined', async () => {
    // Prepare
    const { client } = fakeDynamo(() => ({}));

    // Act
    const item = await tableClient({ tableName: 'notes', client }).getItem({ pk: 'NOTE#none' });

    // Assess
    expect(item).toBeUndefined();
  });

  test('putItem with a condition asks for the current item on failure', async () => {
    // Prepare
    const { client, sent } = fakeDynamo();
    const notes = tableClient({ tableName: 'notes', client });

    // Act
    await notes.putItem({ pk: 'NOTE#n1', title: 'Trip' }, { condition: 'attribute_not_exists(pk)' });

    // Assess
    expect(sent[0]).toBeInstanceOf(PutCommand);
    expect(sent[0]?.input).toMatchObject({
      TableName: 'notes',
      Item: { pk: 'NOTE#n1', title: 'Trip' },
      ConditionExpression: 'attribute_not_exists(pk)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  test('a failed condition becomes ConditionFailedError with the stored item unmarshalled', async () => {
    // Prepare
    const { client } = fakeDynamo(() => {
      throw new ConditionalCheckFailedException({
        message: 'The conditional request failed',
        $metadata: {},
        Item: { pk: { S: 'NOTE#n1' }, version: { N: '3' } },
      });
    });
    const notes = tableClient({ tableName: 'notes', client });

    // Act
    const outcome = notes.updateItem({ key: { pk: 'NOTE#n1' }, update: 'SET version = version + :one', condition: 'version = :v', values: { ':one': 1, ':v': 2 } });

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(ConditionFailedError);
    await expect(outcome).rejects.toMatchObject({ item: { pk: 'NOTE#n1', version: 3 }, failedIndexes: [0] });
  });

  test('updateItem returns the item as stored after the update', async () => {
    // Prepare
    const { client, sent } = fakeDynamo(() => ({ Attributes: { pk: 'NOTE#n1', version: 4 } }));

    // Act
    const updated = await tableClient({ tableName: 'notes', client }).updateItem<{ version: number }>({
      key: { pk: 'NOTE#n1' },
      update: 'SET #t = :t',
      names: { '#t': 'title' },
      values: { ':t': 'New' },
    });

    // Assess
    expect(updated.version).toBe(4);
    expect(sent[0]).toBeInstanceOf(UpdateCommand);
    expect(sent[0]?.input).toMatchObject({ UpdateExpression: 'SET #t = :t', ExpressionAttributeNames: { '#t': 'title' }, ReturnValues: 'ALL_NEW' });
    expect(sent[0]?.input).not.toHaveProperty('ReturnValuesOnConditionCheckFailure', 'ALL_OLD');
  });

  test('deleteItem returns the deleted item', async () => {
    // Prepare
    const { client, sent } = fakeDynamo(() => ({ Attributes: { pk: 'NOTE#n1' } }));

    // Act
    const old = await tableClient({ tableName: 'notes', client }).deleteItem({ pk: 'NOTE#n1' });

    // Assess
    expect(old).toEqual({ pk: 'NOTE#n1' });
    expect(sent[0]).toBeInstanceOf(DeleteCommand);
    expect(sent[0]?.input).toMatchObject({ ReturnValues: 'ALL_OLD' });
  });

  test('other DynamoDB errors pass through unchanged', async () => {
    // Prepare
    const missing = new ResourceNotFoundException({ message: 'Requested resource not found', $metadata: {} });
    const { client } = fakeDynamo(() => {
      throw missing;
    });

    // Act
    const outcome = tableClient({ tableName: 'notes', client }).getItem({ pk: 'x' });

    // Assess
    await expect(outcome).rejects.toBe(missing);
  });
});

describe('queryPage', () => {
  const query = {
    keyCondition: 'pk = :pk',
    values: { ':pk': 'USER#u1' },
    limit: 2,
    cursorScope: 'notes:own:u1',
    scanForward: false,
  };
  const lastKey = { pk: 'USER#u1', sk: 'NOTE#2' };

  test('a first page without cursor returns items and a signed cursor for the rest', async () => {
    // Prepare
    const { client, sent } = fakeDynamo(() => ({ Items: [{ id: 1 }, { id: 2 }], LastEvaluatedKey: lastKey }));

    // Act
    const page = await tableClient({ tableName: 'notes', client }).queryPage(query);

    // Assess
    expect(page.items).toEqual([{ id: 1 }, { id: 2 }]);
    expect(page.nextCursor).toEqual(expect.any(String));
    expect(sent[0]).toBeInstanceOf(QueryCommand);
    expect(sent[0]?.input).toMatchObject({ TableName: 'notes', KeyConditionExpression: 'pk = :pk', Limit: 2, ScanIndexForward: false, ExclusiveStartKey: undefined });
  });

  test('the next cursor resumes from the last evaluated key', async () => {
    // Prepare
    const { client, sent } = fakeDynamo(() => ({ Items: [{ id: 3 }] }));
    const cursor = encodeCursor(lastKey, 'notes:own:u1');

    // Act
    const page = await tableClient({ tableName: 'notes', client }).queryPage({ ...query, cursor });

    // Assess
    expect(sent[0]?.input).toMatchObject({ ExclusiveStartKey: lastKey });
    expect(page).toEqual({ items: [{ id: 3 }], nextCursor: null });
  });

  test("a cursor of another list is a 400 and DynamoDB is never asked", async () => {
    // Prepare
    const { client, sent } = fakeDynamo();
    const cursor = encodeCursor(lastKey, 'notes:own:u2');

    // Act
    const outcome = tableClient({ tableName: 'notes', client }).queryPage({ ...query, cursor });

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(ValidationError);
    expect(sent).toHaveLength(0);
  });

  test('queries an index when asked', async () => {
    // Prepare
    const { client, sent } = fakeDynamo(() => ({ Items: [] }));

    // Act
    const page = await tableClient({ tableName: 'notes', client }).queryPage({ ...query, index: 'byShare' });

    // Assess
    expect(sent[0]?.input).toMatchObject({ IndexName: 'byShare' });
    expect(page).toEqual({ items: [], nextCursor: null });
  });
});

describe('query', () => {
  test('is one request with a limit that says whether more items follow', async () => {
    // Prepare
    const { client, sent } = fakeDynamo(() => ({ Items: [{ sk: 'a' }, { sk: 'b' }], LastEvaluatedKey: { pk: 'p', sk: 'b' } }));

    // Act
    const result = await tableClient({ tableName: 'index', client }).query({
      keyCondition: 'pk = :pk AND begins_with(sk, :sk)',
      values: { ':pk': 'p', ':sk': 'a' },
      projection: 'sk',
      consistentRead: true,
      limit: 2,
    });

    // Assess
    expect(result).toEqual({ items: [{ sk: 'a' }, { sk: 'b' }], hasMore: true });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.input).toMatchObject({ TableName: 'index', ProjectionExpression: 'sk', ConsistentRead: true, Limit: 2 });
  });
});

describe('queryAll', () => {
  const range = { keyCondition: 'pk = :pk', values: { ':pk': 'FEED#u1' }, projection: 'pk, sk', consistentRead: true };
  const pages = [
    { Items: [{ sk: '1' }, { sk: '2' }], LastEvaluatedKey: { pk: 'FEED#u1', sk: '2' } },
    { Items: [{ sk: '3' }], LastEvaluatedKey: { pk: 'FEED#u1', sk: '3' } },
    { Items: [{ sk: '4' }] },
  ];

  test('follows LastEvaluatedKey until the range is read, with the same projection and consistency on every page', async () => {
    // Prepare
    const { client, sent } = fakeDynamo((_command, index) => pages[index]);
    const items: unknown[] = [];

    // Act
    for await (const item of tableClient({ tableName: 'notes', client }).queryAll({ ...range, maxItems: 10, pageSize: 2 })) items.push(item);

    // Assess
    expect(items).toEqual([{ sk: '1' }, { sk: '2' }, { sk: '3' }, { sk: '4' }]);
    expect(sent.map((command) => command.input)).toEqual([
      expect.objectContaining({ ExclusiveStartKey: undefined, Limit: 2, ProjectionExpression: 'pk, sk', ConsistentRead: true }),
      expect.objectContaining({ ExclusiveStartKey: { pk: 'FEED#u1', sk: '2' }, Limit: 2, ProjectionExpression: 'pk, sk', ConsistentRead: true }),
      expect.objectContaining({ ExclusiveStartKey: { pk: 'FEED#u1', sk: '3' } }),
    ]);
  });

  test('yields the items up to the cap, then throws instead of reading on', async () => {
    // Prepare
    const { client, sent } = fakeDynamo((_command, index) => pages[index]);
    const items: unknown[] = [];

    // Act
    const reading = (async () => {
      for await (const item of tableClient({ tableName: 'notes', client }).queryAll({ ...range, maxItems: 3 })) items.push(item);
    })();

    // Assess
    await expect(reading).rejects.toBeInstanceOf(QueryLimitExceededError);
    expect(items).toEqual([{ sk: '1' }, { sk: '2' }, { sk: '3' }]);
    expect(sent).toHaveLength(3);
  });

  test('a range of exactly the cap is read without error', async () => {
    // Prepare
    const { client } = fakeDynamo((_command, index) => pages[index]);
    const items: unknown[] = [];

    // Act
    for await (const item of tableClient({ tableName: 'notes', client }).queryAll({ ...range, maxItems: 4 })) items.push(item);

    // Assess
    expect(items).toHaveLength(4);
  });

  test('stops asking DynamoDB when the caller stops reading', async () => {
    // Prepare
    const { client, sent } = fakeDynamo((_command, index) => pages[index]);

    // Act
    for await (const item of tableClient({ tableName: 'notes', client }).queryAll({ ...range, maxItems: 10 })) {
      if (item) break;
    }

    // Assess
    expect(sent).toHaveLength(1);
  });
});

describe('documentClient', () => {
  test('is one lazily created client, pointed at DYNAMODB_ENDPOINT and AWS_REGION', async () => {
    // Prepare
    process.env.DYNAMODB_ENDPOINT = 'http://127.0.0.1:8000';
    process.env.AWS_REGION = 'eu-west-1';
    let mod: typeof DynamoDbModule | undefined;
    jest.isolateModules(() => {
      mod = jest.requireActual<typeof DynamoDbModule>('../src/dynamodb');
    });

    // Act
    const first = mod?.documentClient();
    const second = mod?.documentClient();

    // Assess
    expect(first).toBeDefined();
    expect(second).toBe(first);
    const endpoint = await first?.config.endpoint?.();
    expect(endpoint).toMatchObject({ hostname: '127.0.0.1', port: 8000, protocol: 'http:' });
    await expect(first?.config.region()).resolves.toBe('eu-west-1');
  });
});
