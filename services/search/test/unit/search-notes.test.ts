// Searching the fake index, filled through the real indexing code: visibility, matching rules, ranking,
// pages and cursors, and the bounds on the work one query may do.
import { ValidationError } from '@photonotes/shared/errors';
import { fakeMetrics, noMetrics } from '@photonotes/shared/metrics';
import { applyNoteChange } from '../../src/domain/apply-note-change';
import { maxShareEntryTerms } from '../../src/domain/index-entry';
import type { NoteSnapshot } from '../../src/domain/index-entry';
import { maxDocReadsPerPage, maxOwnerReads, maxReadTerms, postingsPerTerm, searchNotes } from '../../src/domain/search-notes';
import type { SearchPage } from '../../src/domain/search-notes';
import { FakeSearchIndex } from './support/fake-search-index';
import { note } from './support/notes';

process.env.CURSOR_SECRET ??= 'unit-test-cursor-secret';

async function indexed(notes: Partial<NoteSnapshot>[]): Promise<FakeSearchIndex> {
  const index = new FakeSearchIndex();
  for (const [i, fields] of notes.entries()) await applyNoteChange({ kind: 'upsert', note: note({ id: `n${i + 1}`, body: '', tags: [], ...fields }) }, { index });
  return index;
}

const ids = (page: SearchPage) => page.items.map((item) => item.id);

/** A body with more distinct words than a share entry carries: such a note is found through its owner's postings. */
const longBody = (extra = '') => `${Array.from({ length: maxShareEntryTerms + 6 }, (_, i) => `filler${i}`).join(' ')} ${extra}`;

function search(index: FakeSearchIndex, q: string, caller = 'alice', options: { limit?: number; cursor?: string } = {}) {
  return searchNotes({ q, limit: options.limit ?? 20, cursor: options.cursor }, caller, { index, metrics: noMetrics, nowMs: () => performance.now() });
}

describe('searchNotes: what the caller may see', () => {
  it('finds own, shared and public notes, and nothing of anyone else', async () => {
    // Prepare
    const index = await indexed([
      { ownerId: 'alice', title: 'apple own' },
      { ownerId: 'bob', title: 'apple shared', sharedWith: ['alice'] },
      { ownerId: 'carol', title: 'apple public', visibility: 'public' },
      { ownerId: 'dave', title: 'apple private' },
      { ownerId: 'dave', title: 'apple shared with erin', sharedWith: ['erin'] },
    ]);

    // Act
    const alice = await search(index, 'apple');
    const stranger = await search(index, 'apple', 'mallory');

    // Assess
    expect(ids(alice).sort()).toEqual(['n1', 'n2', 'n3']);
    expect(ids(stranger)).toEqual(['n3']);
  });

  it('lists an own public note once', async () => {
    // Prepare
    const index = await indexed([{ ownerId: 'alice', title: 'apple', visibility: 'public', sharedWith: ['bob'] }]);

    // Act
    const page = await search(index, 'apple');

    // Assess
    expect(ids(page)).toEqual(['n1']);
  });

  it('drops a note whose postings outlived its visibility (a re-index still deleting them)', async () => {
    // Prepare: bob's postings still exist, but the record already says the note is no longer shared.
    const index = await indexed([{ ownerId: 'alice', title: 'apple', sharedWith: ['bob'] }]);
    const doc = index.docs.get('n1');
    if (doc) doc.principals = ['user:alice'];

    // Act
    const page = await search(index, 'apple', 'bob');

    // Assess
    expect(page).toEqual({ items: [], nextCursor: null });
  });
});

