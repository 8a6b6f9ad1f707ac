import { userActor } from '../../src/domain/actors';
import { nameUuid } from '@photonotes/shared/name-uuid';
import { mediaEvents, noteEvents, recordServerEvents, signedUpEvents, thingEvents } from '../../src/domain/server-events';
import { FakeActorKeys, FakeBuffer } from './support/fakes';

const occurredAt = '2026-11-30T10:00:00.000Z';
const note = {
  noteId: 'n1',
  ownerId: 'owner-1',
  version: 1,
  change: 'created' as const,
  title: 'Trip',
  tags: ['a', 'b'],
  visibility: 'private' as const,
  sharedWith: [] as string[],
  photoStatus: null,
  createdAt: '2026-11-30T09:00:00.000Z',
  updatedAt: '2026-11-30T09:00:00.000Z',
  previous: null,
};

describe('server events', () => {
  test('a created note is server.note.created of its owner, at its createdAt; one created already shared is also server.note.shared', () => {
    // Act
    const plain = noteEvents({ id: 'note.changed:n1:1', occurredAt, data: note });
    const shared = noteEvents({ id: 'note.changed:n2:1', occurredAt, data: { ...note, noteId: 'n2', sharedWith: ['u2', 'u3'] } });

    // Assess
    expect(plain).toEqual({
      userId: 'owner-1',
      events: [{ id: nameUuid('server.note.created:note.changed:n1:1'), type: 'server.note.created', at: '2026-11-30T09:00:00.000Z', sessionId: null, attributes: { visibility: 'private' }, metrics: { tags: 2 } }],
    });
    expect(shared.events.map((event) => [event.type, event.metrics])).toEqual([
      ['server.note.created', { tags: 2 }],
      ['server.note.shared', { recipients: 2 }],
    ]);
  });

  test('an update is server.note.shared only when sharedWith gained someone, counting only the added', () => {
    // Act
    const gained = noteEvents({ id: 'note.changed:n1:3', occurredAt, data: { ...note, version: 3, change: 'updated', sharedWith: ['u2', 'u3'], previous: { version: 2, visibility: 'private', sharedWith: ['u2'] } } });
    const lost = noteEvents({ id: 'note.changed:n1:4', occurredAt, data: { ...note, version: 4, change: 'updated', sharedWith: [], previous: { version: 3, visibility: 'private', sharedWith: ['u2'] } } });
    const deleted = noteEvents({ id: 'note.changed:n1:4:deleted', occurredAt, data: { ...note, version: 4, change: 'deleted', sharedWith: ['u2'] } });

    // Assess
    expect(gained.events.map((event) => [event.type, event.metrics])).toEqual([['server.note.shared', { recipients: 1 }]]);
    expect(lost.events).toEqual([]);
    expect(deleted.events).toEqual([]);
  });

  test('sign-ups, processed media and thing alerts', () => {
    // Act
    const events = [
      signedUpEvents({ id: 'user.signed_up:u1', occurredAt, data: { userId: 'u1', signedUpAt: '2026-11-30T08:00:00.000Z' } }),
      mediaEvents({ id: 'media.processed:k:e', occurredAt, data: { key: 'uploads/u1/x.jpg', ownerId: 'u1', status: 'failed', thumbnails: null } }),
      thingEvents({ id: 'thing.alert:t1:r1:5', occurredAt, data: { thingId: 't1', ownerId: 'u1', ruleId: 'r1', metric: 'temp', value: 31.5, at: '2026-11-30T09:59:00.000Z' } }),
    ];

    // Assess
    expect(events.map(({ userId, events: [event] }) => [userId, event?.type, event?.at, event?.attributes, event?.metrics])).toEqual([
      ['u1', 'server.user.signed_up', '2026-11-30T08:00:00.000Z', {}, {}],
      ['u1', 'server.media.processed', occurredAt, { status: 'failed' }, {}],
      ['u1', 'server.thing.alert', occurredAt, { metric: 'temp' }, { value: 31.5 }],
    ]);
  });

  test('recorded as one batch of the user\'s actor, with no install; nothing when there is nothing to record', async () => {
    // Prepare
    const deps = { actorKeys: new FakeActorKeys(), buffer: new FakeBuffer(), newBatchId: () => 'b1' };
    const recorded = signedUpEvents({ id: 'user.signed_up:u1', occurredAt, data: { userId: 'u1', signedUpAt: occurredAt } });

    // Act
    const count = await recordServerEvents(recorded, new Date(occurredAt), deps);
    const none = await recordServerEvents({ userId: 'u1', events: [] }, new Date(occurredAt), deps);

    // Assess
    expect([count, none]).toEqual([1, 0]);
    expect(deps.buffer.batches).toEqual([
      { batchId: 'b1', receivedAt: occurredAt, installId: null, actor: userActor('u1', deps.actorKeys.keys.get('u1') as Uint8Array), platform: null, appVersion: null, events: recorded.events },
    ]);
  });
});
