// Events through the local SNS emulator: media.processed shows photo state on notes, user.deleted removes an
// account's notes and its place in others' notes, and every note change reaches note-events from the stream.
import { randomUUID } from 'node:crypto';
import { parseEvent } from '@photonotes/shared/contracts/event';
import { mediaProcessed } from '@photonotes/shared/contracts/media-events';
import { noteChanged } from '@photonotes/shared/contracts/note-events';
import { userDeleted } from '@photonotes/shared/contracts/user-events';
import { api } from '../../../../test/support/api';
import { createTestUser } from '../../../../test/support/users';
import type { TestUser } from '../../../../test/support/users';
import { eventually, getNote, listAll, listenToTopic, newNote, publishEvent, syncAll, syncPage, uploadKeyFor } from '../support/notes-api';
import type { Note } from '../support/notes-api';

jest.setTimeout(60_000);

const thumbnailsOf = (key: string) => ({
  small: { url: `http://127.0.0.1:4569/photonotes-local-media/thumbs/${key}/small.jpg`, width: 128, height: 96 },
  medium: { url: `http://127.0.0.1:4569/photonotes-local-media/thumbs/${key}/medium.jpg`, width: 512, height: 384 },
  large: { url: `http://127.0.0.1:4569/photonotes-local-media/thumbs/${key}/large.jpg`, width: 1024, height: 768 },
});

let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  [alice, bob] = await Promise.all([createTestUser('alice'), createTestUser('bob')]);
});

describe('media.processed', () => {
  it('shows the status and thumbnails on every note using the key, as a new version in /sync', async () => {
    // Prepare
    const key = uploadKeyFor(alice);
    const first = await newNote(alice, { title: 'Photo', photoKey: key, sharedWith: [bob.userId] });
    const second = await newNote(alice, { title: 'Same photo', photoKey: key });
    const untouched = await newNote(alice, { title: 'Other photo', photoKey: uploadKeyFor(alice) });
    const cursor = (await syncAll(alice)).cursor;
    const thumbnails = thumbnailsOf(key);

    // Act
    await publishEvent(mediaProcessed, { key, ownerId: alice.userId, status: 'ready', thumbnails });

    // Assess
    // The consumer updates the notes using the key one after the other: wait for both.
    const [shown, shownSecond] = await eventually(
      () => Promise.all([getNote(alice, first.id), getNote(alice, second.id)]),
      (notes) => notes.every((res) => res.body.photo?.status === 'ready'),
    );
    expect(shown.body).toMatchObject({ photo: { key, status: 'ready', thumbnails }, version: 2, title: 'Photo' });
    expect(shownSecond.body).toMatchObject({ photo: { key, status: 'ready', thumbnails }, version: 2 });
    expect((await getNote(alice, untouched.id)).body).toEqual(untouched);
    const changes = (await eventually(() => syncAll(alice, cursor), (page) => page.changes.length === 2)).changes;
    expect(changes.map((change) => change.op === 'upsert' && change.note.id).sort()).toEqual([first.id, second.id].sort());
    expect(changes.every((change) => change.op === 'upsert' && change.note.version === 2 && change.note.photo?.status === 'ready')).toBe(true);
    expect((await listAll(bob, { scope: 'shared' })).items.find((note) => note.id === first.id)).toEqual(shown.body);
  });

  it('shows the processed state at once on a note created after processing ended', async () => {
    // Prepare
    const key = uploadKeyFor(alice);
    const probe = await newNote(alice, { title: 'Probe', photoKey: key });
    await publishEvent(mediaProcessed, { key, ownerId: alice.userId, status: 'ready', thumbnails: thumbnailsOf(key) });
    await eventually(() => getNote(alice, probe.id), (res) => res.body.photo?.status === 'ready');

    // Act
    const late = await newNote(alice, { title: 'Late', photoKey: key });
    const patched = await api<Note>(`/notes/${(await newNote(alice, { title: 'Patched later' })).id}`, { method: 'PATCH', token: alice.accessToken, body: { photoKey: key } });

    // Assess
    expect(late).toMatchObject({ photo: { key, status: 'ready', thumbnails: thumbnailsOf(key) }, version: 1 });
    expect(patched.body).toMatchObject({ photo: { key, status: 'ready', thumbnails: thumbnailsOf(key) }, version: 2 });
  });

  it('marks the photo failed, without thumbnails', async () => {
    // Prepare
    const key = uploadKeyFor(alice, 'image/png');
    const note = await newNote(alice, { photoKey: key });

    // Act
    await publishEvent(mediaProcessed, { key, ownerId: alice.userId, status: 'failed', thumbnails: null });

    // Assess
    const res = await eventually(() => getNote(alice, note.id), (r) => r.body.photo?.status !== 'pending');
    expect(res.body).toMatchObject({ photo: { key, status: 'failed', thumbnails: null }, version: 2 });
  });

  it('applies a repeated event once', async () => {
    // Prepare
    const key = uploadKeyFor(alice);
    const note = await newNote(alice, { photoKey: key });
    const event = { key, ownerId: alice.userId, status: 'ready' as const, thumbnails: thumbnailsOf(key) };
    await publishEvent(mediaProcessed, event);
    await eventually(() => getNote(alice, note.id), (res) => res.body.version === 2);
    const marker = await newNote(alice, { title: 'marker', photoKey: uploadKeyFor(alice) });

    // Act: the repeat, then an event that can only be seen once the repeat was handled before it or after.
    await publishEvent(mediaProcessed, event);
    await publishEvent(mediaProcessed, { ...event, key: marker.photo?.key ?? 'a marker without its photo' });
    await eventually(() => getNote(alice, marker.id), (res) => res.body.version === 2);

    // Assess
    expect((await getNote(alice, note.id)).body.version).toBe(2);
  });
});