describe('searchNotes: notes shared with the caller', () => {
  it('finds a shared note with many words through its owner’s postings, and none of the owner’s other notes', async () => {
    // Prepare
    const index = await indexed([
      { ownerId: 'bob', title: 'apple shared', body: longBody(), sharedWith: ['alice'] },
      { ownerId: 'bob', title: 'apple private', body: longBody() },
      { ownerId: 'bob', title: 'apple for carol', body: longBody(), sharedWith: ['carol'] },
    ]);

    // Act
    const alice = await search(index, 'apple');
    const prefix = await search(index, 'filler3 appl');
    const carol = await search(index, 'apple', 'carol');

    // Assess
    expect(ids(alice)).toEqual(['n1']);
    expect(ids(prefix)).toEqual(['n1']);
    expect(ids(carol)).toEqual(['n3']);
    expect(index.queries.some((query) => query.principal === 'user:bob')).toBe(true);
  });

  it('matches a shared note with few words on its share entry, without reading its owner’s postings', async () => {
    // Prepare
    const index = await indexed([{ ownerId: 'bob', title: 'Crème brûlée', body: 'caramel', sharedWith: ['alice'] }]);

    // Act
    const page = await search(index, 'CARAMEL brul');

    // Assess
    expect(ids(page)).toEqual(['n1']);
    expect(index.queries.every((query) => query.principal !== 'user:bob')).toBe(true);
  });

  it('ranks shared notes with the same scores as the owner sees them', async () => {
    // Prepare: the same two notes, found by the owner in their partition and by the sharee through entries.
    const index = await indexed([
      { ownerId: 'bob', title: 'kiwi', sharedWith: ['alice'] },
      { ownerId: 'bob', title: 'x', body: 'kiwi and more', sharedWith: ['alice'] },
      { ownerId: 'bob', title: 'kiwi', body: longBody(), sharedWith: ['alice'] },
    ]);

    // Act
    const owner = await search(index, 'kiwi', 'bob');
    const sharee = await search(index, 'kiwi', 'alice');

    // Assess
    expect(ids(sharee)).toEqual(ids(owner));
    expect(sharee.items.map((item) => item.score)).toEqual(owner.items.map((item) => item.score));
  });

  it('still finds a shared note that its owner’s other notes push past the postings read', async () => {
    // Prepare: bob has more private notes titled "lime" than one read returns; the shared one mentions it once.
    const index = await indexed([
      ...Array.from({ length: postingsPerTerm + 20 }, () => ({ ownerId: 'bob', title: 'lime' })),
      { ownerId: 'bob', title: 'notes', body: longBody('lime'), sharedWith: ['alice'] },
    ]);

    // Act
    const page = await search(index, 'lime');

    // Assess
    expect(ids(page)).toEqual([`n${postingsPerTerm + 21}`]);
  });

  it(`reads at most ${maxOwnerReads} owner partitions, and still finds the notes of the owners beyond them`, async () => {
    // Prepare: 40 owners share one long note each with alice; one more shares a long note without the word.
    const owners = Array.from({ length: 40 }, (_, i) => `owner${i}`);
    const index = await indexed([...owners.map((ownerId) => ({ ownerId, title: 'quince', body: longBody(), sharedWith: ['alice'] })), { ownerId: 'zed', title: 'pear', body: longBody(), sharedWith: ['alice'] }]);

    // Act
    const page = await search(index, 'quince', 'alice', { limit: 100 });

    // Assess
    expect(ids(page).sort()).toEqual(owners.map((_, i) => `n${i + 1}`).sort());
    expect(index.queries.filter((query) => query.principal.startsWith('user:owner') || query.principal === 'user:zed').length).toBeLessThanOrEqual(maxOwnerReads);
    expect(index.shareReads).toEqual(['alice']);
  });

  it('reads the other terms only in the partitions of owners whose shared notes may hold the first', async () => {
    // Prepare: ten owners share a long note with alice; only owner3's has both words.
    const owners = Array.from({ length: 10 }, (_, i) => `owner${i}`);
    const index = await indexed(owners.map((ownerId, i) => ({ ownerId, title: i === 3 ? 'quince pear' : 'pear', body: longBody(), sharedWith: ['alice'] })));

    // Act
    const page = await search(index, 'pear quince');

    // Assess: "quince" (the longest) in all ten partitions, then "pear" in owner3's only.
    expect(ids(page)).toEqual(['n4']);
    const ownerQueries = index.queries.filter((query) => query.principal.startsWith('user:owner'));
    expect(ownerQueries.map((query) => `${query.principal} ${query.term}`).sort()).toEqual([...owners.map((ownerId) => `user:${ownerId} quince`), 'user:owner3 pear'].sort());
  });

  it('forgets a note once it is un-shared or deleted', async () => {
    // Prepare
    const index = await indexed([
      { ownerId: 'bob', title: 'plum small', sharedWith: ['alice'] },
      { ownerId: 'bob', title: 'plum long', body: longBody(), sharedWith: ['alice'] },
    ]);
    const before = ids(await search(index, 'plum')).sort();

    // Act
    await applyNoteChange({ kind: 'upsert', note: note({ id: 'n1', ownerId: 'bob', title: 'plum small', body: '', tags: [], version: 2 }) }, { index });
    await applyNoteChange({ kind: 'delete', noteId: 'n2', version: 2 }, { index });
    const after = await search(index, 'plum');
    const owner = await search(index, 'plum', 'bob');

    // Assess
    expect(before).toEqual(['n1', 'n2']);
    expect(after).toEqual({ items: [], nextCursor: null });
    expect(ids(owner)).toEqual(['n1']);
    expect(index.shareCount()).toBe(0);
  });
});

