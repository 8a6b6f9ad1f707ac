// The one-off for accounts from before core-api's known-users projection (scripts/backfill-known-users.ts), against
// the test platform's tables: an account the projection misses becomes a sharee, a deletion the projection
// recorded is never undone, a second run changes nothing, and an older local users table gets its email index.
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DeleteItemCommand, DeleteTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tableClient } from '@photonotes/shared/dynamodb';
import { backfillKnownUsers, ensureLocalEmailIndex, tablesOf } from '../../scripts/backfill-known-users';
import { keys } from '../../services/core-api/src/adapters/keys';
import { knownUsers } from '../../services/core-api/src/adapters/known-users';
import { api } from '../support/api';
import { createTestUser } from '../support/users';

jest.setTimeout(60_000);

const raw = new DynamoDBClient({ endpoint: `http://127.0.0.1:${process.env.DYNAMODB_PORT ?? '8000'}`, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
const client = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
const tables = tablesOf('local');

afterAll(() => client.destroy());

const share = (token: string, userId: string) => api<{ sharedWith: string[] }>('/notes', { method: 'POST', token, body: { title: 'Shared', sharedWith: [userId] } });

describe('backfillKnownUsers', () => {
  it('makes accounts the projection missed sharees, never undoes a recorded deletion, and is idempotent', async () => {
    // Prepare: `before` signed up before the projection existed; `leaving` is being deleted (the projection has
    // its tombstone, the users service has not removed the profile yet).
    const [owner, before, leaving] = await Promise.all([createTestUser('owner'), createTestUser('before'), createTestUser('leaving')]);
    const key = keys.knownUser(before.userId);
    await raw.send(new DeleteItemCommand({ TableName: tables.notes, Key: { pk: { S: key.pk }, sk: { S: key.sk } } }));
    await knownUsers(tableClient({ tableName: tables.notes, client })).recordDeleted(leaving.userId, new Date().toISOString());
    const refusedBefore = await share(owner.accessToken, before.userId);

    // Act
    const first = await backfillKnownUsers(client, tables);
    const second = await backfillKnownUsers(client, tables);

    // Assess
    expect(refusedBefore.status).toBe(400);
    expect(first.recorded).toBeGreaterThanOrEqual(1);
    expect(first.profiles).toBe(first.recorded + first.unchanged);
    expect(second).toEqual({ profiles: second.profiles, recorded: 0, unchanged: second.profiles });
    const sharedWithBefore = await share(owner.accessToken, before.userId);
    expect(sharedWithBefore.status).toBe(201);
    expect(sharedWithBefore.body.sharedWith).toEqual([before.userId]);
    expect((await share(owner.accessToken, leaving.userId)).status).toBe(400);
  });
});

describe('ensureLocalEmailIndex', () => {
  const tableName = `users-index-test-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    await raw.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      }),
    );
  });

  afterAll(async () => {
    await raw.send(new DeleteTableCommand({ TableName: tableName }));
  });

  it('adds the email index to a users table made before it, once', async () => {
    // Act
    const added = await ensureLocalEmailIndex(raw, tableName);
    const again = await ensureLocalEmailIndex(raw, tableName);

    // Assess
    expect(added).toBe(true);
    expect(again).toBe(false);
    const { Table } = await raw.send(new DescribeTableCommand({ TableName: tableName }));
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual(['email']);
  });
});
