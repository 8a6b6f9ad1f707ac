// Notifications end to end: notes shared through core-api's routes and media events published to the SNS
// emulator reach the recipient's inbox and, once per device, the local push outbox; duplicates are suppressed,
// unregistered devices get nothing, read state holds, and the account's data goes with user.deleted.
// Asynchronous effects are polled with a deadline; "nothing more arrived" is asserted only after a later
// marker event has arrived, so it cannot pass merely because the pipeline was slow.
import { randomUUID } from 'node:crypto';
import { api } from '../../../../test/support/api';
import type { ErrorBody } from '../../../../test/support/api';
import { createTestUser } from '../../../../test/support/users';
import type { TestUser } from '../../../../test/support/users';
import {
  allPages,
  eventually,
  inbox,
  markRead,
  newDevice,
  outbox,
  patchNote,
  publishMediaProcessed,
  shareNewNote,
  storedForUser,
  unregisterDevice,
} from '../support/notifications-api';
import type { NotificationView, OutboxEntry } from '../support/notifications-api';

jest.setTimeout(90_000);

const inboxOf = (user: TestUser) => allPages<NotificationView>((query) => inbox(user, query));
const outboxOf = (user: TestUser) => allPages<OutboxEntry>((query) => outbox(user, query));
const uploadKey = (user: TestUser) => `uploads/${user.userId}/${randomUUID()}-AAAAAAAAAAAAAAAA.jpg`;

/** Polls the outbox until `count` pushes match; returns the matching ones (possibly fewer at the deadline). */
async function pushesWhere(user: TestUser, match: (entry: OutboxEntry) => boolean, count: number): Promise<OutboxEntry[]> {
  const entries = await eventually(() => outboxOf(user), (all) => all.filter(match).length >= count);
  return entries.filter(match);
}

describe('a note shared with a user', () => {
  let owner: TestUser;
  let recipient: TestUser;
  let recipientDevices: Array<{ deviceId: string; token: string }>;

  beforeAll(async () => {
    [owner, recipient] = await Promise.all([createTestUser('owner'), createTestUser('recipient')]);
    recipientDevices = [await newDevice(recipient, 'ios'), await newDevice(recipient, 'android')];
    await newDevice(owner, 'ios');
  });

  it('reaches the recipient’s inbox and exactly one push per device; the owner gets nothing', async () => {
    // Act
    const note = await shareNewNote(owner, [recipient.userId], 'Trip to Lisbon');

    // Assess
    const pushes = await pushesWhere(recipient, (e) => e.data.noteId === note.id, recipientDevices.length);
    const entries = (await inboxOf(recipient)).filter((n) => n.data.noteId === note.id);
    expect(entries).toEqual([
      { id: expect.any(String), type: 'note.shared', title: 'A note was shared with you', body: '“Trip to Lisbon”', data: { noteId: note.id }, createdAt: expect.any(String), readAt: null },
    ]);
    expect(pushes.map((p) => p.deviceId).sort()).toEqual(recipientDevices.map((d) => d.deviceId).sort());
    for (const device of recipientDevices) {
      expect(pushes.find((p) => p.deviceId === device.deviceId)).toEqual({
        deviceId: device.deviceId,
        userId: recipient.userId,
        platform: expect.stringMatching(/^(ios|android)$/),
        token: device.token,
        title: 'A note was shared with you',
        body: '“Trip to Lisbon”',
        data: { noteId: note.id, type: 'note.shared', notificationId: entries[0]?.id },
        sentAt: expect.any(String),
      });
    }
    expect((await inboxOf(owner)).filter((n) => n.data.noteId === note.id)).toEqual([]);
  });

  it('notifies a user added by PATCH, and never again when the note is saved again', async () => {
    // Prepare
    const note = await shareNewNote(owner, [], 'Budget');
    await patchNote(owner, note.id, { sharedWith: [recipient.userId] });
    await pushesWhere(recipient, (e) => e.data.noteId === note.id, recipientDevices.length);

    // Act: re-save with the same sharees, then add a marker user whose notification comes after both saves.
    await patchNote(owner, note.id, { title: 'Budget v2', sharedWith: [recipient.userId] });
    const marker = await createTestUser('marker');
    await newDevice(marker);
    await patchNote(owner, note.id, { sharedWith: [recipient.userId, marker.userId] });
    await pushesWhere(marker, (e) => e.data.noteId === note.id, 1);

    // Assess
    expect((await inboxOf(recipient)).filter((n) => n.data.noteId === note.id)).toHaveLength(1);
    expect((await outboxOf(recipient)).filter((e) => e.data.noteId === note.id)).toHaveLength(recipientDevices.length);
  });

  it('notifies a user once in 24 hours however often the note is unshared and shared again', async () => {
    // Prepare
    const note = await shareNewNote(owner, [recipient.userId], 'Your account is locked');
    await pushesWhere(recipient, (e) => e.data.noteId === note.id, recipientDevices.length);

    // Act: share, unshare, share, unshare, share; then another note shared with the recipient, whose
    // notification comes after every one of those changes.
    for (const sharedWith of [[], [recipient.userId], [], [recipient.userId]]) await patchNote(owner, note.id, { sharedWith });
    const later = await shareNewNote(owner, [recipient.userId], 'Later note');
    await pushesWhere(recipient, (e) => e.data.noteId === later.id, recipientDevices.length);

    // Assess
    expect((await inboxOf(recipient)).filter((n) => n.data.noteId === note.id)).toHaveLength(1);
    expect((await outboxOf(recipient)).filter((e) => e.data.noteId === note.id)).toHaveLength(recipientDevices.length);
  });
});

