// GET /notes: own and shared notes, newest first, page by page with signed cursors.
import { createTestUser } from '../../../../test/support/users';
import type { TestUser } from '../../../../test/support/users';
import { deleteNote, listAll, listNotes, newNote, patchNote } from '../support/notes-api';
import type { Note } from '../support/notes-api';

jest.setTimeout(60_000);

let owner: TestUser;
let friend: TestUser;
let stranger: TestUser;

beforeAll(async () => {
  [owner, friend, stranger] = await Promise.all([createTestUser('owner'), createTestUser('friend'), createTestUser('stranger')]);
});

/** Created one after the other, so creation order is the expected order. */
async function createInOrder(user: TestUser, count: number, body: (i: number) => Record<string, unknown>): Promise<Note[]> {
  const notes: Note[] = [];
  for (let i = 0; i < count; i++) notes.push(await newNote(user, body(i)));
  return notes;
}

describe('GET /notes', () => {
  it('pages through own notes newest first, over more than two pages, without gaps or repeats', async () => {
    // Prepare
    const created = await createInOrder(owner, 23, (i) => ({ title: `Note ${i}`, sharedWith: i % 2 === 0 ? [friend.userId] : [] }));

    // Act
    const { pages, items } = await listAll(owner, { limit: '10' });

    // Assess
    expect(pages.map((page) => page.items.length)).toEqual([10, 10, 3]);
    expect(pages.at(-1)?.nextCursor).toBeNull();
    expect(items.map((note) => note.id)).toEqual(created.map((note) => note.id).reverse());
    expect(items[0]).toEqual(created.at(-1));
  });

  it('defaults to 20 per page and to the own scope', async () => {
    // Act
    const res = await listNotes(owner);

    // Assess
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(20);
    expect(typeof res.body.nextCursor).toBe('string');
    expect(res.body.items.every((note) => note.ownerId === owner.userId)).toBe(true);
  });

  it('lists the notes shared with the caller, newest first, page by page, with their current content', async () => {
    // Prepare
    const { items: ownNotes } = await listAll(owner);
    const sharedIds = ownNotes.filter((note) => note.sharedWith.includes(friend.userId)).map((note) => note.id);
    const [edited] = sharedIds;
    await patchNote(owner, edited as string, { title: 'Edited after sharing' });

    // Act
    const { pages, items } = await listAll(friend, { scope: 'shared', limit: '5' });

    // Assess
    expect(pages.length).toBeGreaterThan(2);
    expect(items.map((note) => note.id)).toEqual(sharedIds);
    expect(items.find((note) => note.id === edited)).toMatchObject({ title: 'Edited after sharing', version: 2 });
    expect((await listAll(friend)).items).toEqual([]);
  });

  it('drops a note from the shared list when it is unshared or deleted, and adds it when shared', async () => {
    // Prepare
    const [a, b, c] = await createInOrder(owner, 3, () => ({ title: 'Sharing', sharedWith: [stranger.userId] }));
    const later = await newNote(owner, { title: 'Shared later' });

    // Act
    await patchNote(owner, (a as Note).id, { sharedWith: [] });
    await deleteNote(owner, (b as Note).id);
    await patchNote(owner, later.id, { sharedWith: [stranger.userId] });

    // Assess
    const { items } = await listAll(stranger, { scope: 'shared' });
    expect(items.map((note) => note.id)).toEqual([later.id, (c as Note).id]);
  });

  it('does not list other users\u2019 notes, public or not, in the own scope', async () => {
    // Prepare
    await newNote(friend, { title: 'Public by friend', visibility: 'public' });

    // Act
    const { items } = await listAll(stranger);

    // Assess
    expect(items).toEqual([]);
  });
});
