import { mediaProcessedRequest, noteShareRequests, userDeletedRequest } from '../../src/domain/triggers';

function noteImage(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    pk: 'NOTE#n1',
    sk: 'NOTE',
    entity: 'note',
    id: 'n1',
    ownerId: 'alice',
    title: 'Holiday plans',
    body: '',
    sharedWith: [],
    version: 1,
    ...overrides,
  };
}

describe('noteShareRequests', () => {
  it('notifies everyone a new note is shared with', () => {
    // Prepare
    const change = { eventName: 'INSERT' as const, oldImage: undefined, newImage: noteImage({ sharedWith: ['bob', 'carol'] }) };

    // Act
    const outcome = noteShareRequests(change);

    // Assess
    expect(outcome).toEqual({
      kind: 'apply',
      value: [
        { eventId: 'note.shared:n1:1', recipient: 'bob', content: { type: 'note.shared', title: 'A note was shared with you', body: '“Holiday plans”', data: { noteId: 'n1' } } },
        { eventId: 'note.shared:n1:1', recipient: 'carol', content: { type: 'note.shared', title: 'A note was shared with you', body: '“Holiday plans”', data: { noteId: 'n1' } } },
      ],
    });
  });

  it('notifies only users newly added, comparing the old and new images', () => {
    // Prepare
    const change = { eventName: 'MODIFY' as const, oldImage: noteImage({ sharedWith: ['bob'], version: 3 }), newImage: noteImage({ sharedWith: ['bob', 'dave'], version: 4 }) };

    // Act
    const outcome = noteShareRequests(change);

    // Assess
    expect(outcome).toMatchObject({ kind: 'apply', value: [{ eventId: 'note.shared:n1:4', recipient: 'dave' }] });
  });

  it('notifies nobody when a shared note is saved again', () => {
    // Prepare
    const change = { eventName: 'MODIFY' as const, oldImage: noteImage({ sharedWith: ['bob'], version: 3 }), newImage: noteImage({ sharedWith: ['bob'], title: 'Edited', version: 4 }) };

    // Act
    const outcome = noteShareRequests(change);

    // Assess
    expect(outcome).toEqual({ kind: 'apply', value: [] });
  });

  it('never notifies the owner, nor a user twice', () => {
    // Prepare
    const change = { eventName: 'INSERT' as const, oldImage: undefined, newImage: noteImage({ sharedWith: ['alice', 'bob', 'bob'] }) };

    // Act
    const outcome = noteShareRequests(change);

    // Assess
    expect(outcome).toMatchObject({ kind: 'apply', value: [{ recipient: 'bob' }] });
    expect((outcome as { value: unknown[] }).value).toHaveLength(1);
  });

  it('reads sharedWith stored as a string set', () => {
    // Prepare
    const change = { eventName: 'INSERT' as const, oldImage: undefined, newImage: noteImage({ sharedWith: new Set(['bob']) }) };

    // Act
    const outcome = noteShareRequests(change);

    // Assess
    expect(outcome).toMatchObject({ kind: 'apply', value: [{ recipient: 'bob' }] });
  });

  it('ignores deletions and the table’s other entities', () => {
    // Prepare
    const removal = { eventName: 'REMOVE' as const, oldImage: noteImage({ sharedWith: ['bob'] }), newImage: undefined };
    const share = { eventName: 'INSERT' as const, oldImage: undefined, newImage: { entity: 'share', noteId: 'n1', userId: 'bob' } };

    // Act
    const outcomes = [noteShareRequests(removal), noteShareRequests(share)];

    // Assess
    expect(outcomes).toEqual([{ kind: 'ignore' }, { kind: 'ignore' }]);
  });

  it('reports a note image it cannot read as invalid', () => {
    // Prepare
    const change = { eventName: 'INSERT' as const, oldImage: undefined, newImage: noteImage({ version: 'one', sharedWith: ['bob'] }) };

    // Act
    const outcome = noteShareRequests(change);

    // Assess
    expect(outcome).toMatchObject({ kind: 'invalid', issues: [expect.stringContaining('version')] });
  });
});

function envelope(type: string, data: unknown) {
  return { id: 'media.processed:uploads/u/k.jpg:etag', type, source: 'thumbnails', occurredAt: '2026-11-28T09:00:00.000Z', data };
}

const uploadKey = 'uploads/bob/0f8fad5b-d9cb-469f-a165-70867728950e-AAAAAAAAAAAAAAAA.jpg';

describe('mediaProcessedRequest', () => {
  it('tells the uploader a photo is ready', () => {
    // Prepare
    const event = envelope('media.processed', { key: uploadKey, ownerId: 'bob', status: 'ready', thumbnails: null });

    // Act
    const outcome = mediaProcessedRequest(event);

    // Assess
    expect(outcome).toEqual({
      kind: 'apply',
      value: { eventId: event.id, recipient: 'bob', content: { type: 'media.ready', title: 'Your photo is ready', body: expect.any(String), data: { key: uploadKey } } },
    });
  });

  it('tells the uploader a photo failed', () => {
    // Prepare
    const event = envelope('media.processed', { key: uploadKey, ownerId: 'bob', status: 'failed', thumbnails: null });

    // Act
    const outcome = mediaProcessedRequest(event);

    // Assess
    expect(outcome).toMatchObject({ kind: 'apply', value: { content: { type: 'media.failed', data: { key: uploadKey } } } });
  });

  it('finds the uploader in the key when the event does not name it', () => {
    // Prepare
    const event = envelope('media.processed', { key: uploadKey, status: 'ready', thumbnails: null });

    // Act
    const outcome = mediaProcessedRequest(event);

    // Assess
    expect(outcome).toMatchObject({ kind: 'apply', value: { recipient: 'bob' } });
  });

  it('ignores other event types and reports unreadable data', () => {
    // Prepare
    const other = envelope('media.deleted', { key: uploadKey });
    const broken = envelope('media.processed', { key: uploadKey, status: 'done' });
    const anonymous = envelope('media.processed', { key: 'elsewhere/k.jpg', status: 'ready' });

    // Act
    const outcomes = [other, broken, anonymous].map(mediaProcessedRequest);

    // Assess
    expect(outcomes).toEqual([{ kind: 'ignore' }, { kind: 'invalid', issues: [expect.stringContaining('status')] }, { kind: 'invalid', issues: [expect.stringContaining('ownerId')] }]);
  });
});

describe('userDeletedRequest', () => {
  it('reads the user id of user.deleted and ignores other types', () => {
    // Prepare
    const deleted = envelope('user.deleted', { userId: 'bob' });
    const other = envelope('user.updated', { userId: 'bob' });

    // Act
    const outcomes = [userDeletedRequest(deleted), userDeletedRequest(other), userDeletedRequest(envelope('user.deleted', {}))];

    // Assess
    expect(outcomes).toEqual([{ kind: 'apply', value: { userId: 'bob' } }, { kind: 'ignore' }, { kind: 'invalid', issues: [expect.stringContaining('userId')] }]);
  });
});
