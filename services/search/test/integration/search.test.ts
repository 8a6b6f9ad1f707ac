// GET /search end to end: notes written through core-api's routes reach the index through the notes
// stream, and the gateway answers searches as the owner, a sharee and a stranger would see them.
import { api } from '../../../../test/support/api';
import type { ErrorBody } from '../../../../test/support/api';
import { createTestUser } from '../../../../test/support/users';
import type { TestUser } from '../../../../test/support/users';
import { createNote, deleteNote, eventuallyFinds, search, searchIds, uniqueWord, updateNote } from '../support/search-api';
import type { SearchPage } from '../support/search-api';

jest.setTimeout(60_000);

let alice: TestUser;
let bob: TestUser;
let carol: TestUser;

beforeAll(async () => {
  [alice, bob, carol] = await Promise.all([createTestUser('alice'), createTestUser('bob'), createTestUser('carol')]);
});

function expectValidationError(res: { status: number; body: unknown; headers: Headers }): void {
  expect(res.status).toBe(400);
  expect((res.body as ErrorBody).error).toEqual(expect.objectContaining({ code: 'VALIDATION_FAILED', requestId: res.headers.get('x-request-id') }));
}

describe('GET /search: indexing through the notes stream', () => {
  it('finds a new note typed without accents, in capitals and unfinished, with the contract fields', async () => {
    // Prepare
    const word = uniqueWord();
    const note = await createNote(alice, { title: `Crème brûlée ${word}`, body: 'Burn the sugar with a torch until it cracks.', tags: ['dessert'] });

    // Act
    const ids = await eventuallyFinds(alice, `${word} CREME brul`, [note.id]);
    const res = await search(alice, { q: `${word} CREME brul` });

    // Assess
    expect(ids).toEqual([note.id]);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      items: [{ id: note.id, title: `Crème brûlée ${word}`, snippet: 'Burn the sugar with a torch until it cracks.', ownerId: alice.userId, score: expect.any(Number), updatedAt: note.updatedAt }],
      nextCursor: null,
    });
    expect(res.body.items[0]?.score).toBeGreaterThan(0);
  });

  it('shows a note to its owner and sharees only, and follows un-sharing, going public and private, and deletion', async () => {
    // Prepare
    const word = uniqueWord();
    const note = await createNote(alice, { title: `Packing list ${word}`, sharedWith: [bob.userId] });
    const sharedWithBob = await eventuallyFinds(bob, word, [note.id]);
    const ownerSees = await searchIds(alice, word);
    const strangerSees = await searchIds(carol, word);

    // Act + Assess, step by step
    expect(sharedWithBob).toEqual([note.id]);
    expect(ownerSees).toEqual([note.id]);
    expect(strangerSees).toEqual([]);

    await updateNote(alice, note.id, { sharedWith: [] });
    expect(await eventuallyFinds(bob, word, [])).toEqual([]);
    expect(await searchIds(alice, word)).toEqual([note.id]);

    await updateNote(alice, note.id, { visibility: 'public' });
    expect(await eventuallyFinds(carol, word, [note.id])).toEqual([note.id]);
    expect(await searchIds(bob, word)).toEqual([note.id]);

    await updateNote(alice, note.id, { visibility: 'private' });
    expect(await eventuallyFinds(carol, word, [])).toEqual([]);

    await deleteNote(alice, note.id);
    expect(await eventuallyFinds(alice, word, [])).toEqual([]);
  });

  it('follows edits: the old words stop matching and the new ones match', async () => {
    // Prepare
    const word = uniqueWord();
    const note = await createNote(alice, { title: `${word} lighthouse`, body: 'foghorn' });
    await eventuallyFinds(alice, `${word} lighthouse`, [note.id]);

    // Act
    await updateNote(alice, note.id, { title: `${word} windmill`, body: 'sails' });
    const newWords = await eventuallyFinds(alice, `${word} windmill sails`, [note.id]);
    const oldWords = await searchIds(alice, `${word} lighthouse`);
    const oldBody = await searchIds(alice, `${word} foghorn`);

    // Assess
    expect(newWords).toEqual([note.id]);
    expect(oldWords).toEqual([]);
    expect(oldBody).toEqual([]);
  });

  it("drops a deleted account's notes from everyone's results", async () => {
    // Prepare
    const word = uniqueWord();
    const dave = await createTestUser('dave');
    const note = await createNote(dave, { title: `Public diary ${word}`, visibility: 'public' });
    await eventuallyFinds(carol, word, [note.id]);

    // Act
    const res = await api('/users/me', { method: 'DELETE', token: dave.accessToken });
    // users → user.deleted → core-api deletes the notes → REMOVE records → search: a longer pipeline.
    const after = await eventuallyFinds(carol, word, [], 20_000);

    // Assess
    expect(res.status).toBe(204);
    expect(after).toEqual([]);
  });
});