describe('searchNotes: matching', () => {
  it('is case- and accent-insensitive, with the last term also a prefix', async () => {
    // Prepare
    const index = await indexed([{ title: 'Crème Brûlée', body: 'Burn the sugar.' }, { title: 'Creme anglaise' }]);

    // Act
    const page = await search(index, 'CREME brul');

    // Assess
    expect(ids(page)).toEqual(['n1']);
    expect(page.items[0]).toEqual({
      id: 'n1',
      title: 'Crème Brûlée',
      snippet: 'Burn the sugar.',
      ownerId: 'alice',
      score: expect.any(Number),
      updatedAt: '2026-11-28T09:00:00.000Z',
    });
  });

  it('requires every term, and only the last one may match as a prefix', async () => {
    // Prepare
    const index = await indexed([{ title: 'photos of the beach' }, { title: 'photos of the mountains' }, { title: 'photography at the beach' }]);

    // Act
    const both = await search(index, 'beach phot');
    const notAPrefix = await search(index, 'phot beach');

    // Assess
    expect(ids(both).sort()).toEqual(['n1', 'n3']);
    expect(ids(notAPrefix)).toEqual([]);
  });

  it('searches tags and body as well as the title', async () => {
    // Prepare
    const index = await indexed([{ title: 'a', tags: ['Weekend-Trip'] }, { title: 'b', body: 'planning the weekend' }]);

    // Act
    const page = await search(index, 'weekend');

    // Assess
    expect(ids(page).sort()).toEqual(['n1', 'n2']);
  });

  it('answers a query without searchable terms with no items', async () => {
    // Prepare
    const index = await indexed([{ title: 'apple' }]);

    // Act
    const page = await search(index, '🙂 ?! …');

    // Assess
    expect(page).toEqual({ items: [], nextCursor: null });
    expect(index.queries).toHaveLength(0);
  });

  it('checks a one-letter last term as a prefix on the candidates', async () => {
    // Prepare
    const index = await indexed([{ title: 'apple banana' }, { title: 'apple cherry' }]);

    // Act
    const page = await search(index, 'apple b');

    // Assess
    expect(ids(page)).toEqual(['n1']);
    expect(index.queries.map((query) => query.term)).toEqual(['apple', 'apple']);
  });

  it('treats words like __proto__ and constructor as plain terms', async () => {
    // Prepare
    const index = await indexed([{ title: '__proto__ constructor toString' }, { title: 'other' }]);

    // Act
    const pages = await Promise.all(['proto', 'constructor', 'tostring', 'valueOf'].map((q) => search(index, q)));

    // Assess
    expect(pages.map(ids)).toEqual([['n1'], ['n1'], ['n1'], []]);
  });
});