describe('user.deleted', () => {
  it('deletes the account notes for everyone, takes it out of notes shared with it, and empties its feed', async () => {
    // Prepare
    const [leaving, staying] = await Promise.all([createTestUser('leaving'), createTestUser('staying')]);
    const sharedByLeaving = await newNote(leaving, { title: 'Shared by leaving', sharedWith: [staying.userId] });
    const publicByLeaving = await newNote(leaving, { title: 'Public by leaving', visibility: 'public', photoKey: uploadKeyFor(leaving) });
    const sharedWithLeaving = await newNote(staying, { title: 'Shared with leaving', sharedWith: [leaving.userId, bob.userId] });
    const stayingCursor = (await syncAll(staying)).cursor;

    // Act
    await publishEvent(userDeleted, { userId: leaving.userId });

    // Assess
    const gone = await eventually(() => getNote(staying, sharedByLeaving.id), (res) => res.status === 404);
    expect(gone.status).toBe(404);
    // The clean-up deletes the account's notes one after another: the public one may still be on its way out.
    expect((await eventually(() => getNote(staying, publicByLeaving.id), (res) => res.status === 404)).status).toBe(404);
    expect((await listAll(staying, { scope: 'shared' })).items).toEqual([]);
    const updated = await eventually(() => getNote(staying, sharedWithLeaving.id), (res) => res.body.version === 2);
    expect(updated.body).toMatchObject({ sharedWith: [bob.userId], version: 2 });
    expect((await syncAll(staying, stayingCursor)).changes).toEqual([{ op: 'upsert', note: updated.body }]);
    // The event is processed; the account's token still verifies until it expires, so its views can be read.
    const feed = await eventually(() => syncPage(leaving), (res) => res.body.changes.length === 0);
    expect(feed.body.changes).toEqual([]);
    expect((await listAll(leaving)).items).toEqual([]);
    expect((await listAll(leaving, { scope: 'shared' })).items).toEqual([]);
  });

  it('follows DELETE /users/me through the users service and the user-events topic', async () => {
    // Prepare
    const [leaving, staying] = await Promise.all([createTestUser('closing'), createTestUser('friend')]);
    const shared = await newNote(leaving, { title: 'Goodbye', sharedWith: [staying.userId] });

    // Act
    const res = await api('/users/me', { method: 'DELETE', token: leaving.accessToken });

    // Assess
    expect(res.status).toBe(204);
    const gone = await eventually(() => getNote(staying, shared.id), (r) => r.status === 404);
    expect(gone.status).toBe(404);
    expect((await listAll(staying, { scope: 'shared' })).items).toEqual([]);
  });
});

describe('note.changed', () => {
  it('announces each change of a note on note-events, correlated with the request that made it', async () => {
    // Prepare
    const listener = await listenToTopic('note-events');
    const requestIds = [`create-${randomUUID()}`, `share-${randomUUID()}`, `delete-${randomUUID()}`];
    const of = (noteId: string) => listener.events.filter((event) => (event.data as { noteId?: string }).noteId === noteId);

    try {
      // Act
      const created = await api<Note>('/notes', { method: 'POST', token: alice.accessToken, body: { title: 'Lighthouse', tags: ['sea'] }, headers: { 'x-request-id': requestIds[0] as string } });
      const id = created.body.id;
      await api<Note>(`/notes/${id}`, { method: 'PATCH', token: alice.accessToken, body: { sharedWith: [bob.userId] }, headers: { 'x-request-id': requestIds[1] as string } });
      await api(`/notes/${id}`, { method: 'DELETE', token: alice.accessToken, headers: { 'x-request-id': requestIds[2] as string } });
      const events = await eventually(async () => of(id), (all) => all.length >= 3);

      // Assess
      expect(created.status).toBe(201);
      const byId = new Map(events.map((event) => [event.id, event]));
      expect(byId.get(`note.changed:${id}:1`)).toMatchObject({
        type: 'note.changed',
        version: 1,
        source: 'core-api',
        correlationId: requestIds[0],
        data: { noteId: id, ownerId: alice.userId, version: 1, change: 'created', title: 'Lighthouse', tags: ['sea'], sharedWith: [], previous: null },
      });
      expect(byId.get(`note.changed:${id}:2`)).toMatchObject({
        correlationId: requestIds[1],
        data: { version: 2, change: 'updated', sharedWith: [bob.userId], previous: { version: 1, visibility: 'private', sharedWith: [] } },
      });
      expect(byId.get(`note.changed:${id}:2:deleted`)).toMatchObject({ data: { version: 2, change: 'deleted' } });
      expect(events.every((event) => parseEvent(noteChanged, JSON.stringify(event)).kind === 'parsed')).toBe(true);
      expect(events.some((event) => 'body' in (event.data as object))).toBe(false);
    } finally {
      await listener.close();
    }
  });
});
