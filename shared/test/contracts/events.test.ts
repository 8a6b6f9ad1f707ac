// The event contracts: what each accepts and refuses, how versions and foreign types are told apart, and that
// producers cannot publish what a contract does not describe (compile-time checks marked @ts-expect-error).
import * as z from 'zod/mini';
import { defineEvent, parseEvent } from '../../src/contracts/event';
import type { EventPayload } from '../../src/contracts/event';
import { mediaProcessed } from '../../src/contracts/media-events';
import { noteChanged, noteChangedEventId, supersedes } from '../../src/contracts/note-events';
import { userDeleted } from '../../src/contracts/user-events';

function message(type: string, data: unknown, overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({ id: 'e1', type, version: 1, source: 'tests', occurredAt: '2026-11-28T09:00:00.000Z', correlationId: 'req-12345678', data, ...overrides });
}

const thumbnail = (width: number) => ({ url: `https://cdn.test/thumbs/${width}.webp`, width, height: width });
const key = 'uploads/u1/6f1c1e4e-8a9b-4c1d-9e2f-0a1b2c3d4e5f-AAAAAAAAAAAAAAAA.jpg';

const noteChange = {
  noteId: 'n1',
  ownerId: 'alice',
  version: 2,
  change: 'updated',
  title: 'Harbour',
  tags: ['sea'],
  visibility: 'private',
  sharedWith: ['bob'],
  photoStatus: null,
  createdAt: '2026-11-28T09:00:00.000Z',
  updatedAt: '2026-11-28T09:05:00.000Z',
  previous: { version: 1, visibility: 'private', sharedWith: [] },
} satisfies EventPayload<typeof noteChanged>;

describe('parseEvent', () => {
  it('gives the typed envelope of a message of its type and version', () => {
    // Act
    const result = parseEvent(userDeleted, message('user.deleted', { userId: 'u-1_A' }));

    // Assess
    expect(result).toEqual({
      kind: 'parsed',
      value: { id: 'e1', type: 'user.deleted', version: 1, source: 'tests', occurredAt: '2026-11-28T09:00:00.000Z', correlationId: 'req-12345678', data: { userId: 'u-1_A' } },
    });
  });

  it('calls another event type on the topic foreign, not invalid', () => {
    // Act
    const result = parseEvent(userDeleted, message('user.created', { anything: true }));

    // Assess
    expect(result).toEqual({ kind: 'foreign', reason: 'event type user.created' });
  });

  it.each([
    ['not JSON', '{"id":', '(root)'],
    ['another version of the type', message('user.deleted', { userId: 'u1' }, { version: 2 }), 'version'],
    ['no correlation id', message('user.deleted', { userId: 'u1' }, { correlationId: undefined }), 'correlationId'],
    ['no id', message('user.deleted', { userId: 'u1' }, { id: undefined }), 'id'],
    ['a date that is not ISO-8601', message('user.deleted', { userId: 'u1' }, { occurredAt: 'yesterday' }), 'occurredAt'],
    ['no type', message('user.deleted', { userId: 'u1' }, { type: undefined }), 'type'],
  ])('refuses %s, naming the field', (_case, text, field) => {
    // Act
    const result = parseEvent(userDeleted, text);

    // Assess
    expect(result).toMatchObject({ kind: 'invalid', issues: [expect.stringContaining(field)] });
  });

  it('reads a new version only with the contract of that version', () => {
    // Prepare: the day user.deleted changes shape, it is a version 2 published next to version 1.
    const userDeletedV2 = defineEvent({ type: 'user.deleted', version: 2, topic: 'user-events', producer: 'users', data: z.object({ accountId: z.string() }) });
    const v2 = message('user.deleted', { accountId: 'u1' }, { version: 2 });

    // Act
    const results = [parseEvent(userDeletedV2, v2), parseEvent(userDeleted, v2), parseEvent(userDeletedV2, message('user.deleted', { userId: 'u1' }))];

    // Assess
    expect(results.map((result) => result.kind)).toEqual(['parsed', 'invalid', 'invalid']);
  });
});

describe('user.deleted v1', () => {
  it.each([
    ['a Cognito sub', { userId: '0f8fad5b-d9cb-469f-a165-70867728950e' }, true],
    ['an id with a slash (it would widen a storage prefix)', { userId: 'u1/../u2' }, false],
    ['an empty id', { userId: '' }, false],
    ['no id', {}, false],
  ])('%s: valid = %s', (_case, data, valid) => {
    // Act
    const result = parseEvent(userDeleted, message('user.deleted', data));

    // Assess
    expect(result.kind === 'parsed').toBe(valid);
  });
});

