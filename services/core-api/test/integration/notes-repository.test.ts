// The DynamoDB repository against DynamoDB Local (the platform's), on a table of its own: what the HTTP
// tests cannot arrange, such as writers whose clocks disagree, and the item shapes stream consumers read.
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../src/adapters/keys';
import { notesRepository } from '../../src/adapters/notes-repository';
import { sharedFeed } from '../../src/adapters/shared-feed';
import { tableClient } from '@photonotes/shared/dynamodb';
import { applyChanges } from '../support/notes-api';
import type { Note } from '../support/notes-api';
import type { StoredNote } from '../../src/domain/note';
import { ChangeTooLargeError, WriteConflictError } from '../../src/domain/ports';
import { writeAttempts } from '../../src/domain/write-attempts';
import type { ShareeChange } from '../../src/domain/shared-feed';

jest.setTimeout(60_000);

process.env.CURSOR_SECRET ??= 'repository-test-cursor-secret';
const tableName = `core-api-repository-test-${randomUUID().slice(0, 8)}`;
const raw = new DynamoDBClient({ endpoint: `http://127.0.0.1:${process.env.DYNAMODB_PORT ?? '8000'}`, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
const client = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });

beforeAll(async () => {
  const throughput = { ReadCapacityUnits: 5, WriteCapacityUnits: 5 };
  await raw.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: ['pk', 'sk', 'gsi1pk', 'gsi1sk'].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'gsi1',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
          ProvisionedThroughput: throughput,
        },
      ],
      ProvisionedThroughput: throughput,
    }),
  );
});

afterAll(async () => {
  await raw.send(new DeleteTableCommand({ TableName: tableName }));
  client.destroy();
});

function note(ownerId: string, overrides: Partial<StoredNote> = {}): StoredNote {
  const now = new Date().toISOString();
  return { id: randomUUID(), ownerId, title: 'T', body: '', tags: [], visibility: 'private', sharedWith: [], photo: null, version: 1, createdAt: now, updatedAt: now, createHash: 'h', ...overrides };
}

/** The domain's retry layer around one repository write: the repository itself tries each write once. */
async function retryingConflicts(write: () => Promise<void>): Promise<number> {
  let conflicts = 0;
  for await (const _attempt of writeAttempts()) {
    try {
      await write();
      return conflicts;
    } catch (err) {
      if (!(err instanceof WriteConflictError)) throw err;
      conflicts++;
    }
  }
  throw new Error('The write kept conflicting');
}