describe('media events', () => {
  it('tell the uploader media.ready once per event, also when the event is delivered twice', async () => {
    // Prepare
    const uploader = await createTestUser('uploader');
    const devices = [await newDevice(uploader, 'ios'), await newDevice(uploader, 'android')];
    const key = uploadKey(uploader);
    const eventId = `media.processed:${key}:etag-1`;

    // Act
    await publishMediaProcessed({ key, ownerId: uploader.userId, status: 'ready' }, eventId);
    await publishMediaProcessed({ key, ownerId: uploader.userId, status: 'ready' }, eventId);
    const markerKey = uploadKey(uploader);
    await publishMediaProcessed({ key: markerKey, ownerId: uploader.userId, status: 'failed' });
    await pushesWhere(uploader, (e) => e.data.key === markerKey, devices.length);
    await pushesWhere(uploader, (e) => e.data.key === key, devices.length);

    // Assess
    const entries = await inboxOf(uploader);
    expect(entries.filter((n) => n.data.key === key)).toEqual([
      { id: expect.any(String), type: 'media.ready', title: 'Your photo is ready', body: expect.any(String), data: { key }, createdAt: expect.any(String), readAt: null },
    ]);
    expect(entries.filter((n) => n.data.key === markerKey)).toEqual([expect.objectContaining({ type: 'media.failed', data: { key: markerKey } })]);
    const pushes = (await outboxOf(uploader)).filter((e) => e.data.key === key);
    expect(pushes.map((p) => p.deviceId).sort()).toEqual(devices.map((d) => d.deviceId).sort());
  });

  it('stop reaching a device once it is unregistered', async () => {
    // Prepare
    const user = await createTestUser('unregisters');
    const kept = await newDevice(user, 'ios');
    const dropped = await newDevice(user, 'android');
    const before = uploadKey(user);
    await publishMediaProcessed({ key: before, ownerId: user.userId, status: 'ready' });
    await pushesWhere(user, (e) => e.data.key === before, 2);

    // Act
    expect((await unregisterDevice(user, dropped.deviceId)).status).toBe(204);
    const after = uploadKey(user);
    await publishMediaProcessed({ key: after, ownerId: user.userId, status: 'ready' });

    // Assess: the kept device's push proves the delivery ran (it reads the device list before pushing).
    const pushes = await pushesWhere(user, (e) => e.data.key === after, 1);
    expect(pushes.map((p) => p.deviceId)).toEqual([kept.deviceId]);
    expect((await outboxOf(user)).filter((e) => e.deviceId === dropped.deviceId).map((e) => e.data.key)).toEqual([before]);
  });
});

