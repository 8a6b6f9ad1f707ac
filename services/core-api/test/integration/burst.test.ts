// Bursts of one owner: an offline-first app back online sends its backlog with many requests in flight, and
// every write of one owner commits through that owner's change-feed head. Contention must end in success:
// no 5xx (nor a 409 for a write nobody else touched), and every acknowledged write is in GET /notes, in
// GET /sync from the start, and in search. Latency is the notes-burst benchmark's business, not this file's.
import { randomBytes, randomUUID } from 'node:crypto';
import { api } from '../../../../test/support/api';
import type { ApiResponse } from '../../../../test/support/api';
import { createTestUser } from '../../../../test/support/users';
import type { TestUser } from '../../../../test/support/users';
import { createNote, eventually, listAll, patchNote, syncAll } from '../support/notes-api';
import type { Note } from '../support/notes-api';

jest.setTimeout(180_000);

const burst = 20;

interface SearchPage {
  items: Array<{ id: string }>;
  nextCursor: string | null;
}

async function searchIds(user: TestUser, q: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let cursor: string | null = null;
  do {
    const res: ApiResponse<SearchPage> = await api<SearchPage>(`/search?q=${encodeURIComponent(q)}&limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token: user.accessToken });
    if (res.status !== 200) return ids;
    for (const item of res.body.items) ids.add(item.id);
    cursor = res.body.nextCursor;
  } while (cursor);
  return ids;
}

async function syncedNotes(user: TestUser): Promise<Map<string, Note>> {
  const notes = new Map<string, Note>();
  for (const change of (await syncAll(user)).changes) if (change.op === 'upsert') notes.set(change.note.id, change.note);
  return notes;
}

/** A word no other note of the run contains, so search results can be checked exactly. */
const uniqueWord = (prefix: string) => `${prefix}${randomBytes(5).toString('hex').replace(/[0-9]/g, (d) => 'qrstuvwxyz'[Number(d)] as string)}`;

describe('a burst of one owner', () => {
  it('answers 20 concurrent creates with 201 and every note is in GET /notes, /sync from the start and search', async () => {
    // Prepare
    const user = await createTestUser('burst-create');
    const word = uniqueWord('backlog');
    const ids = Array.from({ length: burst }, () => randomUUID());

    // Act
    const responses = await Promise.all(ids.map((id, i) => createNote(user, { id, title: `Offline note ${i}`, body: `written offline ${word}` })));

    // Assess
    expect(responses.map((res) => res.status)).toEqual(ids.map(() => 201));
    expect(responses.map((res) => res.body.id)).toEqual(ids);
    const listed = new Set((await listAll(user, { limit: '100' })).items.map((note) => note.id));
    expect(ids.filter((id) => !listed.has(id))).toEqual([]);
    const synced = await syncedNotes(user);
    expect(ids.filter((id) => !synced.has(id))).toEqual([]);
    const found = await eventually(
      () => searchIds(user, word),
      (hits) => ids.every((id) => hits.has(id)),
      60_000,
    );
    expect(ids.filter((id) => !found.has(id))).toEqual([]);
  });

  it('answers 20 concurrent patches with 200 and every change is in GET /notes, /sync from the start and search', async () => {
    // Prepare: 20 notes, written one at a time.
    const user = await createTestUser('burst-patch');
    const notes: Note[] = [];
    for (let i = 0; i < burst; i++) {
      const res = await createNote(user, { title: `Note ${i}` });
      expect(res.status).toBe(201);
      notes.push(res.body);
    }
    const word = uniqueWord('edited');

    // Act
    const responses = await Promise.all(notes.map((note) => patchNote(user, note.id, { body: `changed offline ${word}` })));

    // Assess
    expect(responses.map((res) => res.status)).toEqual(notes.map(() => 200));
    expect(responses.map((res) => res.body.version)).toEqual(notes.map(() => 2));
    const listed = new Map((await listAll(user, { limit: '100' })).items.map((note) => [note.id, note]));
    expect(notes.filter((note) => listed.get(note.id)?.body !== `changed offline ${word}`).map((note) => note.id)).toEqual([]);
    const synced = await syncedNotes(user);
    expect(notes.filter((note) => synced.get(note.id)?.version !== 2).map((note) => note.id)).toEqual([]);
    const found = await eventually(
      () => searchIds(user, word),
      (hits) => notes.every((note) => hits.has(note.id)),
      60_000,
    );
    expect(notes.filter((note) => !found.has(note.id)).map((note) => note.id)).toEqual([]);
  });
});
