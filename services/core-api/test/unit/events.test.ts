import { mediaProcessedEvent, userDeletedEvent } from '../../src/domain/events';
import { thumbnails } from './support/notes-deps';

const envelope = (type: string, data: unknown) => ({ id: 'e1', type, occurredAt: '2026-11-28T09:00:00.000Z', data });
const key = 'uploads/user-1/6f1c1e4e-8a9b-4c1d-9e2f-0a1b2c3d4e5f-AAAAAAAAAAAAAAAA.jpg';

describe('mediaProcessedEvent', () => {
  it('reads a ready upload with its thumbnails and uploader', () => {
    // Act
    const outcome = mediaProcessedEvent(envelope('media.processed', { key, ownerId: 'user-1', status: 'ready', thumbnails }));

    // Assess
    expect(outcome).toEqual({ kind: 'apply', data: { key, ownerId: 'user-1', status: 'ready', thumbnails } });
  });

  it('takes the uploader from the key when the event does not name it, and drops thumbnails of a failure', () => {
    // Act
    const outcome = mediaProcessedEvent(envelope('media.processed', { key, status: 'failed', thumbnails }));

    // Assess
    expect(outcome).toEqual({ kind: 'apply', data: { key, ownerId: 'user-1', status: 'failed', thumbnails: null } });
  });

  it('ignores other event types and reports malformed data', () => {
    // Act + Assess
    expect(mediaProcessedEvent(envelope('media.uploaded', { key }))).toEqual({ kind: 'ignore' });
    expect(mediaProcessedEvent(envelope('media.processed', { key, status: 'done', thumbnails: null }))).toMatchObject({ kind: 'invalid' });
  });
});

describe('userDeletedEvent', () => {
  it('reads the user id', () => {
    // Act + Assess
    expect(userDeletedEvent(envelope('user.deleted', { userId: 'u1' }))).toEqual({ kind: 'apply', data: { userId: 'u1' } });
    expect(userDeletedEvent(envelope('user.deleted', {}))).toMatchObject({ kind: 'invalid' });
    expect(userDeletedEvent(envelope('user.created', { userId: 'u1' }))).toEqual({ kind: 'ignore' });
  });
});
