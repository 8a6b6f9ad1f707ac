import type { EventOf, EventPayload } from '@photonotes/shared/contracts/event';
import type { mediaProcessed } from '@photonotes/shared/contracts/media-events';
import type { noteChanged } from '@photonotes/shared/contracts/note-events';
import { defaultNoteSharedQuietHours, mediaProcessedRequest, noteSharedQuietSecondsFrom, noteShareRequests } from '../../src/domain/triggers';

function noteEvent(overrides: Partial<EventPayload<typeof noteChanged>> = {}): EventOf<typeof noteChanged> {
  const data = {
    noteId: 'n1',
    ownerId: 'alice',
    version: 1,
    change: 'created' as const,
    title: 'Holiday plans',
    tags: [],
    visibility: 'private' as const,
    sharedWith: [],
    photoStatus: null,
    createdAt: '2026-11-28T09:00:00.000Z',
    updatedAt: '2026-11-28T09:00:00.000Z',
    previous: null,
    ...overrides,
  };
  return { id: `note.changed:n1:${data.version}`, type: 'note.changed', version: 1, source: 'core-api', occurredAt: '2026-11-28T09:00:00.000Z', correlationId: 'req-1', data };
}

const shared = (recipient: string) => ({
  eventId: 'note.shared:n1:1',
  recipient,
  content: { type: 'note.shared', title: 'A note was shared with you', body: '“Holiday plans”', data: { noteId: 'n1' } },
  onceWithin: { key: `note.shared:n1\n${recipient}`, seconds: 86_400 },
});

const day = noteSharedQuietSecondsFrom(String(defaultNoteSharedQuietHours));

describe('noteSharedQuietSecondsFrom (the stage param noteSharedQuietHours)', () => {
  it('turns whole hours into the window’s seconds, 24 hours by the contract unless a stage sets another', () => {
    // Act
    const seconds = ['24', '1', '168'].map(noteSharedQuietSecondsFrom);

    // Assess
    expect(defaultNoteSharedQuietHours).toBe(24);
    expect(seconds).toEqual([86_400, 3600, 604_800]);
  });

  it.each(['', '0', '-1', '1.5', 'a day', '24h'])('refuses %j rather than notifying on every toggle', (raw) => {
    // Act
    const read = () => noteSharedQuietSecondsFrom(raw);

    // Assess
    expect(read).toThrow(/noteSharedQuietHours must be a positive integer/);
  });
});

describe('noteShareRequests', () => {
  it('notifies everyone a new note is shared with', () => {
    // Prepare
    const event = noteEvent({ sharedWith: ['bob', 'carol'] });

    // Act
    const requests = noteShareRequests(event, day);

    // Assess
    expect(requests).toEqual([shared('bob'), shared('carol')]);
  });

  it('notifies only users newly added, comparing with who could see the note before', () => {
    // Prepare
    const event = noteEvent({ change: 'updated', version: 4, sharedWith: ['bob', 'dave'], previous: { version: 3, visibility: 'private', sharedWith: ['bob'] } });

    // Act
    const requests = noteShareRequests(event, day);

    // Assess
    expect(requests).toMatchObject([{ eventId: 'note.shared:n1:4', recipient: 'dave' }]);
    expect(requests).toHaveLength(1);
  });

  it('notifies nobody when a shared note is saved again', () => {
    // Prepare
    const event = noteEvent({ change: 'updated', version: 4, title: 'Edited', sharedWith: ['bob'], previous: { version: 3, visibility: 'private', sharedWith: ['bob'] } });

    // Act
    const requests = noteShareRequests(event, day);

    // Assess
    expect(requests).toEqual([]);
  });

  it('never notifies the owner, nor a user twice', () => {
    // Prepare
    const event = noteEvent({ sharedWith: ['alice', 'bob', 'bob'] });

    // Act
    const requests = noteShareRequests(event, day);

    // Assess
    expect(requests).toEqual([shared('bob')]);
  });

  it('asks for one note.shared per note and recipient in 24 hours, whichever version shares it', () => {
    // Prepare
    const first = noteEvent({ sharedWith: ['bob'] });
    const again = noteEvent({ change: 'updated', version: 3, sharedWith: ['bob'], previous: { version: 2, visibility: 'private', sharedWith: [] } });

    // Act
    const [one] = noteShareRequests(first, day);
    const [two] = noteShareRequests(again, day);

    // Assess
    expect(one?.eventId).not.toBe(two?.eventId);
    expect(one?.onceWithin).toEqual({ key: 'note.shared:n1\nbob', seconds: 24 * 3600 });
    expect(two?.onceWithin).toEqual(one?.onceWithin);
  });

  it('asks for the stage’s window when it is not the default', () => {
    // Prepare
    const event = noteEvent({ sharedWith: ['bob'] });

    // Act
    const [request] = noteShareRequests(event, noteSharedQuietSecondsFrom('2'));

    // Assess
    expect(request?.onceWithin).toEqual({ key: 'note.shared:n1\nbob', seconds: 7200 });
  });

  it('notifies nobody of a deletion', () => {
    // Prepare
    const event = noteEvent({ change: 'deleted', sharedWith: ['bob'] });

    // Act
    const requests = noteShareRequests(event, day);

    // Assess
    expect(requests).toEqual([]);
  });
});

function mediaEvent(data: EventPayload<typeof mediaProcessed>): EventOf<typeof mediaProcessed> {
  return { id: 'media.processed:uploads/u/k.jpg:etag', type: 'media.processed', version: 1, source: 'thumbnails', occurredAt: '2026-11-28T09:00:00.000Z', correlationId: 's3-req', data };
}

const uploadKey = 'uploads/bob/0f8fad5b-d9cb-469f-a165-70867728950e-AAAAAAAAAAAAAAAA.jpg';

describe('mediaProcessedRequest', () => {
  it('tells the uploader a photo is ready', () => {
    // Prepare
    const event = mediaEvent({ key: uploadKey, ownerId: 'bob', status: 'ready', thumbnails: null });

    // Act
    const request = mediaProcessedRequest(event);

    // Assess
    expect(request).toEqual({ eventId: event.id, recipient: 'bob', content: { type: 'media.ready', title: 'Your photo is ready', body: expect.any(String), data: { key: uploadKey } } });
  });

  it('tells the uploader a photo failed', () => {
    // Prepare
    const event = mediaEvent({ key: uploadKey, ownerId: 'bob', status: 'failed', thumbnails: null });

    // Act
    const request = mediaProcessedRequest(event);

    // Assess
    expect(request).toMatchObject({ recipient: 'bob', content: { type: 'media.failed', data: { key: uploadKey } } });
  });
});
