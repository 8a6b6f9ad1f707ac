// Bad input on every notes route: the contract's error body with the right status, never a 500, and
// never a half-written record.
import { api } from '../../../../test/support/api';
import type { ErrorBody } from '../../../../test/support/api';
import { createTestUser } from '../../../../test/support/users';
import type { TestUser } from '../../../../test/support/users';
import { announcedUsers, createNote, getNote, listAll, listNotes, newNote, patchNote, syncAll, syncPage } from '../support/notes-api';
import type { Note } from '../support/notes-api';

jest.setTimeout(60_000);

let writer: TestUser;
let other: TestUser;
let existing: Note;

beforeAll(async () => {
  [writer, other] = await Promise.all([createTestUser('writer'), createTestUser('other')]);
  existing = await newNote(writer, { title: 'Untouched', tags: ['keep'] });
});

/** Nothing but `existing` may ever be written for `writer`. */
async function expectNothingWritten(): Promise<void> {
  expect((await listAll(writer)).items).toEqual([existing]);
  expect((await syncAll(writer)).changes).toEqual([{ op: 'upsert', note: existing }]);
}

const many = (n: number, make: (i: number) => string) => Array.from({ length: n }, (_, i) => make(i));

const badBodies: Array<[string, Record<string, unknown>, string]> = [
  ['missing title', {}, 'title'],
  ['empty title', { title: '' }, 'title'],
  ['title of 201 characters', { title: 'x'.repeat(201) }, 'title'],
  ['body of 20001 characters', { title: 't', body: 'x'.repeat(20_001) }, 'body'],
  ['21 tags', { title: 't', tags: many(21, (i) => `tag${i}`) }, 'tags'],
  ['a tag of 41 characters', { title: 't', tags: ['x'.repeat(41)] }, 'tags.0'],
  ['a blank tag', { title: 't', tags: ['   '] }, 'tags.0'],
  ['51 sharees', { title: 't', sharedWith: many(51, (i) => `user-${i}`) }, 'sharedWith'],
  ['an unknown visibility', { title: 't', visibility: 'friends' }, 'visibility'],
  ['a numeric title', { title: 42 }, 'title'],
  ['a null body', { title: 't', body: null }, 'body'],
  ['tags as a string', { title: 't', tags: 'a,b' }, 'tags'],
  ['a numeric sharee', { title: 't', sharedWith: [7] }, 'sharedWith.0'],
  ['a sharee id with a key separator', { title: 't', sharedWith: ['USER#x'] }, 'sharedWith.0'],
  ['a numeric photoKey', { title: 't', photoKey: 5 }, 'photoKey'],
  ['an id that is not a UUID', { id: 'my-note', title: 't' }, 'id'],
  ['an attempt to set ownerId', { title: 't', ownerId: 'someone-else' }, ''],
  ['an attempt to set version', { title: 't', version: 99 }, ''],
  ['an attempt to set createdAt', { title: 't', createdAt: '2000-01-01T00:00:00.000Z' }, ''],
];

describe('POST /notes with bad input', () => {
  it.each(badBodies)('refuses %s with 400 and details, writing nothing', async (_name, body, path) => {
    // Act
    const res = await createNote(writer, body);

    // Assess
    expect(res.status).toBe(400);
    const { error } = res.body as unknown as ErrorBody;
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', requestId: res.headers.get('x-request-id') });
    expect(error.details).toEqual(expect.arrayContaining([expect.objectContaining({ location: 'body', path })]));
    await expectNothingWritten();
  });

  it('refuses 51 sharees with details naming sharedWith, and nothing is shared with anyone', async () => {
    // Prepare
    const sharees = [other.userId, ...many(50, (i) => `user-${i}`)];

    // Act
    const res = await createNote(writer, { title: 'Too social', sharedWith: sharees });

    // Assess
    expect(res.status).toBe(400);
    expect((res.body as unknown as ErrorBody).error.details).toEqual([expect.objectContaining({ path: 'sharedWith', code: 'too_big' })]);
    expect((await listAll(other, { scope: 'shared' })).items).toEqual([]);
    await expectNothingWritten();
  });

  it('accepts every field at its limit', async () => {
    // Prepare: sharees must be users core-api knows
    const sharees = await announcedUsers(50);

    // Act
    const res = await createNote(other, {
      title: 'x'.repeat(200),
      body: 'y'.repeat(20_000),
      tags: many(20, (i) => `${String(i).padStart(2, '0')}${'t'.repeat(38)}`),
      sharedWith: sharees,
    });

    // Assess
    expect(res.status).toBe(201);
    expect(res.body.tags).toHaveLength(20);
    expect(res.body.sharedWith).toHaveLength(50);
  });

  it('refuses malformed JSON with 400 and a non-JSON body with 415', async () => {
    // Act
    const malformed = await api('/notes', { method: 'POST', token: writer.accessToken, rawBody: '{"title":', headers: { 'content-type': 'application/json' } });
    const text = await api('/notes', { method: 'POST', token: writer.accessToken, rawBody: 'title=x', headers: { 'content-type': 'text/plain' } });

    // Assess
    expect(malformed.status).toBe(400);
    expect(text.status).toBe(415);
    await expectNothingWritten();
  });

  it('answers 401 without a token', async () => {
    // Act
    const res = await api('/notes', { method: 'POST', body: { title: 't' } });

    // Assess
    expect(res.status).toBe(401);
  });
});

