// The realtime fan-out's per-note claims against DynamoDB Local (the platform's), on a table of their own: a newer
// change is claimed, an older or repeated one is stale, a newer one is busy while an older claim is held, and goes
// once that claim is released or its lease has run out; a release never frees a newer position's claim.
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { noteOrder } from '../../src/adapters/realtime-order';

jest.setTimeout(60_000);

const tableName = `notifications-order-test-${randomUUID().slice(0, 8)}`;
const raw = new DynamoDBClient({ endpoint: `http://127.0.0.1:${process.env.DYNAMODB_PORT ?? '8000'}`, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
const client = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
const order = noteOrder({ tableName, client });
const t0 = Date.parse('2026-12-01T00:00:00.000Z');
const lease = (now: number) => ({ now, leaseMs: 3_000 });

beforeAll(async () => {
  await raw.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }),
  );
});

afterAll(async () => {
  await raw.send(new DeleteTableCommand({ TableName: tableName }));
  client.destroy();
});

describe('note claims on DynamoDB', () => {
  it('holds a newer change while an older one is being sent, then lets it go on release', async () => {
    // Prepare
    const noteId = randomUUID();
    const first = await order.claim('alice', noteId, { version: 1, change: 'created' }, lease(t0));

    // Act
    const whileHeld = await order.claim('alice', noteId, { version: 2, change: 'updated' }, lease(t0 + 100));
    const olderWhileHeld = await order.claim('alice', noteId, { version: 1, change: 'created' }, lease(t0 + 100));
    const otherUser = await order.claim('bob', noteId, { version: 2, change: 'updated' }, lease(t0 + 100));
    await order.release('alice', noteId, { version: 1, change: 'created' });
    const afterRelease = await order.claim('alice', noteId, { version: 2, change: 'updated' }, lease(t0 + 200));

    // Assess
    expect([first, whileHeld, olderWhileHeld, otherUser, afterRelease]).toEqual(['claimed', 'busy', 'stale', 'claimed', 'claimed']);
  });

  it('lets a newer change take a claim whose lease ran out, and an old release does not free it', async () => {
    // Prepare
    const noteId = randomUUID();
    await order.claim('alice', noteId, { version: 1, change: 'created' }, lease(t0));

    // Act
    const beforeExpiry = await order.claim('alice', noteId, { version: 2, change: 'updated' }, lease(t0 + 2_999));
    const atExpiry = await order.claim('alice', noteId, { version: 2, change: 'updated' }, lease(t0 + 3_000));
    await order.release('alice', noteId, { version: 1, change: 'created' });
    const third = await order.claim('alice', noteId, { version: 3, change: 'updated' }, lease(t0 + 3_100));

    // Assess
    expect([beforeExpiry, atExpiry, third]).toEqual(['busy', 'claimed', 'busy']);
  });

  it('treats the deletion of the version sent as newer, and anything after the deletion as stale', async () => {
    // Prepare
    const noteId = randomUUID();
    await order.claim('alice', noteId, { version: 4, change: 'updated' }, lease(t0));
    await order.release('alice', noteId, { version: 4, change: 'updated' });

    // Act
    const repeat = await order.claim('alice', noteId, { version: 4, change: 'updated' }, lease(t0 + 10));
    const deletion = await order.claim('alice', noteId, { version: 4, change: 'deleted' }, lease(t0 + 20));
    await order.release('alice', noteId, { version: 4, change: 'deleted' });
    const late = await order.claim('alice', noteId, { version: 4, change: 'updated' }, lease(t0 + 30));
    const deletedAgain = await order.claim('alice', noteId, { version: 4, change: 'deleted' }, lease(t0 + 40));

    // Assess
    expect([repeat, deletion, late, deletedAgain]).toEqual(['stale', 'claimed', 'stale', 'stale']);
  });
});