describe('read state', () => {
  let user: TestUser;
  let ids: string[];

  beforeAll(async () => {
    user = await createTestUser('reader');
    const keys = [uploadKey(user), uploadKey(user), uploadKey(user)];
    for (const key of keys) await publishMediaProcessed({ key, ownerId: user.userId, status: 'ready' });
    const entries = await eventually(() => inboxOf(user), (all) => all.length >= keys.length);
    ids = entries.map((n) => n.id);
  });

  it('lists the inbox newest first, paginated', async () => {
    // Act
    const first = await inbox(user, '?limit=2');
    const second = await inbox(user, `?limit=2&cursor=${encodeURIComponent(first.body.nextCursor ?? '')}`);

    // Assess
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(second.body.nextCursor).toBeNull();
    const all = [...first.body.items, ...second.body.items];
    expect(all.map((n) => n.id)).toEqual(ids);
    expect([...all].sort((a, b) => b.createdAt.localeCompare(a.createdAt)).map((n) => n.id)).toEqual(all.map((n) => n.id));
  });

  it('marks notifications read, keeping the first readAt', async () => {
    // Prepare
    const [target, other] = ids as [string, string];

    // Act
    const res = await markRead(user, [target]);
    const firstReadAt = (await inboxOf(user)).find((n) => n.id === target)?.readAt;
    const again = await markRead(user, [target, target]);

    // Assess
    expect(res.status).toBe(204);
    expect(again.status).toBe(204);
    const entries = await inboxOf(user);
    expect(firstReadAt).toEqual(expect.any(String));
    expect(entries.find((n) => n.id === target)?.readAt).toBe(firstReadAt);
    expect(entries.find((n) => n.id === other)?.readAt).toBeNull();
  });

  it('answers 404 naming another user’s ids, and marks nothing', async () => {
    // Prepare
    const stranger = await createTestUser('stranger');
    const unread = ids[2] as string;

    // Act
    const res = await markRead(stranger, [unread]);
    const mixed = await markRead(user, [unread, '00000000000000000000a']);

    // Assess
    expect(res.status).toBe(404);
    expect((res.body as ErrorBody).error).toMatchObject({ code: 'NOT_FOUND', details: [{ path: 'ids.0', id: unread }] });
    expect(mixed.status).toBe(404);
    expect((mixed.body as ErrorBody).error.details).toEqual([expect.objectContaining({ path: 'ids.1', id: '00000000000000000000a' })]);
    expect((await inboxOf(user)).find((n) => n.id === unread)?.readAt).toBeNull();
  });

  it.each([
    ['no ids', []],
    ['101 ids', Array.from({ length: 101 }, (_, n) => `0000000000000000000${String(n).padStart(2, '0')}`)],
    ['an id that is not a notification id', ['../x']],
    ['ids that are not a list', 'abc'],
  ])('refuses %s with 400, marking nothing', async (_case, body) => {
    // Act
    const res = await markRead(user, body);

    // Assess
    expect(res.status).toBe(400);
    expect((res.body as ErrorBody).error).toMatchObject({ code: 'VALIDATION_FAILED', details: [expect.objectContaining({ location: 'body' })] });
    expect((await inboxOf(user)).find((n) => n.id === ids[2])?.readAt).toBeNull();
  });

  it('refuses a cursor issued to another user, and a limit outside 1..100', async () => {
    // Prepare
    const page = await inbox(user, '?limit=1');
    const stranger = await createTestUser('cursor-thief');

    // Act
    const stolen = await inbox(stranger, `?cursor=${encodeURIComponent(page.body.nextCursor ?? '')}`);
    const zero = await inbox(user, '?limit=0');

    // Assess
    expect(stolen.status).toBe(400);
    expect(zero.status).toBe(400);
  });
});

describe('GET /dev/push-outbox', () => {
  it('requires an access token', async () => {
    // Act
    const res = await api('/dev/push-outbox');

    // Assess
    expect(res.status).toBe(401);
  });
});

describe('user.deleted', () => {
  it('removes the account’s devices and inbox', async () => {
    // Prepare
    const user = await createTestUser('leaving');
    await newDevice(user, 'ios');
    const key = uploadKey(user);
    await publishMediaProcessed({ key, ownerId: user.userId, status: 'ready' });
    await eventually(() => inboxOf(user), (all) => all.length === 1);

    expect(await storedForUser(user.userId)).toEqual({ devices: 1, notifications: 1 });

    // Act
    const res = await api('/users/me', { method: 'DELETE', token: user.accessToken });

    // Assess: the account's token is refused within seconds (API.md), so the tables tell what is left.
    expect(res.status).toBe(204);
    const gone = await eventually(() => storedForUser(user.userId), (left) => left.devices === 0 && left.notifications === 0);
    expect(gone).toEqual({ devices: 0, notifications: 0 });
  });
});