describe('GET /search: matching and ranking', () => {
  let word: string;
  const notes: Record<string, string> = {};

  beforeAll(async () => {
    word = uniqueWord();
    const filler = Array.from({ length: 80 }, (_, i) => `filler${i}`).join(' ');
    const created = await Promise.all([
      createNote(alice, { title: 'Kiwi pie', tags: [word] }),
      createNote(alice, { title: 'Pie', tags: [word, 'kiwi'] }),
      createNote(alice, { title: 'Pie', body: `${filler} kiwi ${filler}`, tags: [word] }),
      createNote(alice, { title: 'Kiwi without the word' }),
      createNote(alice, { title: 'Pie with apple', body: 'apple', tags: [word] }),
    ]);
    ['title', 'tag', 'body', 'noWord', 'noKiwi'].forEach((name, i) => (notes[name] = created[i]?.id ?? ''));
    await eventuallyFinds(alice, word, [notes.title, notes.tag, notes.body, notes.noKiwi].map(String));
  });

  it('requires every term and ranks a title match over a tag over a body mention', async () => {
    // Act
    const res = await search(alice, { q: `kiwi ${word}` });

    // Assess
    expect(res.status).toBe(200);
    expect(res.body.items.map((item) => item.id)).toEqual([notes.title, notes.tag, notes.body]);
    const scores = res.body.items.map((item) => item.score);
    expect(scores[0]).toBeGreaterThan(scores[1] ?? Infinity);
    expect(scores[1]).toBeGreaterThan(scores[2] ?? Infinity);
  });

  it('matches the last term as a prefix, and only the last', async () => {
    // Act
    const prefix = await searchIds(alice, `${word} KIW`);
    const notLast = await searchIds(alice, `kiw ${word}`);

    // Assess
    expect(prefix).toEqual([notes.title, notes.tag, notes.body]);
    expect(notLast).toEqual([]);
  });

  it('shows the body around the first match as the snippet', async () => {
    // Act
    const res = await search(alice, { q: `${word} kiwi` });

    // Assess
    const body = res.body.items.find((item) => item.id === notes.body);
    expect(body?.snippet).toMatch(/^….* kiwi .*…$/);
    expect(body?.snippet.length).toBeLessThanOrEqual(170);
  });
});

describe('GET /search: pages', () => {
  it('pages through every match once with opaque cursors, and refuses an altered cursor', async () => {
    // Prepare
    const word = uniqueWord();
    const created = await Promise.all(Array.from({ length: 5 }, (_, i) => createNote(alice, { title: `${word} page ${i}`, body: 'x '.repeat(i) })));
    await eventuallyFinds(alice, word, created.map((note) => note.id));

    // Act
    const pages: SearchPage[] = [];
    let cursor: string | null = null;
    do {
      const res = await search(alice, { q: word, limit: '2', ...(cursor ? { cursor } : {}) });
      expect(res.status).toBe(200);
      pages.push(res.body);
      cursor = res.body.nextCursor;
    } while (cursor && pages.length < 10);
    const firstCursor = pages[0]?.nextCursor ?? '';
    const altered = await search(alice, { q: word, limit: '2', cursor: `${firstCursor.slice(0, -2)}xx` });
    const otherQuery = await search(alice, { q: `${word} page`, limit: '2', cursor: firstCursor });
    const otherUser = await search(bob, { q: word, limit: '2', cursor: firstCursor });

    // Assess
    expect(pages.map((page) => page.items.length)).toEqual([2, 2, 1]);
    expect(pages.flatMap((page) => page.items.map((item) => item.id)).sort()).toEqual(created.map((note) => note.id).sort());
    expectValidationError(altered);
    expectValidationError(otherQuery);
    expectValidationError(otherUser);
  });
});

describe('GET /search: input', () => {
  it.each([
    ['no q', {}],
    ['an empty q', { q: '' }],
    ['a q of 201 characters', { q: 'a'.repeat(201) }],
    ['a limit of 0', { q: 'kiwi', limit: '0' }],
    ['a limit of 101', { q: 'kiwi', limit: '101' }],
  ])('400 for %s', async (_name, query) => {
    // Act
    const res = await search(alice, query as Record<string, string>);

    // Assess
    expectValidationError(res);
  });

  it.each([['?!… --- ()'], ['🙂🎉👍'], ['— · • ¿¡']])('200 with no items for %j (no searchable term)', async (q) => {
    // Act
    const res = await search(alice, { q });

    // Assess
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [], nextCursor: null });
  });

  it('401 without a token', async () => {
    // Act
    const res = await api<ErrorBody>('/search?q=kiwi');

    // Assess
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHORIZED');
  });

  it('answers a 50-term query (bounded work) and still requires every term', async () => {
    // Prepare: 49 two-letter words and one unique word; the second note lacks one of the two-letter words.
    const word = uniqueWord();
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    const shortWords = Array.from({ length: 49 }, (_, i) => `${letters[Math.floor(i / 26) + 16]}${letters[i % 26]}`);
    const all = await createNote(alice, { title: word, body: shortWords.join(' ') });
    const missingOne = await createNote(alice, { title: word, body: shortWords.filter((_, i) => i !== 40).join(' ') });
    await eventuallyFinds(alice, word, [all.id, missingOne.id]);
    const q = [word, ...shortWords].join(' ');

    // Act
    const res = await search(alice, { q });

    // Assess
    expect(q.length).toBeLessThanOrEqual(200);
    expect(res.status).toBe(200);
    expect(res.body.items.map((item) => item.id)).toEqual([all.id]);
  });
});
