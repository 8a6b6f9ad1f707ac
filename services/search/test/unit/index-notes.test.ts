// The stream consumer on a fake index: every change kind, re-delivered and reordered batches, crashes in
// the middle of a write, and the records it must leave alone.
import { createLogger } from '@photonotes/shared/log';
import type { Logger } from '@photonotes/shared/log';
import { lambdaContext } from '@photonotes/shared/testing/api-event';
import { indexNotesHandler } from '../../src/functions/index-notes';
import { FakeSearchIndex } from './support/fake-search-index';
import { batch, expectedPostings, note, streamRecords } from './support/notes';

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
    expect(index.docs.get('n1')).toMatchObject({ version: 1, deleted: false, title: 'Crème brûlée', pending: null, principals: ['user:alice'] });
  });

  it('re-indexes edits, shares, un-shares and visibility exactly: no stale posting survives', async () => {
    // Prepare
    const { index, deliver } = setup();
    await deliver(batch(streamRecords.insert(v1)));

    // Act
    await deliver(batch(streamRecords.modify(v1, v2)));
    const afterShare = index.postingsOfNote('n1');
    await deliver(batch(streamRecords.modify(v2, v3)));

    // Assess
    expect(afterShare).toEqual(expectedPostings(v2));
    expect(afterShare.some((posting) => posting.startsWith('USER#bob#'))).toBe(true);
    expect(afterShare.some((posting) => posting.includes(' burn#'))).toBe(false);
    expect(index.postingsOfNote('n1')).toEqual(expectedPostings(v3));
    expect(index.postingsOfNote('n1').some((posting) => posting.startsWith('USER#bob#'))).toBe(false);
    expect(index.postingsOfNote('n1').some((posting) => posting.startsWith('PUBLIC#'))).toBe(true);
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

  it('re-indexes only the principal that changed when a note is shared or un-shared', async () => {
    // Prepare
    const { index, deliver } = setup();
    const shared = { ...v1, version: 2, sharedWith: ['bob'] };
    const unshared = { ...v1, version: 3 };
    await deliver(batch(streamRecords.insert(v1)));
    const termCount = Object.keys(index.docs.get('n1')?.terms ?? {}).length;

    // Act
    const before = index.postingWrites;
    await deliver(batch(streamRecords.modify(v1, shared)));
    const shareWrites = index.postingWrites - before;
    await deliver(batch(streamRecords.modify(shared, unshared)));
    const unshareWrites = index.postingWrites - before - shareWrites;

    // Assess
    expect(termCount).toBeGreaterThan(0);
    expect(shareWrites).toBe(termCount);
    expect(unshareWrites).toBe(termCount);
    expect(index.postingsOfNote('n1')).toEqual(expectedPostings(unshared));
  });

  it('removes every posting of a deleted note and keeps a tombstone of its version', async () => {
    // Prepare
    const { index, deliver } = setup();
    await deliver(batch(streamRecords.insert(v1), streamRecords.modify(v1, v2)));

    // Act
    await deliver(batch(streamRecords.remove(v2)));

    // Assess
    expect(index.postingCount()).toBe(0);
    expect(index.docs.get('n1')).toMatchObject({ version: 2, deleted: true, pending: null, title: '', body: '' });
  });

  it('applies a re-delivered batch once: same postings, same records, no extra writes', async () => {
    // Prepare
    const { index, deliver } = setup();
    const events = batch(streamRecords.insert(v1), streamRecords.modify(v1, v2), streamRecords.modify(v2, v3));
    await deliver(events);
    const postings = index.postingsOfNote('n1');
    const doc = structuredClone(index.docs.get('n1'));
    const writes = index.postingWrites;

    // Act
    const result = await deliver(events);

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(index.postingsOfNote('n1')).toEqual(postings);
    expect(index.docs.get('n1')).toEqual(doc);
    expect(index.postingWrites).toBe(writes);
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
    index.crashAfterPostingWrites = 3;
    const share = streamRecords.modify(v1, v2);

    // Act
    const failed = await deliver(batch(share));
    const retried = await deliver(batch(share));

    // Assess
    expect(failed.batchItemFailures).toEqual([{ itemIdentifier: share.dynamodb?.SequenceNumber }]);
    expect(retried).toEqual({ batchItemFailures: [] });
    expect(index.docs.get('n1')).toMatchObject({ version: 2, pending: null });
    expect(index.postingsOfNote('n1')).toEqual(expectedPostings(v2));
  });

  it('cleans up after an interrupted version when the next version arrives first', async () => {
    // Prepare: v2's write dies halfway and its record is never retried (retries exhausted).
    const { index, deliver } = setup();
    await deliver(batch(streamRecords.insert(v1)));
    index.crashAfterPostingWrites = 5;
    await deliver(batch(streamRecords.modify(v1, v2)));

    // Act
    await deliver(batch(streamRecords.modify(v2, v3)));

    // Assess
    expect(index.docs.get('n1')).toMatchObject({ version: 3, pending: null });
    expect(index.postingsOfNote('n1')).toEqual(expectedPostings(v3));
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
    index.crashAfterPostingWrites = 4;
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

  it('stops at a failing record and reports it, leaving later records for the retry', async () => {
    // Prepare
    const { index, deliver } = setup();
    const other = note({ id: 'n2', title: 'Later note' });
    index.crashAfterPostingWrites = 0;
    const first = streamRecords.insert(v1);

    // Act
    const result = await deliver(batch(first, streamRecords.insert(other)));

    // Assess
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: first.dynamodb?.SequenceNumber }] });
    expect(index.docs.has('n2')).toBe(false);
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

  it('reports a note it cannot read as a failure, logged with its sequence number, and stops there', async () => {
    // Prepare
    const { logger, entries } = captureLogger();
    const index = new FakeSearchIndex();
    const handler = indexNotesHandler(() => index, logger);
    const malformed = streamRecords.other('note', { id: 'bad', title: 42 });

    // Act
    const result = await handler(batch(malformed, streamRecords.insert(v1)), lambdaContext());

    // Assess
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: malformed.dynamodb?.SequenceNumber }] });
    expect(index.docs.size).toBe(0);
    expect(entries()).toContainEqual(
      expect.objectContaining({ level: 'error', sequenceNumber: malformed.dynamodb?.SequenceNumber, issues: expect.arrayContaining([expect.stringContaining('newImage.title')]) }),
    );
  });

  it('indexes a private note under each sharee, and a public one only under its owner and the public', async () => {
    // Prepare
    const { index, deliver } = setup();
    const sharees = Array.from({ length: 50 }, (_, i) => `user${i}`);
    const shared = note({ sharedWith: sharees });
    const madePublic = { ...shared, version: 2, visibility: 'public' as const };

    // Act
    await deliver(batch(streamRecords.insert(shared)));
    const privately = { principals: index.docs.get('n1')?.principals.length, postings: index.postingsOfNote('n1') };
    await deliver(batch(streamRecords.modify(shared, madePublic)));

    // Assess
    expect(privately).toEqual({ principals: 51, postings: expectedPostings(shared) });
    expect(index.docs.get('n1')?.principals).toEqual(['public', 'user:alice']);
    expect(index.postingsOfNote('n1')).toEqual(expectedPostings(madePublic));
  });
});