describe('PATCH /notes/{id} with bad input', () => {
  const badPatches: Array<[string, unknown]> = [
    ['an empty patch', {}],
    ['an id', { id: '6f1c1e4e-8a9b-4c1d-9e2f-0a1b2c3d4e5f' }],
    ['ownerId', { ownerId: 'someone-else' }],
    ['version', { version: 50 }],
    ['createdAt', { createdAt: '2000-01-01T00:00:00.000Z' }],
    ['updatedAt', { updatedAt: '2000-01-01T00:00:00.000Z' }],
    ['an empty title', { title: '' }],
    ['a long body', { body: 'x'.repeat(20_001) }],
    ['51 sharees', { sharedWith: many(51, (i) => `user-${i}`) }],
    ['a body that is an array', [{ title: 'x' }]],
  ];

  it.each(badPatches)('refuses %s with 400, changing nothing', async (_name, patch) => {
    // Act
    const res = await patchNote(writer, existing.id, patch);

    // Assess
    expect(res.status).toBe(400);
    expect((res.body as unknown as ErrorBody).error.code).toBe('VALIDATION_FAILED');
    expect((await getNote(writer, existing.id)).body).toEqual(existing);
    await expectNothingWritten();
  });
});

describe('lists and /sync with bad input', () => {
  it.each([['0'], ['101'], ['abc'], ['1.5']])('refuses limit=%s with 400', async (limit) => {
    // Act
    const res = await listNotes(writer, { limit });

    // Assess
    expect(res.status).toBe(400);
    expect((res.body as unknown as ErrorBody).error.details).toEqual([expect.objectContaining({ path: 'limit' })]);
  });

  it('refuses an unknown scope with 400', async () => {
    // Act
    const res = await listNotes(writer, { scope: 'public' });

    // Assess
    expect(res.status).toBe(400);
  });

  it('refuses cursors it did not issue, altered ones, and ones issued for another list or user', async () => {
    // Prepare
    const reader = await createTestUser('reader');
    await Promise.all([newNote(reader), newNote(reader)]);
    const ownPage = await listNotes(reader, { limit: '1' });
    const ownCursor = ownPage.body.nextCursor as string;
    const syncCursor = (await syncPage(reader)).body.cursor;
    const [payload, mac] = ownCursor.split('.') as [string, string];
    const alteredPayload = Buffer.from(Buffer.from(payload, 'base64url').toString('utf8').replace('OWNER', 'OWNEr')).toString('base64url');

    // Act
    const results = await Promise.all([
      listNotes(reader, { cursor: 'garbage' }),
      listNotes(reader, { cursor: `${alteredPayload}.${mac}` }),
      listNotes(reader, { cursor: `${payload}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}` }),
      listNotes(reader, { cursor: ownCursor, scope: 'shared' }),
      listNotes(writer, { cursor: ownCursor }),
      listNotes(reader, { cursor: syncCursor }),
      syncPage(reader, ownCursor),
      syncPage(writer, syncCursor),
      syncPage(reader, 'garbage'),
    ]);

    // Assess
    expect(ownPage.status).toBe(200);
    for (const res of results) {
      expect(res.status).toBe(400);
      expect((res.body as unknown as ErrorBody).error.code).toBe('VALIDATION_FAILED');
    }
  });
});
