// The stream consumer on a fake index: every change kind, re-delivered and reordered batches, crashes in
// the middle of a write, the records it must leave alone, and how many writes one change may cost.
import { createLogger } from '@photonotes/shared/log';
import type { Logger } from '@photonotes/shared/log';
import { lambdaContext } from '@photonotes/shared/testing/api-event';
import { maxShareesPerNote, maxTermsPerNote, maxWritesPerChange, postingSetOf, postingsOf, recordWritesPerChange, termImpacts } from '../../src/domain/index-entry';
import type { NoteSnapshot } from '../../src/domain/index-entry';
import { indexNotesHandler } from '../../src/functions/index-notes';
import { FakeSearchIndex } from './support/fake-search-index';
import { batch, expectedPostings, expectedShares, note, streamRecords } from './support/notes';

const silent = createLogger({ service: 'search', level: 'silent' });

function captureLogger(): { logger: Logger; entries: () => Record<string, unknown>[] } {
  const lines: string[] = [];
  const logger = createLogger({ service: 'search', level: 'debug', write: (line) => lines.push(line) });
  return { logger, entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

function setup() {
  const index = new FakeSearchIndex();
  const handler = indexNotesHandler(() => index, silent);
  const deliver = (event: ReturnType<typeof batch>) => handler(event, lambdaContext());
  return { index, deliver };
}

const v1 = note({ version: 1, title: 'Crème brûlée', body: 'Burn the sugar.' });
const v2 = note({ version: 2, title: 'Crème brûlée', body: 'Caramelise the sugar with a torch.', sharedWith: ['bob'] });
const v3 = note({ version: 3, title: 'Crème brûlée', body: 'Caramelise the sugar with a torch.', sharedWith: [], visibility: 'public' });

describe('indexing the notes stream', () => {
  it('indexes a created note for its owner only, with a document record of that version', async () => {
    // Prepare
    const { index, deliver } = setup();

    // Act
    const result = await deliver(batch(streamRecords.insert(v1)));

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(index.postingsOfNote('n1')).toEqual(expectedPostings(v1));
    expect(index.postingsOfNote('n1').every((posting) => posting.startsWith('USER#alice#'))).toBe(true);
    expect(index.docs.get('n1')).toMatchObject({ version: 1, deleted: false, title: 'Crème brûlée', pending: null, principals: ['user:alice'], postedUnder: ['user:alice'], sharees: [] });
    expect(index.shareCount()).toBe(0);
  });

  it('re-indexes edits, shares, un-shares and visibility exactly: no stale posting survives', async () => {
    // Prepare
    const { index, deliver } = setup();
    await deliver(batch(streamRecords.insert(v1)));

    // Act
    await deliver(batch(streamRecords.modify(v1, v2)));
    const afterShare = index.postingsOfNote('n1');
    const afterShareEntries = index.sharesOfNote('n1');
    await deliver(batch(streamRecords.modify(v2, v3)));

    // Assess: shared, the postings stay the owner's and bob gets a share entry; public, they move to the public partition.
    expect(afterShare).toEqual(expectedPostings(v2));
    expect(afterShare.every((posting) => posting.startsWith('USER#alice#'))).toBe(true);
    expect(afterShare.some((posting) => posting.includes(' burn#'))).toBe(false);
    expect(afterShareEntries).toEqual([{ pk: 'SHARED#bob', entry: { ownerId: 'alice', terms: index.docs.get('n1')?.terms } }]);
    expect(index.postingsOfNote('n1')).toEqual(expectedPostings(v3));
    expect(index.postingsOfNote('n1').every((posting) => posting.startsWith('PUBLIC#'))).toBe(true);
    expect(index.sharesOfNote('n1')).toEqual([]);
    expect(index.docs.get('n1')).toMatchObject({ principals: ['public', 'user:alice'], postedUnder: ['public'], sharees: [] });
  });

  it('writes only the postings that changed when an edit keeps most terms', async () => {
    // Prepare
    const { index, deliver } = setup();
    const original = note({ body: 'alpha beta gamma delta' });
    const edited = note({ version: 2, body: 'alpha beta gamma epsilon' });
    await deliver(batch(streamRecords.insert(original)));
    const writesBefore = index.postingWrites;

    // Act
    await deliver(batch(streamRecords.modify(original, edited)));

    // Assess: delta goes, epsilon comes; the other terms keep their postings.
    expect(index.postingWrites - writesBefore).toBe(2);
    expect(index.postingsOfNote('n1')).toEqual(expectedPostings(edited));
  });

  it('writes one share entry to share a note with one more user, and deletes it to un-share: no posting moves', async () => {
    // Prepare
    const { index, deliver } = setup();
    const shared = { ...v1, version: 2, sharedWith: ['bob'] };
    const unshared = { ...v1, version: 3 };
    await deliver(batch(streamRecords.insert(v1)));
    const postings = index.postingsOfNote('n1');

    // Act
    const before = { postings: index.postingWrites, shares: index.shareWrites };
    await deliver(batch(streamRecords.modify(v1, shared)));
    const afterShare = { postings: index.postingWrites - before.postings, shares: index.shareWrites - before.shares, entries: index.sharesOfNote('n1') };
    await deliver(batch(streamRecords.modify(shared, unshared)));

    // Assess
    expect(postings.length).toBeGreaterThan(0);
    expect(afterShare).toEqual({ postings: 0, shares: 1, entries: expectedShares(shared) });
    expect(index.postingWrites - before.postings).toBe(0);
    expect(index.shareWrites - before.shares).toBe(2);
    expect(index.sharesOfNote('n1')).toEqual([]);
    expect(index.postingsOfNote('n1')).toEqual(postings);
  });

  it("rewrites the sharees' entries when a small note's terms change, and leaves them alone when they do not", async () => {
    // Prepare
    const { index, deliver } = setup();
    const shared = note({ body: 'alpha beta', sharedWith: ['bob', 'carol'] });
    const edited = { ...shared, version: 2, body: 'alpha gamma' };
    const retitledTheSame = { ...edited, version: 3, updatedAt: '2026-11-28T10:00:00.000Z' };
    await deliver(batch(streamRecords.insert(shared)));

    // Act
    const before = index.shareWrites;
    await deliver(batch(streamRecords.modify(shared, edited)));
    const afterEdit = index.shareWrites - before;
    await deliver(batch(streamRecords.modify(edited, retitledTheSame)));

    // Assess
    expect(afterEdit).toBe(2);
    expect(index.shareWrites - before).toBe(2);
    expect(index.sharesOfNote('n1')).toEqual(expectedShares(retitledTheSame));
    expect(index.sharesOfNote('n1')[0]?.entry.terms).toHaveProperty('gamma');
  });

  it('removes every posting of a deleted note and keeps a tombstone of its version', async () => {
    // Prepare
    const { index, deliver } = setup();
    await deliver(batch(streamRecords.insert(v1), streamRecords.modify(v1, v2)));

    // Act
    await deliver(batch(streamRecords.remove(v2)));

    // Assess
    expect(index.postingCount()).toBe(0);
    expect(index.shareCount()).toBe(0);
    expect(index.docs.get('n1')).toMatchObject({ version: 2, deleted: true, pending: null, title: '', body: '' });
  });

  it('applies a re-delivered batch once: same postings, same records, no extra writes', async () => {
    // Prepare
    const { index, deliver } = setup();
    const events = batch(streamRecords.insert(v1), streamRecords.modify(v1, v2), streamRecords.modify(v2, v3));
    await deliver(events);
    const postings = index.postingsOfNote('n1');
    const doc = structuredClone(index.docs.get('n1'));
    const writes = index.writes;

    // Act
    const result = await deliver(events);

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(index.postingsOfNote('n1')).toEqual(postings);
    expect(index.docs.get('n1')).toEqual(doc);
    expect(index.writes).toBe(writes);
  });

  it('never lets an older version overwrite a newer one when records arrive out of order', async () => {
    // Prepare
    const { index, deliver } = setup();

    // Act
    await deliver(batch(streamRecords.modify(v2, v3), streamRecords.insert(v1), streamRecords.modify(v1, v2)));

    // Assess
    expect(index.docs.get('n1')).toMatchObject({ version: 3, pending: null });
    expect(index.postingsOfNote('n1')).toEqual(expectedPostings(v3));
  });

  it('keeps a deleted note deleted when older upserts arrive after its REMOVE', async () => {
    // Prepare
    const { index, deliver } = setup();

    // Act
    await deliver(batch(streamRecords.insert(v1), streamRecords.remove(v2), streamRecords.modify(v1, v2), streamRecords.insert(v1)));

    // Assess
    expect(index.postingCount()).toBe(0);
    expect(index.docs.get('n1')).toMatchObject({ version: 2, deleted: true });
  });

  it('finishes an interrupted re-index when the same record is delivered again', async () => {
    // Prepare
    const { index, deliver } = setup();
    await deliver(batch(streamRecords.insert(v1)));
    index.crashAfterEntryWrites = 3;
    const share = streamRecords.modify(v1, v2);

    // Act
    const failed = await deliver(batch(share));
    const retried = await deliver(batch(share));

    // Assess
    expect(failed.batchItemFailures).toEqual([{ itemIdentifier: share.dynamodb?.SequenceNumber }]);
    expect(retried).toEqual({ batchItemFailures: [] });
    expect(index.docs.get('n1')).toMatchObject({ version: 2, pending: null });
    expect(index.postingsOfNote('n1')).toEqual(expectedPostings(v2));
    expect(index.sharesOfNote('n1')).toEqual(expectedShares(v2));
  });

  it('cleans up after an interrupted version when the next version arrives first', async () => {
    // Prepare: v2's write dies halfway and its record is never retried (retries exhausted).
    const { index, deliver } = setup();
    await deliver(batch(streamRecords.insert(v1)));
    index.crashAfterEntryWrites = 5;
    await deliver(batch(streamRecords.modify(v1, v2)));

    // Act
    await deliver(batch(streamRecords.modify(v2, v3)));

    // Assess
    expect(index.docs.get('n1')).toMatchObject({ version: 3, pending: null });
    expect(index.postingsOfNote('n1')).toEqual(expectedPostings(v3));
    expect(index.sharesOfNote('n1')).toEqual([]);
  });

  it('completes a write that died right before clearing its pending mark', async () => {
    // Prepare
    const { index, deliver } = setup();
    await deliver(batch(streamRecords.insert(v1)));
    index.crashBeforeComplete = true;
    const edit = streamRecords.modify(v1, v2);
    await deliver(batch(edit));
    const pendingAfterCrash = index.docs.get('n1')?.pending;

    // Act
    await deliver(batch(edit));

    // Assess
    expect(pendingAfterCrash).not.toBeNull();
    expect(index.docs.get('n1')?.pending).toBeNull();
    expect(index.postingsOfNote('n1')).toEqual(expectedPostings(v2));
  });

  it("repeats a new note's write that died before its record was written", async () => {
    // Prepare
    const { index, deliver } = setup();
    index.crashAfterEntryWrites = 4;
    const insert = streamRecords.insert(v1);
    await deliver(batch(insert));
    const recordAfterCrash = index.docs.get('n1');

    // Act
    await deliver(batch(insert));

    // Assess
    expect(recordAfterCrash).toBeUndefined();
    expect(index.docs.get('n1')).toMatchObject({ version: 1, pending: null });
    expect(index.postingsOfNote('n1')).toEqual(expectedPostings(v1));
  });

  it('reports a failing record and holds back its note’s later records, while other notes go ahead', async () => {
    // Prepare
    const { index, deliver } = setup();
    const other = note({ id: 'n2', title: 'Later note' });
    index.crashAfterEntryWrites = 0;
    const first = streamRecords.insert(v1);

    // Act
    const result = await deliver(batch(first, streamRecords.insert(other), streamRecords.modify(v1, v2)));
    const afterFailure = { n1: index.docs.get('n1'), n2: index.docs.get('n2') };
    const retried = await deliver(batch(first, streamRecords.insert(other), streamRecords.modify(v1, v2)));

    // Assess
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: first.dynamodb?.SequenceNumber }] });
    expect(afterFailure.n1).toBeUndefined();
    expect(afterFailure.n2).toMatchObject({ version: 1 });
    expect(retried).toEqual({ batchItemFailures: [] });
    expect(index.docs.get('n1')).toMatchObject({ version: 2, pending: null });
    expect(index.postingsOfNote('n1')).toEqual(expectedPostings(v2));
  });

  it('indexes a short note while a long one before it in the same batch is still being written', async () => {
    // Prepare: the long note's writes wait for the short note's record (for a second at most).
    const { index, deliver } = setup();
    const long = note({ id: 'long', body: Array.from({ length: 300 }, (_, i) => `word${i}`).join(' ') });
    const short = note({ id: 'short', ownerId: 'bob', title: 'Groceries' });
    const recorded: string[] = [];
    let shortIndexed: () => void = () => undefined;
    const shortDone = new Promise<void>((resolve) => (shortIndexed = resolve));
    const writeEntries = index.writeEntries.bind(index);
    index.writeEntries = async (noteId, writes) => {
      if (noteId === 'long') await Promise.race([shortDone, new Promise((resolve) => setTimeout(resolve, 1000))]);
      await writeEntries(noteId, writes);
    };
    const putDoc = index.putDoc.bind(index);
    index.putDoc = async (doc, expected) => {
      await putDoc(doc, expected);
      recorded.push(doc.noteId);
      if (doc.noteId === 'short') shortIndexed();
    };

    // Act
    const result = await deliver(batch(streamRecords.insert(long), streamRecords.insert(short)));

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(recorded).toEqual(['short', 'long']);
  });

  it('ignores the other items of the notes table', async () => {
    // Prepare
    const { index, deliver } = setup();

    // Act
    const result = await deliver(batch(streamRecords.other('feed-change', { title: 'x' }), streamRecords.other('share', { note: v1 })));

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(index.docs.size).toBe(0);
    expect(index.postingCount()).toBe(0);
  });

  it("logs each record it applies with the correlation id of the request that wrote the note and the invocation's Lambda context", async () => {
    // Prepare
    const { logger, entries } = captureLogger();
    const index = new FakeSearchIndex();
    const handler = indexNotesHandler(() => index, logger);
    const written = { ...v1, correlationId: 'patch-request-1' };

    // Act
    await handler(batch(streamRecords.insert(written)), lambdaContext({ awsRequestId: 'stream-invocation-1' }));

    // Assess
    expect(entries()).toContainEqual(
      expect.objectContaining({ level: 'info', message: 'Record applied', noteId: 'n1', correlationId: 'patch-request-1', functionRequestId: 'stream-invocation-1' }),
    );
  });

  it('reports a note it cannot read as a failure, logged with its sequence number', async () => {
    // Prepare
    const { logger, entries } = captureLogger();
    const index = new FakeSearchIndex();
    const handler = indexNotesHandler(() => index, logger);
    const malformed = streamRecords.other('note', { id: 'bad', title: 42 });

    // Act
    const result = await handler(batch(malformed, streamRecords.insert(v1)), lambdaContext());

    // Assess
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: malformed.dynamodb?.SequenceNumber }] });
    expect(index.docs.has('bad')).toBe(false);
    expect(entries()).toContainEqual(
      expect.objectContaining({ level: 'error', sequenceNumber: malformed.dynamodb?.SequenceNumber, issues: expect.arrayContaining([expect.stringContaining('newImage.title')]) }),
    );
  });

  it('files a note shared with 50 users once, under its owner, with a share entry each; a public one once, under the public', async () => {
    // Prepare
    const { index, deliver } = setup();
    const sharees = Array.from({ length: 50 }, (_, i) => `user${i}`);
    const shared = note({ sharedWith: sharees });
    const madePublic = { ...shared, version: 2, visibility: 'public' as const };

    // Act
    await deliver(batch(streamRecords.insert(shared)));
    const privately = { principals: index.docs.get('n1')?.principals.length, postings: index.postingsOfNote('n1'), shares: index.sharesOfNote('n1') };
    await deliver(batch(streamRecords.modify(shared, madePublic)));

    // Assess
    expect(privately).toEqual({ principals: 51, postings: expectedPostings(shared), shares: expectedShares(shared) });
    expect(privately.shares).toHaveLength(50);
    expect(index.docs.get('n1')?.principals).toEqual(['public', 'user:alice']);
    expect(index.postingsOfNote('n1')).toEqual(expectedPostings(madePublic));
    expect(index.sharesOfNote('n1')).toEqual([]);
  });

  it('cleans up a record of the earlier layout, which filed postings under every sharee, on its next change', async () => {
    // Prepare: what the indexer wrote before share entries existed (read back with postedUnder = principals).
    const { index, deliver } = setup();
    const legacy = note({ sharedWith: ['bob', 'carol'] });
    const principals = ['user:alice', 'user:bob', 'user:carol'];
    const terms = termImpacts(legacy);
    await index.writeEntries('n1', { postings: { puts: postingsOf(postingSetOf(principals, terms)), deletes: [] }, shares: { puts: [], deletes: [] } });
    const { title, body, ownerId, version, updatedAt } = legacy;
    index.docs.set('n1', { noteId: 'n1', version, deleted: false, ownerId, title, body, updatedAt, principals, postedUnder: principals, sharees: [], terms, pending: null });
    const edited = { ...legacy, version: 2, sharedWith: ['bob'] };

    // Act
    await deliver(batch(streamRecords.modify(legacy, edited)));

    // Assess
    expect(index.postingsOfNote('n1')).toEqual(expectedPostings(edited));
    expect(index.sharesOfNote('n1')).toEqual(expectedShares(edited));
  });
});

