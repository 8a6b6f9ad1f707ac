// The thing adapters against DynamoDB Local (the platform's), on tables of their own: the projection's conditional
// writes (a lower revision refused, the same one applied again, a deletion final) and subscriptions kept beside the
// connection record (replaced in one transaction, queried by thing, refused once the connection is gone).
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { connectionsTable } from '../../src/adapters/connections-table';
import { keys } from '../../src/adapters/keys';
import { thingOwnersTable } from '../../src/adapters/thing-owners-table';
import { thingSubscriptionsTable } from '../../src/adapters/thing-subscriptions-table';

jest.setTimeout(60_000);

const suffix = randomUUID().slice(0, 8);
const names = { owners: `notifications-thing-owners-test-${suffix}`, connections: `notifications-connections-test-${suffix}` };
const raw = new DynamoDBClient({ endpoint: `http://127.0.0.1:${process.env.DYNAMODB_PORT ?? '8000'}`, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
const client = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });

beforeAll(async () => {
  for (const TableName of Object.values(names)) {
    await raw.send(
      new CreateTableCommand({
        TableName,
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
  }
});

afterAll(async () => {
  for (const TableName of Object.values(names)) await raw.send(new DeleteTableCommand({ TableName }));
  client.destroy();
});

const thing = () => randomUUID();

describe('thing-owners on DynamoDB', () => {
  const owners = thingOwnersTable({ tableName: names.owners, client });

  it('applies newer revisions and the same one again, refuses an older one', async () => {
    // Prepare
    const thingId = thing();

    // Act
    const outcomes = [await owners.record(thingId, 'alice', 3), await owners.record(thingId, 'alice', 2), await owners.record(thingId, 'alice', 3), await owners.record(thingId, 'alice', 5)];

    // Assess
    expect(outcomes).toEqual(['applied', 'stale', 'applied', 'applied']);
    expect(await owners.get(thingId)).toEqual({ thingId, ownerId: 'alice', revision: 5, deleted: false });
  });

  it('keeps a deletion final, with its expiry, also when it came before anything else', async () => {
    // Prepare
    const [known, early] = [thing(), thing()];
    await owners.record(known, 'alice', 1);

    // Act
    await owners.markDeleted(known, 1_900_000_000);
    await owners.markDeleted(early, 1_900_000_000);
    const late = [await owners.record(known, 'alice', 9), await owners.record(early, 'alice', 0)];

    // Assess
    expect(late).toEqual(['stale', 'stale']);
    expect(await owners.get(known)).toEqual({ thingId: known, ownerId: 'alice', revision: 1, deleted: true });
    expect(await owners.get(early)).toEqual({ thingId: early, ownerId: null, revision: -1, deleted: true });
    const item = await client.send(new GetCommand({ TableName: names.owners, Key: keys.thingOwner(known) }));
    expect(item.Item).toMatchObject({ entity: 'thing-owner', expiresAt: 1_900_000_000 });
    expect(await owners.get(thing())).toBeUndefined();
  });
});

describe('thing subscriptions on DynamoDB', () => {
  const connections = connectionsTable({ tableName: names.connections, client });
  const subscriptions = thingSubscriptionsTable({ tableName: names.connections, client });
  const open = async (connectionId: string, userId: string) =>
    connections.add({ connectionId, userId, connectedAt: '2026-11-30T21:00:00.000Z', tokenExpiresAt: '2026-11-30T22:00:00.000Z', expiresAt: 1_800_000_000 });

  it("replaces a connection's subscription, keeps each by thing with the connection's expiry, and lists a thing's subscribers", async () => {
    // Prepare
    const [t1, t2, t3] = [thing(), thing(), thing()];
    await open('c-1', 'alice');
    await open('c-2', 'alice');
    const first = await subscriptions.connection('c-1');

    // Act
    const subscribed = await subscriptions.replace('c-1', first!, [t1, t2]);
    await subscriptions.replace('c-2', (await subscriptions.connection('c-2'))!, [t1]);
    const replaced = await subscriptions.replace('c-1', (await subscriptions.connection('c-1'))!, [t2, t3]);

    // Assess
    expect([first?.things, subscribed, replaced]).toEqual([[], true, true]);
    expect(await subscriptions.connection('c-1')).toEqual({ userId: 'alice', expiresAt: 1_800_000_000, things: [t2, t3] });
    expect(await subscriptions.subscribers(t1)).toEqual([{ connectionId: 'c-2', userId: 'alice' }]);
    expect((await subscriptions.subscribers(t2)).map((s) => s.connectionId)).toEqual(['c-1']);
    const item = await client.send(new GetCommand({ TableName: names.connections, Key: keys.thingSubscription(t3, 'c-1') }));
    expect(item.Item).toMatchObject({ entity: 'thing-subscription', userId: 'alice', expiresAt: 1_800_000_000 });
    // The user's connections are still exactly the two (subscription items live under the thing, not the user).
    expect((await connections.listByUser('alice')).map((c) => c.connectionId).sort()).toEqual(['c-1', 'c-2']);
  });

  it('subscribes nothing once the connection is gone, and removes one subscription', async () => {
    // Prepare
    const [t1, t2] = [thing(), thing()];
    await open('c-3', 'bob');
    const connection = (await subscriptions.connection('c-3'))!;
    await subscriptions.replace('c-3', connection, [t1]);
    await connections.remove('c-3');

    // Act
    const afterClose = await subscriptions.replace('c-3', connection, [t2]);
    await subscriptions.remove(t1, 'c-3');

    // Assess
    expect(afterClose).toBe(false);
    expect(await subscriptions.subscribers(t2)).toEqual([]);
    expect(await subscriptions.subscribers(t1)).toEqual([]);
    expect(await subscriptions.connection('c-3')).toBeUndefined();
  });
});