describe('searchNotes: ranking', () => {
  it('ranks a title match first, then repeated body mentions, a tag, one mention, and one lost in a long body', async () => {
    // Prepare
    const long = Array.from({ length: 300 }, (_, i) => `word${i}`).join(' ');
    const index = await indexed([
      { title: 'x', body: `kiwi ${long}` },
      { title: 'x', body: 'kiwi' },
      { title: 'x', body: 'kiwi kiwi kiwi' },
      { title: 'x', tags: ['kiwi'] },
      { title: 'kiwi' },
    ]);

    // Act
    const page = await search(index, 'kiwi');

    // Assess
    expect(ids(page)).toEqual(['n5', 'n3', 'n4', 'n2', 'n1']);
    const scores = page.items.map((item) => item.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('weighs the rarer term more when several terms match', async () => {
    // Prepare: "common" is in every note, "rare" in two; n1 stresses the rare term, n2 the common one.
    const index = await indexed([
      { title: 'rare', body: 'common' },
      { title: 'common', body: 'rare' },
      ...Array.from({ length: 20 }, () => ({ title: 'common' })),
    ]);

    // Act
    const page = await search(index, 'common rare');

    // Assess
    expect(ids(page)).toEqual(['n1', 'n2']);
  });
});

describe('searchNotes: pages', () => {
  it('pages through every match once, in ranking order', async () => {
    // Prepare
    const index = await indexed(Array.from({ length: 45 }, (_, i) => ({ title: `mango ${'mango '.repeat(i % 7)}`, body: `n${i}` })));
    const all = await search(index, 'mango', 'alice', { limit: 100 });

    // Act
    const pages: SearchPage[] = [];
    let cursor: string | undefined;
    do {
      const page = await search(index, 'mango', 'alice', { limit: 10, ...(cursor ? { cursor } : {}) });
      pages.push(page);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);

    // Assess
    expect(pages.map((page) => page.items.length)).toEqual([10, 10, 10, 10, 5]);
    expect(pages.flatMap(ids)).toEqual(ids(all));
    expect(new Set(pages.flatMap(ids)).size).toBe(45);
  });

  it('refuses a tampered cursor, and a cursor of another query or caller', async () => {
    // Prepare
    const index = await indexed(Array.from({ length: 3 }, () => ({ title: 'mango', visibility: 'public' as const })));
    const { nextCursor } = await search(index, 'mango', 'alice', { limit: 1 });
    if (!nextCursor) throw new Error('expected a second page');
    const [payload, mac] = nextCursor.split('.');
    const forged = `${Buffer.from(JSON.stringify({ s: 99, id: 'n0' })).toString('base64url')}.${mac}`;

    // Act
    const attempts = [
      search(index, 'mango', 'alice', { cursor: `${payload}x.${mac}` }),
      search(index, 'mango', 'alice', { cursor: forged }),
      search(index, 'mang', 'alice', { cursor: nextCursor }),
      search(index, 'mango', 'bob', { cursor: nextCursor }),
      search(index, '🙂', 'alice', { cursor: 'garbage' }),
    ];

    // Assess
    for (const attempt of attempts) await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(search(index, 'mango', 'alice', { limit: 1, cursor: nextCursor })).resolves.toMatchObject({ items: [{ title: 'mango' }] });
  });
});

describe('searchNotes: bounded work', () => {
  it(`reads postings for at most ${maxReadTerms} terms and checks the rest on the candidates`, async () => {
    // Prepare: 12 words; n1 has all of them, n2 lacks only the shortest.
    const words = Array.from({ length: 12 }, (_, i) => `${'w'.repeat(i + 1)}x`);
    const index = await indexed([{ title: words.join(' ') }, { title: words.slice(1).join(' ') }]);

    // Act
    const page = await search(index, words.join(' '));

    // Assess
    expect(ids(page)).toEqual(['n1']);
    expect(new Set(index.queries.map((query) => query.term)).size).toBe(maxReadTerms);
    expect(index.queries.every((query) => query.limit === postingsPerTerm)).toBe(true);
  });

  it('keeps finding the best notes of a term with more postings than it reads', async () => {
    // Prepare: one note has the term in its title; many more have it once in the body.
    const index = await indexed([...Array.from({ length: postingsPerTerm + 20 }, () => ({ title: 'x', body: 'lime and more words here' })), { title: 'lime' }]);

    // Act
    const page = await search(index, 'lime', 'alice', { limit: 5 });

    // Assess
    expect(page.items[0]?.id).toBe(`n${postingsPerTerm + 21}`);
    expect(page.items).toHaveLength(5);
    expect(index.docReads).toBeLessThanOrEqual(maxDocReadsPerPage);
  });
});

describe('searchNotes: SearchLatency', () => {
  it('records the time of every query, answered or refused, in milliseconds', async () => {
    // Prepare
    const index = await indexed([{ ownerId: 'alice', title: 'apple' }]);
    const metrics = fakeMetrics();
    let now = 1000;
    const deps = { index, metrics, nowMs: () => (now += 7) };

    // Act
    await searchNotes({ q: 'apple', limit: 20, cursor: undefined }, 'alice', deps);
    await searchNotes({ q: 'apple', limit: 20, cursor: 'not-a-cursor' }, 'alice', deps).catch(() => undefined);

    // Assess
    expect(metrics.recorded).toEqual([
      { name: 'SearchLatency', unit: 'Milliseconds', value: 7 },
      { name: 'SearchLatency', unit: 'Milliseconds', value: 7 },
    ]);
  });
});