describe('media.processed v1', () => {
  it.each([
    ['ready with thumbnails', { key, ownerId: 'u1', status: 'ready', thumbnails: { small: thumbnail(128), medium: thumbnail(512), large: thumbnail(1024) } }, true],
    ['failed without thumbnails', { key, ownerId: 'u1', status: 'failed', thumbnails: null }, true],
    ['an unknown status', { key, ownerId: 'u1', status: 'done', thumbnails: null }, false],
    ['no uploader', { key, status: 'ready', thumbnails: null }, false],
    ['a thumbnail without size', { key, ownerId: 'u1', status: 'ready', thumbnails: { small: { url: 'x' }, medium: thumbnail(512), large: thumbnail(1024) } }, false],
    ['no thumbnails field', { key, ownerId: 'u1', status: 'failed' }, false],
  ])('%s: valid = %s', (_case, data, valid) => {
    // Act
    const result = parseEvent(mediaProcessed, message('media.processed', data));

    // Assess
    expect(result.kind === 'parsed').toBe(valid);
  });
});

describe('note.changed v1', () => {
  it('accepts a change with the access it had before', () => {
    // Act
    const result = parseEvent(noteChanged, message('note.changed', noteChange));

    // Assess
    expect(result).toMatchObject({ kind: 'parsed', value: { data: noteChange } });
  });

  it('accepts the note as the API presents it, and an event without it (published before the field existed)', async () => {
    // Prepare
    const note = {
      id: 'n1',
      ownerId: 'alice',
      title: 'Harbour',
      body: 'Private text',
      tags: ['sea'],
      visibility: 'private',
      sharedWith: ['bob'],
      photo: { key, status: 'ready', thumbnails: { small: thumbnail(128), medium: thumbnail(512), large: thumbnail(1024) } },
      version: 2,
      createdAt: '2026-11-28T09:00:00.000Z',
      updatedAt: '2026-11-28T09:05:00.000Z',
    } as const;

    // Act
    const withNote = parseEvent(noteChanged, message('note.changed', { ...noteChange, note }));
    const without = parseEvent(noteChanged, message('note.changed', noteChange));

    // Assess
    expect(withNote).toMatchObject({ kind: 'parsed', value: { data: { ...noteChange, note } } });
    expect(without.kind === 'parsed' && without.value.data.note).toBeUndefined();
    expect(without.kind).toBe('parsed');
  });

  it.each([
    ['a presented note without its body', { ...noteChange, note: { id: 'n1', ownerId: 'alice', title: 'T', tags: [], visibility: 'private', sharedWith: [], photo: null, version: 2, createdAt: 'a', updatedAt: 'b' } }],
    ['an unknown change kind', { ...noteChange, change: 'moved' }],
    ['a version below 1', { ...noteChange, version: 0 }],
    ['a fractional version', { ...noteChange, version: 1.5 }],
    ['no previous field', { ...noteChange, previous: undefined }],
    ['an empty user id in sharedWith', { ...noteChange, sharedWith: [''] }],
  ])('refuses %s', (_case, data) => {
    // Act
    const result = parseEvent(noteChanged, message('note.changed', data));

    // Assess
    expect(result.kind).toBe('invalid');
  });

  it('names each note version once, a deletion apart from the update of the same version', () => {
    // Act
    const ids = [noteChangedEventId(noteChange), noteChangedEventId({ ...noteChange }), noteChangedEventId({ ...noteChange, change: 'deleted' })];

    // Assess
    expect(ids).toEqual(['note.changed:n1:2', 'note.changed:n1:2', 'note.changed:n1:2:deleted']);
  });

  it.each([
    [{ version: 3, change: 'updated' }, { version: 2, change: 'updated' }, true],
    [{ version: 2, change: 'updated' }, { version: 2, change: 'updated' }, false],
    [{ version: 1, change: 'created' }, { version: 2, change: 'updated' }, false],
    [{ version: 2, change: 'deleted' }, { version: 2, change: 'updated' }, true],
    [{ version: 2, change: 'updated' }, { version: 2, change: 'deleted' }, false],
    [{ version: 2, change: 'deleted' }, { version: 2, change: 'deleted' }, false],
  ] as const)('supersedes(%j, %j) = %s', (candidate, seen, expected) => {
    // Act + Assess
    expect(supersedes(candidate, seen)).toBe(expected);
  });
});

describe('compile-time checks', () => {
  it('a payload that does not match its contract does not type-check', () => {
    // Prepare: each line below is a producer bug the compiler refuses (tsc fails if any stops being an error).
    // @ts-expect-error userId, not id
    const renamed: EventPayload<typeof userDeleted> = { id: 'u1' };
    // @ts-expect-error status is 'ready' or 'failed'
    const wrongStatus: EventPayload<typeof mediaProcessed> = { key, ownerId: 'u1', status: 'done', thumbnails: null };
    // @ts-expect-error previous is required (null for a creation)
    const incomplete: EventPayload<typeof noteChanged> = { ...noteChange, previous: undefined };

    // Act: the schemas refuse them at run time too.
    const results = [
      z.safeParse(userDeleted.data, renamed),
      z.safeParse(mediaProcessed.data, wrongStatus),
      z.safeParse(noteChanged.data, incomplete),
    ];

    // Assess
    expect(results.map((result) => result.success)).toEqual([false, false, false]);
  });
});
