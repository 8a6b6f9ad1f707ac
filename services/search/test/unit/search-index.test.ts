// The DynamoDB adapter on a stand-in client: the share entries it writes, how it reads a user's entries, how it
// stores a record's terms, how it reads a document record written before share entries existed, and how the
// indexer's reads and writes of notes handled side by side go out together.
import { BatchGetCommand, BatchWriteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createLogger } from '@photonotes/shared/log';
import type { DocumentSender } from '@photonotes/shared/dynamodb';
import { lambdaContext } from '@photonotes/shared/testing/api-event';
import { searchIndex } from '../../src/adapters/search-index';
import { indexNotesHandler } from '../../src/functions/index-notes';
import { batch, note, streamRecords } from './support/notes';

type Command = Parameters<DocumentSender['send']>[0];

function stubClient(respond: (command: Command) => unknown) {
  const sent: Command[] = [];
  const client: DocumentSender = {
    send: async (command) => {
      sent.push(command);
      return respond(command);
    },
  };
  return { client, sent };
}

describe('searchIndex', () => {
  it('writes share entries with the note’s terms only when they are given, and deletes them by sharee', async () => {
    // Prepare
    const { client, sent } = stubClient(() => ({}));
    const index = searchIndex({ tableName: 'index', client });

    // Act
    await index.writeEntries('n1', {
      postings: { puts: [{ principal: 'user:alice', term: 'kiwi', impact: 5000 }], deletes: [] },
      shares: { puts: [{ userId: 'bob', ownerId: 'alice', terms: { kiwi: 5000 } }, { userId: 'carol', ownerId: 'alice', terms: null }], deletes: ['dave'] },
    });

    // Assess
    const requests = sent.flatMap((command) => (command instanceof BatchWriteCommand ? (command.input.RequestItems?.index ?? []) : []));
    expect(requests).toEqual([
      { PutRequest: { Item: { pk: 'SHARED#bob', sk: 'n1', entity: 'share', ownerId: 'alice', terms: 'kiwi:5000' } } },
      { PutRequest: { Item: { pk: 'SHARED#carol', sk: 'n1', entity: 'share', ownerId: 'alice' } } },
      { PutRequest: { Item: { pk: 'USER#alice#ki', sk: 'kiwi#4999#n1' } } },
      { DeleteRequest: { Key: { pk: 'SHARED#dave', sk: 'n1' } } },
    ]);
  });

  it('reads a user’s entries with one Query, up to the limit', async () => {
    // Prepare
    const items = [
      { sk: 'n1', ownerId: 'alice', terms: 'kiwi:5000 pie:120' },
      { sk: 'n2', ownerId: 'carol' },
      { sk: 'n3', ownerId: 'carol' },
    ];
    const { client, sent } = stubClient(() => ({ Items: items }));
    const index = searchIndex({ tableName: 'index', client });

    // Act
    const shared = await index.sharedWith('bob', 2);

    // Assess
    expect(shared).toEqual([
      { noteId: 'n1', ownerId: 'alice', terms: { kiwi: 5000, pie: 120 } },
      { noteId: 'n2', ownerId: 'carol', terms: null },
    ]);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeInstanceOf(QueryCommand);
    expect((sent[0] as QueryCommand).input).toMatchObject({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'SHARED#bob' }, Limit: 2 });
  });

  it('stores a record’s terms as one string and reads them back', async () => {
    // Prepare
    let stored: Record<string, unknown> | undefined;
    const { client } = stubClient((command) => {
      if (command instanceof PutCommand) stored = command.input.Item;
      return command instanceof GetCommand ? { Item: stored } : {};
    });
    const index = searchIndex({ tableName: 'index', client });
    const terms: Record<string, number> = { kiwi: 5000, constructor: 7 };
    Object.defineProperty(terms, '__proto__', { value: 12, enumerable: true });

    // Act
    await index.putDoc({ noteId: 'n1', version: 1, deleted: false, ownerId: 'alice', title: 't', body: '', updatedAt: '', principals: ['user:alice'], postedUnder: ['user:alice'], sharees: [], terms, pending: null }, null);
    const doc = await index.getDoc('n1');

    // Assess
    expect(stored?.terms).toBe('kiwi:5000 constructor:7 __proto__:12');
    expect(Object.entries(doc?.terms ?? {})).toEqual([['kiwi', 5000], ['constructor', 7], ['__proto__', 12]]);
    expect(Object.getPrototypeOf(doc?.terms)).toBe(Object.prototype);
  });

  it('reads a record of the earlier layout as postings under every principal and no share entries', async () => {
    // Prepare
    const legacy = {
      pk: 'DOC#n1',
      sk: 'DOC',
      entity: 'doc',
      noteId: 'n1',
      version: 3,
      deleted: false,
      ownerId: 'alice',
      title: 't',
      body: 'b',
      updatedAt: '2026-11-28T09:00:00.000Z',
      principals: ['user:alice', 'user:bob'],
      terms: { t: 9000 },
      pending: { principals: ['user:carol'], terms: { old: [10] } },
    };
    const { client } = stubClient((command) => (command instanceof GetCommand ? { Item: legacy } : {}));
    const index = searchIndex({ tableName: 'index', client });

    // Act
    const doc = await index.getDoc('n1');

    // Assess
    expect(doc).toMatchObject({ principals: ['user:alice', 'user:bob'], postedUnder: ['user:alice', 'user:bob'], sharees: [], terms: { t: 9000 }, pending: { principals: ['user:carol'], terms: { old: [10] }, sharees: [] } });
  });

  it('indexes a batch of 50 new notes with one record read and full batch writes, not three requests a note', async () => {
    // Prepare: the load run's case (many small new notes); a batch of 50 once took 150 requests, four notes at a time.
    const { client, sent } = stubClient(() => ({}));
    const handler = indexNotesHandler(() => searchIndex({ tableName: 'index', client }), createLogger({ service: 'search', level: 'silent' }));
    const notes = Array.from({ length: 50 }, (_, i) => note({ id: `n${i}`, title: `Load note marker${i}`, body: `Written by load user ${i}.`, tags: ['load'] }));

    // Act
    const result = await handler(batch(...notes.map((snapshot) => streamRecords.insert(snapshot))), lambdaContext());

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    const count = (type: new (...args: never[]) => unknown) => sent.filter((command) => command instanceof type).length;
    const written = sent.flatMap((command) => (command instanceof BatchWriteCommand ? (command.input.RequestItems?.index ?? []) : []));
    expect({ gets: count(GetCommand), batchGets: count(BatchGetCommand), puts: count(PutCommand) }).toEqual({ gets: 0, batchGets: 1, puts: 50 });
    expect(count(BatchWriteCommand)).toBe(Math.ceil(written.length / 25));
    expect(new Set(written.map((request) => String(request.PutRequest?.Item?.sk).split('#').pop()))).toEqual(new Set(notes.map((snapshot) => snapshot.id)));
  });

  it('writes the entries of a note alone when a shared batch write fails, so only that note fails', async () => {
    // Prepare: every request that holds n2's entries fails, as a poison item would.
    const { client, sent } = stubClient((command) => {
      const items = command instanceof BatchWriteCommand ? (command.input.RequestItems?.index ?? []) : [];
      if (items.some((request) => String(request.PutRequest?.Item?.sk).endsWith('#n2'))) throw new Error('ValidationException');
      return {};
    });
    const index = searchIndex({ tableName: 'index', client });
    const writes = (noteId: string) => ({ postings: { puts: [{ principal: 'user:alice', term: `kiwi${noteId}`, impact: 5000 }], deletes: [] }, shares: { puts: [], deletes: [] } });

    // Act
    const outcomes = await Promise.allSettled(['n1', 'n2', 'n3'].map((noteId) => index.writeEntries(noteId, writes(noteId))));

    // Assess: one shared request, then each note alone; n1 and n3 written, n2's caller sees the error.
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const requests = sent.filter((command) => command instanceof BatchWriteCommand).map((command) => ((command as BatchWriteCommand).input.RequestItems?.index ?? []).length);
    expect(requests[0]).toBe(3);
    expect(requests.slice(1).sort()).toEqual([1, 1, 1]);
  });

  it('reads the records of notes asked for in the same turn with one consistent BatchGetItem', async () => {
    // Prepare
    const stored = [{ pk: 'DOC#n1', sk: 'DOC', entity: 'doc', noteId: 'n1', version: 2, deleted: false, ownerId: 'alice', title: 't', body: '', updatedAt: '', principals: ['user:alice'], terms: 'kiwi:5000' }];
    const { client, sent } = stubClient((command) => (command instanceof BatchGetCommand ? { Responses: { index: stored } } : {}));
    const index = searchIndex({ tableName: 'index', client });

    // Act
    const [first, second] = await Promise.all([index.getDoc('n1'), index.getDoc('n2')]);

    // Assess
    expect(first).toMatchObject({ noteId: 'n1', version: 2, terms: { kiwi: 5000 } });
    expect(second).toBeUndefined();
    expect(sent).toHaveLength(1);
    expect((sent[0] as BatchGetCommand).input.RequestItems?.index).toMatchObject({ Keys: [{ pk: 'DOC#n1', sk: 'DOC' }, { pk: 'DOC#n2', sk: 'DOC' }], ConsistentRead: true });
  });
});
