// The notes list's feed: own notes and notes shared with the caller merged newest first, page by page.
import type { Client, Note } from '@photonotes/client';
import { apiNotesSource, mergedFeed, type NotesPage, type NotesSource, type Scope } from '../src/notes-source';

function note(id: string, createdAt: string, ownerId = 'me'): Note {
  return { id, ownerId, title: id, body: '', tags: [], visibility: 'private', sharedWith: [], photo: null, version: 1, createdAt, updatedAt: createdAt } as Note;
}

/** A source serving fixed pages per scope, recording every call. */
function pagedSource(pages: Record<Scope, Note[][]>): NotesSource & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async list(scope, cursor): Promise<NotesPage> {
      calls.push(`${scope}:${cursor ?? '-'}`);
      const index = cursor === null ? 0 : Number(cursor);
      const items = pages[scope][index] ?? [];
      return { items, nextCursor: index + 1 < pages[scope].length ? String(index + 1) : null };
    },
    create: () => Promise.reject(new Error('not used')),
    update: () => Promise.reject(new Error('not used')),
  };
}

describe('mergedFeed', () => {
  test('interleaves own and shared notes newest first across pages, reading a page only when needed', async () => {
    // Prepare
    const source = pagedSource({
      own: [[note('o4', '2026-11-04T00:00:00.000Z'), note('o2', '2026-11-02T00:00:00.000Z')], [note('o1', '2026-11-01T00:00:00.000Z')]],
      shared: [[note('s3', '2026-11-03T00:00:00.000Z', 'friend'), note('s0', '2026-10-31T00:00:00.000Z', 'friend')]],
    });
    const feed = mergedFeed(source, 3);

    // Act
    const first = await feed.next();
    const doneAfterFirst = feed.done;
    const second = await feed.next();

    // Assess
    expect(first.map((n) => n.id)).toEqual(['o4', 's3', 'o2']);
    expect(doneAfterFirst).toBe(false);
    expect(second.map((n) => n.id)).toEqual(['o1', 's0']);
    expect(feed.done).toBe(true);
    expect(source.calls).toEqual(['own:-', 'shared:-', 'own:1']);
  });

  test('an empty account gives no notes and is done', async () => {
    // Prepare
    const feed = mergedFeed(pagedSource({ own: [[]], shared: [[]] }));

    // Act
    const items = await feed.next();

    // Assess
    expect(items).toEqual([]);
    expect(feed.done).toBe(true);
  });
});

describe('apiNotesSource', () => {
  test("an edit sends only the fields it sets (a photo, sharing, visibility) with If-Match of the note's version", async () => {
    // Prepare
    const patch = jest.fn((_path: string, options: { body: object }) => Promise.resolve({ ...note('n1', '2026-11-01T00:00:00.000Z'), ...options.body, version: 4 }));
    const source = apiNotesSource({ patch } as unknown as Client);

    // Act
    const updated = await source.update('n1', 3, { sharedWith: ['u2'], visibility: 'public', photoKey: 'me/photo-1' });

    // Assess
    expect(patch).toHaveBeenCalledWith('/notes/{id}', { params: { id: 'n1' }, ifMatch: 3, body: { sharedWith: ['u2'], visibility: 'public', photoKey: 'me/photo-1' } });
    expect(updated.version).toBe(4);
  });
});