describe('notesRepository', () => {
  it('keeps the feed in commit order for writers whose clocks disagree, so a syncing reader misses nothing', async () => {
    // Prepare: three "Lambdas", one a second slow and one a second fast.
    const owner = randomUUID();
    const writers = [-1000, 0, 1000].map((skew) => notesRepository({ tableName, client, clock: { now: () => new Date(Date.now() + skew) } }));
    const reader = notesRepository({ tableName, client });
    let cursor: string | undefined;
    let state = new Map<string, Note>();
    let writing = true;
    const sync = async () => {
      for (;;) {
        const page = await reader.changesSince(owner, 'own', cursor, 500);
        state = applyChanges(state, page.changes as Parameters<typeof applyChanges>[1]);
        cursor = page.cursor;
        if (!page.hasMore) return;
      }
    };

    // Act
    const syncing = (async () => {
      while (writing) await sync();
    })();
    const notes = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const writer = writers[i % writers.length] as (typeof writers)[number];
        let current = note(owner, { title: `n${i}` });
        const first = current;
        await retryingConflicts(() => writer.insertNote(first));
        for (let v = 2; v <= 4; v++) {
          const next = { ...current, version: v, body: `v${v}` };
          await retryingConflicts(async () => writers[(i + v) % writers.length]?.replaceNote((await reader.getNote(next.id)) as StoredNote, next));
          current = next;
        }
        return current;
      }),
    ).finally(() => {
      writing = false;
    });
    await syncing;
    await sync();

    // Assess
    expect([...state.values()].map((n) => `${n.id}:${n.version}`).sort()).toEqual(notes.map((n) => `${n.id}:4`).sort());
  });

  it('keeps one feed entry per note (compaction) and stores notes and shares as stream consumers expect', async () => {
    // Prepare
    const owner = randomUUID();
    const repo = notesRepository({ tableName, client });
    const first = note(owner, { sharedWith: ['friend-1'] });
    await repo.insertNote(first);

    // Act
    await repo.replaceNote((await repo.getNote(first.id)) as StoredNote, { ...first, version: 2, title: 'Edited' });
    await repo.replaceNote((await repo.getNote(first.id)) as StoredNote, { ...first, version: 3, title: 'Edited again' });

    // Assess
    const feed = await client.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.feedPartition(owner) } }));
    expect(feed.Items?.map((item) => item.entity).sort()).toEqual(['feed-change', 'feed-head']);
    const noteItem = await client.send(new GetCommand({ TableName: tableName, Key: keys.note(first.id) }));
    expect(noteItem.Item).toMatchObject({ entity: 'note', id: first.id, ownerId: owner, title: 'Edited again', version: 3, sharedWith: ['friend-1'] });
    const share = await client.send(new GetCommand({ TableName: tableName, Key: keys.share(first.id, 'friend-1') }));
    expect(share.Item).toMatchObject({ entity: 'share', noteId: first.id, userId: 'friend-1', note: { title: 'Edited again', version: 3 } });
  });

  it('refuses a change that cannot fit one transaction instead of splitting it', async () => {
    // Prepare
    const owner = randomUUID();
    const repo = notesRepository({ tableName, client });
    const sharedWith = Array.from({ length: 50 }, (_, i) => `old-${i}`);
    const stored = note(owner, { sharedWith });
    await repo.insertNote(stored);
    const current = (await repo.getNote(stored.id)) as StoredNote;

    // Act
    const attempt = repo.replaceNote(current, { ...current, version: 2, sharedWith: sharedWith.map((id) => id.replace('old', 'new')) });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ChangeTooLargeError);
    expect(await repo.getNote(stored.id)).toMatchObject({ version: 1, sharedWith });
  });

  it('makes a writer whose clock is behind the feed head conflict once, then write after the head', async () => {
    // Prepare: a process whose clock runs an hour ahead has written the owner's head.
    const owner = randomUUID();
    const ahead = notesRepository({ tableName, client, clock: { now: () => new Date(Date.now() + 3_600_000) } });
    const behind = notesRepository({ tableName, client });
    await ahead.insertNote(note(owner));
    const head = await client.send(new GetCommand({ TableName: tableName, Key: keys.feedHead(owner) }));
    const later = note(owner);

    // Act
    const conflicts = await retryingConflicts(() => behind.insertNote(later));

    // Assess
    expect(conflicts).toBe(1);
    const stored = await behind.getNote(later.id);
    expect(stored?.changeSeq).toBeGreaterThan(Number(head.Item?.lastSeq));
  });

  it('purges an account: its feed, the tombstones it records and its upload records', async () => {
    // Prepare
    const owner = randomUUID();
    const repo = notesRepository({ tableName, client });
    const kept = note(owner);
    const deleted = note(owner, { photo: { key: `uploads/${owner}/photo.jpg`, status: 'pending', thumbnails: null } });
    await repo.insertNote(kept);
    await repo.insertNote(deleted, { key: `uploads/${owner}/photo.jpg`, processed: null });
    await repo.removeNote((await repo.getNote(deleted.id)) as StoredNote, new Date().toISOString());
    await repo.removeNote((await repo.getNote(kept.id)) as StoredNote, new Date().toISOString(), { keepHistory: false });
    const idsBefore: string[] = [];
    for await (const id of repo.ownNoteIds(owner)) idsBefore.push(id);

    // Act
    await repo.purgeAccount(owner);

    // Assess
    expect(idsBefore).toEqual([]);
    const feed = await client.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.feedPartition(owner) }, ConsistentRead: true }));
    expect(feed.Items).toEqual([]);
    const tombstone = await client.send(new GetCommand({ TableName: tableName, Key: keys.tombstone(deleted.id) }));
    expect(tombstone.Item).toBeUndefined();
    const upload = await client.send(new GetCommand({ TableName: tableName, Key: keys.media(`uploads/${owner}/photo.jpg`) }));
    expect(upload.Item).toBeUndefined();
  });

  it('never purges the feed entry of a live note, so a later run of the clean-up still finds it', async () => {
    // Prepare: a note written after the account's notes were read for removal (it raced the deletion).
    const owner = randomUUID();
    const repo = notesRepository({ tableName, client });
    const key = `uploads/${owner}/raced.jpg`;
    const raced = note(owner, { photo: { key, status: 'pending', thumbnails: null } });
    await repo.insertNote(raced, { key, processed: null });

    // Act
    await repo.purgeAccount(owner);
    const ids: string[] = [];
    for await (const id of repo.ownNoteIds(owner)) ids.push(id);
    const uploadWhileLinked = await client.send(new GetCommand({ TableName: tableName, Key: keys.media(key) }));
    await repo.removeNote((await repo.getNote(raced.id)) as StoredNote, new Date().toISOString(), { keepHistory: false });
    await repo.purgeAccount(owner);

    // Assess: the first purge kept the note's entry and upload record, the run after it removes both.
    expect(ids).toEqual([raced.id]);
    expect(uploadWhileLinked.Item).toBeDefined();
    const feed = await client.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.feedPartition(owner) }, ConsistentRead: true }));
    expect(feed.Items).toEqual([]);
    expect((await client.send(new GetCommand({ TableName: tableName, Key: keys.media(key) }))).Item).toBeUndefined();
  });
});