describe('index writes per change', () => {
  const sharees = (prefix: string) => Array.from({ length: maxShareesPerNote }, (_, i) => `${prefix}${i}`);
  /** `count` distinct words, none shared with another call's (a different `seed`). */
  const words = (count: number, seed: string) => Array.from({ length: count }, (_, i) => `${seed}${i.toString(36)}`).join(' ');

  it(`indexes a note of 1,200 distinct words shared with 50 users in at most ${maxWritesPerChange} writes`, async () => {
    // Prepare
    const { index, deliver } = setup();
    const heavy = note({ title: 'Heavy', body: words(1200, 'w'), tags: [], sharedWith: sharees('user') });

    // Act
    await deliver(batch(streamRecords.insert(heavy)));

    // Assess: its kept terms once, a share entry per sharee, the record once.
    expect(index.writes).toBe(maxTermsPerNote + maxShareesPerNote + 1);
    expect(index.writes).toBeLessThanOrEqual(maxWritesPerChange);
    expect(index.postingsOfNote('n1')).toEqual(expectedPostings(heavy));
    expect(index.sharesOfNote('n1')).toEqual(expectedShares(heavy));
    expect(index.sharesOfNote('n1').every((share) => share.entry.terms === null)).toBe(true);
  });

  it(`keeps every change of such a note within ${maxWritesPerChange} writes, the worst ones included`, async () => {
    // Prepare: each version replaces every word; the sharees are replaced, the note goes public and back.
    const { index, deliver } = setup();
    const versions = [
      note({ version: 1, title: 'atitle', body: words(1200, 'a'), tags: [], sharedWith: sharees('x') }),
      note({ version: 2, title: 'btitle', body: words(1200, 'b'), tags: [], sharedWith: sharees('y') }),
      note({ version: 3, title: 'ctitle', body: words(1200, 'c'), tags: [], visibility: 'public' }),
      note({ version: 4, title: 'dtitle', body: words(1200, 'd'), tags: [], sharedWith: sharees('z') }),
    ];
    const records = [streamRecords.insert(versions[0] as NoteSnapshot), ...versions.slice(1).map((next, i) => streamRecords.modify(versions[i] as NoteSnapshot, next)), streamRecords.remove(versions[3] as NoteSnapshot)];

    // Act
    const costs: number[] = [];
    const states: Array<{ postings: boolean; shares: boolean }> = [];
    for (const [i, record] of records.entries()) {
      const before = index.writes;
      await deliver(batch(record));
      costs.push(index.writes - before);
      const version = versions[i];
      if (version) states.push({ postings: sameList(index.postingsOfNote('n1'), expectedPostings(version)), shares: sameList(index.sharesOfNote('n1'), expectedShares(version)) });
    }

    // Assess
    expect(Math.max(...costs)).toBeLessThanOrEqual(maxWritesPerChange);
    expect(costs[1]).toBe(2 * maxTermsPerNote + 2 * maxShareesPerNote + recordWritesPerChange);
    expect(states.every((state) => state.postings && state.shares)).toBe(true);
    expect(index.postingCount() + index.shareCount()).toBe(0);
  });
});

function sameList<T>(a: T[], b: T[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