describe('sharedFeed', () => {
  const feedOn = (skewMs = 0) => sharedFeed(tableClient({ tableName, client }), { now: () => new Date(Date.now() + skewMs) });
  const upsert = (userId: string, shared: StoredNote): ShareeChange => ({ userId, noteId: shared.id, version: shared.version, deleted: false, change: { op: 'upsert', note: shared } });

  it('keeps one user’s shared feed in commit order for writers whose clocks disagree, so a syncing reader misses nothing', async () => {
    // Prepare: three publishers, one a second slow and one a second fast, writing changes of 12 notes into one feed.
    const sharee = randomUUID();
    const writers = [-1000, 0, 1000].map((skew) => feedOn(skew));
    const reader = notesRepository({ tableName, client });
    let cursor: string | undefined;
    let state = new Map<string, Note>();
    let writing = true;
    const sync = async () => {
      for (;;) {
        const page = await reader.changesSince(sharee, 'shared', cursor, 500);
        state = applyChanges(state, page.changes as Parameters<typeof applyChanges>[1]);
        cursor = page.cursor;
        if (!page.hasMore) return;
      }
    };
    const notes = Array.from({ length: 12 }, (_, i) => note(randomUUID(), { title: `n${i}`, sharedWith: [sharee] }));

    // Act
    const syncing = (async () => {
      while (writing) await sync();
    })();
    const outcomes = await Promise.all(
      notes.map(async (shared, i) => {
        const results = [];
        for (let v = 1; v <= 4; v++) {
          const version = { ...shared, version: v, body: `v${v}` };
          const writer = writers[(i + v) % writers.length] as (typeof writers)[number];
          results.push(await retryingRecord(() => writer.record(upsert(sharee, version))));
        }
        return results;
      }),
    ).finally(() => {
      writing = false;
    });
    await syncing;
    await sync();

    // Assess
    expect(outcomes.flat().every((outcome) => outcome === 'recorded')).toBe(true);
    expect([...state.values()].map((n) => `${n.id}:${n.version}`).sort()).toEqual(notes.map((n) => `${n.id}:4`).sort());
    const partition = await client.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.sharedPartition(sharee) }, ConsistentRead: true }));
    expect(partition.Items?.filter((item) => item.entity === 'shared-change')).toHaveLength(12);
  });

  it('ignores a stale or repeated change, replaces an upsert with the delete of its version, and refuses writes once the account is purged', async () => {
    // Prepare
    const sharee = randomUUID();
    const feed = feedOn();
    const shared = note(randomUUID(), { sharedWith: [sharee], version: 3 });
    await feed.record(upsert(sharee, shared));

    // Act
    const stale = await feed.record(upsert(sharee, { ...shared, version: 2 }));
    const repeated = await feed.record(upsert(sharee, shared));
    const unshared = await feed.record({ userId: sharee, noteId: shared.id, version: 3, deleted: true, change: { op: 'delete', id: shared.id, deletedAt: shared.updatedAt } });
    const page = await feed.sliceAfter(sharee, 0, 10);
    await feed.purge(sharee);
    const afterPurge = await feed.record(upsert(sharee, { ...shared, version: 4 }));

    // Assess
    expect([stale, repeated, unshared, afterPurge]).toEqual(['stale', 'stale', 'recorded', 'closed']);
    expect(page.entries.map((entry) => entry.change)).toEqual([{ op: 'delete', id: shared.id, deletedAt: shared.updatedAt }]);
    const partition = await client.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.sharedPartition(sharee) }, ConsistentRead: true }));
    expect(partition.Items).toEqual([expect.objectContaining({ sk: 'HEAD', closedAt: expect.any(String), expiresAt: expect.any(Number) })]);
  });
});

/** The domain's retry of a shared feed write (domain/shared-feed.ts): the adapter tries once. */
async function retryingRecord(write: () => Promise<string>): Promise<string> {
  for await (const _attempt of writeAttempts()) {
    try {
      return await write();
    } catch (err) {
      if (!(err instanceof WriteConflictError)) throw err;
    }
  }
  throw new Error('The shared feed write kept conflicting');
}

