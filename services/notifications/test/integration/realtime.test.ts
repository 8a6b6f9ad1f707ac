// The realtime WebSocket end to end (API.md "Realtime"): real clients through the gateway's /realtime, the handshake
// refused without a valid, unrevoked token, ping and error frames, the 5-connection cap, the 32 KB frame limit,
// one client's trouble never touching another's connection, and the fan-out: note changes to owners and sharees,
// inbox items, per-user seq, order per note, and a deleted user's connections closed. Deadlines ("within 2 s") are
// checked by polling with room to spare, never by sleeping.
import { deadLetterDir, localAsyncDeps } from '../../../../scripts/platform/delivery';
import { loadConsumers, type ScheduleConsumer } from '../../../../scripts/platform/delivery/consumers';
import { DeadLetterStore } from '../../../../scripts/platform/delivery/dead-letters';
import { localLambdaInvoker } from '../../../../scripts/platform/delivery/lambda-invoke';
import { runScheduled } from '../../../../scripts/platform/delivery/schedules';
import { loadServiceDefinitions } from '../../../../scripts/platform/service-definitions';
import { api } from '../../../../test/support/api';
import { eventually } from '../../../../test/support/eventually';
import { createTestUser } from '../../../../test/support/users';
import type { TestUser } from '../../../../test/support/users';
import { cognitoLocalToken } from '../../../users/test/support/local-platform';
import { connectRealtime, refusedStatus } from '../support/realtime-client';
import type { RealtimeClient } from '../support/realtime-client';

interface NoteBody {
  id: string;
  version: number;
  body: string;
  sharedWith: string[];
  updatedAt: string;
}
interface NoteChangedFrame {
  type: 'note.changed';
  seq: number;
  change: { op: 'upsert'; note: NoteBody } | { op: 'delete'; id: string; deletedAt: string };
}
interface NotificationFrame {
  type: 'notification';
  seq: number;
  notification: { id: string; type: string; data: Record<string, unknown> };
}

jest.setTimeout(90_000);

let alice: TestUser;
let bob: TestUser;
const open: RealtimeClient[] = [];

async function connect(user: TestUser): Promise<RealtimeClient> {
  const client = await connectRealtime(user.accessToken);
  open.push(client);
  return client;
}

beforeAll(async () => {
  [alice, bob] = await Promise.all([createTestUser('rt-alice'), createTestUser('rt-bob')]);
});

afterEach(async () => {
  for (const client of open.splice(0)) client.socket.terminate();
  // Let $disconnect run before the next test counts connections.
  await new Promise((resolve) => setTimeout(resolve, 300));
});

describe('the handshake', () => {
  it('is refused with 401 without a token, with a malformed or forged one, and with an id token', async () => {
    // Prepare
    const [header, payload] = alice.accessToken.split('.');
    const forged = `${header}.${payload}.${'A'.repeat(342)}`;

    // Act
    const statuses = await Promise.all([refusedStatus(), refusedStatus(''), refusedStatus('not-a-jwt'), refusedStatus(forged), refusedStatus(alice.idToken)]);

    // Assess
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
  });

  it('is refused with 401 for a deleted account\'s token (the revocation list)', async () => {
    // Prepare
    const leaving = await createTestUser('rt-leaving');
    const before = await connectRealtime(leaving.accessToken);
    before.socket.terminate();

    // Act
    const deleted = await api('/users/me', { method: 'DELETE', token: leaving.accessToken });
    const status = await eventually(() => refusedStatus(leaving.accessToken).catch(() => 101), (s) => s === 401, 6_000);

    // Assess
    expect(deleted.status).toBe(204);
    expect(status).toBe(401);
  });

  it('is refused with 404 on another path of the gateway, even with a good token', async () => {
    // Act
    const status = await refusedStatus(alice.accessToken, '/realtime-other');

    // Assess
    expect(status).toBe(404);
  });
});

describe('frames', () => {
  it('answers ping with pong', async () => {
    // Prepare
    const client = await connect(alice);

    // Act
    client.socket.send(JSON.stringify({ action: 'ping' }));

    // Assess
    expect(await client.next()).toEqual({ type: 'pong' });
  });

  it('answers an unknown action, invalid JSON, a binary frame and a bad subscription with error frames, and stays open', async () => {
    // Prepare
    const client = await connect(alice);

    // Act
    client.socket.send(JSON.stringify({ action: 'dance' }));
    const unknown = await client.next();
    client.socket.send('{not json');
    const invalid = await client.next();
    client.socket.send(Buffer.from(JSON.stringify({ action: 'ping' })), { binary: true });
    const binary = await client.next();
    client.socket.send(JSON.stringify({ action: 'subscribe', things: Array.from({ length: 21 }, (_, i) => `thing-${i}`) }));
    const tooMany = await client.next();
    client.socket.send(JSON.stringify({ action: 'ping' }));
    const pong = await client.next();

    // Assess
    expect(unknown).toEqual({ type: 'error', code: 'UNKNOWN_ACTION', message: expect.any(String) });
    expect(invalid).toEqual({ type: 'error', code: 'INVALID_JSON', message: expect.any(String) });
    expect(binary).toEqual({ type: 'error', code: 'BINARY_NOT_SUPPORTED', message: expect.any(String) });
    expect(tooMany).toEqual({ type: 'error', code: 'VALIDATION_FAILED', message: expect.any(String) });
    expect(pong).toEqual({ type: 'pong' });
    expect(client.isOpen()).toBe(true);
  });

  it('refuses a frame over 32 KB with an error frame, and takes one of exactly 32 KB', async () => {
    // Prepare
    const client = await connect(alice);
    const frameOf = (bytes: number) => {
      const base = JSON.stringify({ action: 'ping', pad: '' });
      return JSON.stringify({ action: 'ping', pad: 'x'.repeat(bytes - base.length) });
    };

    // Act
    client.socket.send(frameOf(32 * 1024 + 1));
    const over = await client.next();
    client.socket.send(frameOf(32 * 1024));
    const atLimit = await client.next();

    // Assess
    expect(over).toEqual({ type: 'error', code: 'FRAME_TOO_LARGE', message: expect.any(String) });
    expect(atLimit).toEqual({ type: 'pong' });
    expect(client.isOpen()).toBe(true);
  });
});

describe('the connection cap', () => {
  it('closes the oldest connection when a sixth opens, and only that one', async () => {
    // Prepare
    const first = await connect(alice);
    const others = [];
    for (let i = 0; i < 4; i += 1) others.push(await connect(alice));
    const bobs = await connect(bob);

    // Act
    const sixth = await connect(alice);
    const code = await Promise.race([first.closed, new Promise<string>((resolve) => setTimeout(() => resolve('still open'), 5_000))]);

    // Assess
    expect(code).not.toBe('still open');
    for (const client of [...others, sixth, bobs]) {
      client.socket.send(JSON.stringify({ action: 'ping' }));
      expect(await client.next()).toEqual({ type: 'pong' });
    }
  });
});

describe('isolation', () => {
  it("a client dropped without a close does not affect another user's connection", async () => {
    // Prepare
    const dropped = await connect(alice);
    const bobs = await connect(bob);

    // Act
    dropped.socket.terminate();
    bobs.socket.send(JSON.stringify({ action: 'ping' }));
    const answer = await bobs.next();
    await new Promise((resolve) => setTimeout(resolve, 500));
    bobs.socket.send(JSON.stringify({ action: 'ping' }));
    const later = await bobs.next();

    // Assess
    expect(answer).toEqual({ type: 'pong' });
    expect(later).toEqual({ type: 'pong' });
    expect(bobs.isOpen()).toBe(true);
  });
});

/** The frames about one note, in the order they arrived. */
function noteFrames(client: RealtimeClient, noteId: string): NoteChangedFrame[] {
  return (client.frames as NoteChangedFrame[]).filter(
    (frame) => frame.type === 'note.changed' && (frame.change.op === 'upsert' ? frame.change.note.id === noteId : frame.change.id === noteId),
  );
}

/** Polls the client's frames until `check` holds of them (up to 10 s, the contract's 2 s with room to spare). */
async function untilFrames<T>(read: () => T, check: (value: T) => boolean): Promise<T> {
  return eventually(async () => read(), check, 10_000);
}

async function createNote(owner: TestUser, fields: Record<string, unknown>): Promise<NoteBody> {
  const created = await api<NoteBody>('/notes', { method: 'POST', token: owner.accessToken, body: { title: 'Realtime', ...fields } });
  expect(created.status).toBe(201);
  return created.body;
}

async function patchNote(owner: TestUser, id: string, fields: Record<string, unknown>): Promise<NoteBody> {
  const patched = await api<NoteBody>(`/notes/${id}`, { method: 'PATCH', token: owner.accessToken, body: fields });
  expect(patched.status).toBe(200);
  return patched.body;
}

describe('the fan-out', () => {
  it('sends a share to the sharee as note.changed (the whole note) and as a notification, and to the owner', async () => {
    // Prepare
    const alices = await connect(alice);
    const bobs = await connect(bob);

    // Act
    const note = await createNote(alice, { body: 'Only alice and bob read this', sharedWith: [bob.userId] });
    const bobsChange = await untilFrames(() => noteFrames(bobs, note.id), (frames) => frames.length > 0);
    const bobsNotification = await untilFrames(
      () => (bobs.frames as NotificationFrame[]).find((frame) => frame.type === 'notification' && frame.notification.data.noteId === note.id),
      (frame) => frame !== undefined,
    );
    const alicesChange = await untilFrames(() => noteFrames(alices, note.id), (frames) => frames.length > 0);
    const inbox = await api<{ items: Array<{ id: string }> }>('/notifications', { token: bob.accessToken });

    // Assess
    expect(bobsChange).toEqual([{ type: 'note.changed', seq: expect.any(Number), change: { op: 'upsert', note } }]);
    expect(alicesChange).toEqual([{ type: 'note.changed', seq: expect.any(Number), change: { op: 'upsert', note } }]);
    expect(bobsNotification).toEqual({ type: 'notification', seq: expect.any(Number), notification: inbox.body.items.find((item) => item.id === bobsNotification?.notification.id) });
    expect(bobsNotification?.notification).toMatchObject({ type: 'note.shared' });
  });

  it('sends an unshare to the former sharee as a delete', async () => {
    // Prepare
    const note = await createNote(alice, { sharedWith: [bob.userId] });
    const bobs = await connect(bob);

    // Act
    const unshared = await patchNote(alice, note.id, { sharedWith: [] });
    const frames = await untilFrames(() => noteFrames(bobs, note.id), (list) => list.some((frame) => frame.change.op === 'delete'));

    // Assess
    expect(frames.at(-1)).toEqual({ type: 'note.changed', seq: expect.any(Number), change: { op: 'delete', id: note.id, deletedAt: unshared.updatedAt } });
  });

  it("brings edits made on another device to the owner's other connection in order, ending with the last", async () => {
    // Prepare
    const note = await createNote(alice, { body: 'v1' });
    const otherDevice = await connect(alice);

    // Act
    let last = note;
    for (const body of ['v2', 'v3', 'v4', 'v5']) last = await patchNote(alice, note.id, { body });
    const frames = await untilFrames(
      () => noteFrames(otherDevice, note.id),
      (list) => list.some((frame) => frame.change.op === 'upsert' && frame.change.note.version === last.version),
    );

    // Assess: whatever order the events were handled in, no older version arrives after a newer one.
    const versions = frames.map((frame) => (frame.change.op === 'upsert' ? frame.change.note.version : -1));
    expect(versions.at(-1)).toBe(last.version);
    expect([...versions].sort((a, b) => a - b)).toEqual(versions);
    expect(new Set(versions).size).toBe(versions.length);
    expect(frames.at(-1)?.change).toEqual({ op: 'upsert', note: last });
  });

  it("numbers a user's messages one by one, the same on each of the user's connections", async () => {
    // Prepare
    const phone = await connect(alice);
    const tablet = await connect(alice);
    const note = await createNote(alice, { body: 'count me' });
    await untilFrames(() => noteFrames(tablet, note.id), (list) => list.length === 1);

    // Act
    await patchNote(alice, note.id, { body: 'count me again' });
    await patchNote(alice, note.id, { body: 'and again' });
    const seen = (client: RealtimeClient) => (client.frames as Array<{ seq?: number }>).flatMap((frame) => (frame.seq === undefined ? [] : [frame.seq]));
    await untilFrames(() => [seen(phone), seen(tablet)], ([a, b]) => (a?.length ?? 0) >= 3 && (b?.length ?? 0) >= 3);

    // Assess
    const phoneSeqs = seen(phone);
    expect(seen(tablet)).toEqual(phoneSeqs);
    expect(phoneSeqs).toEqual(phoneSeqs.map((_, i) => (phoneSeqs[0] as number) + i));
  });

  it("closes a deleted user's connections", async () => {
    // Prepare
    const leaving = await createTestUser('rt-closing');
    const phone = await connect(leaving);
    const tablet = await connect(leaving);
    const bobs = await connect(bob);

    // Act
    const deleted = await api('/users/me', { method: 'DELETE', token: leaving.accessToken });
    const outcome = await Promise.race([Promise.all([phone.closed, tablet.closed]), new Promise<string>((resolve) => setTimeout(() => resolve('still open'), 10_000))]);

    // Assess
    expect(deleted.status).toBe(204);
    expect(outcome).not.toBe('still open');
    bobs.socket.send(JSON.stringify({ action: 'ping' }));
    expect(await bobs.next()).toEqual({ type: 'pong' });
  });
});

describe('token expiry', () => {
  const services = loadServiceDefinitions();
  const lambda = localLambdaInvoker(services);
  afterAll(() => lambda.destroy());

  it('the scheduled sweep closes a connection once its token expired, and leaves a connection with a live token', async () => {
    // Prepare: a token of alice's that expires in two minutes (signed as cognito-local signs), and her usual one.
    const shortLived = await connectRealtime(await cognitoLocalToken({ sub: alice.userId }, { expiresInSeconds: 120 }));
    open.push(shortLived);
    const usual = await connect(alice);
    const sweep = loadConsumers(services).find((c): c is ScheduleConsumer => c.source === 'schedule' && c.id === 'notifications.sweepExpiredConnections');
    if (!sweep) throw new Error('notifications.sweepExpiredConnections is not a scheduled function');
    const deps = localAsyncDeps({ invoke: lambda.invoke, deadLetters: new DeadLetterStore(deadLetterDir(process.env.TEST_PLATFORM_DATA_DIR as string)), log: () => undefined });

    // Act: the run of now leaves it open; the run of a minute after the expiry (as EventBridge fires it then) closes it.
    const early = await runScheduled(sweep, deps, { at: new Date() });
    const stillOpen = shortLived.isOpen();
    const late = await runScheduled(sweep, deps, { at: new Date(Date.now() + 180_000) });
    const outcome = await Promise.race([shortLived.closed, new Promise<string>((resolve) => setTimeout(() => resolve('still open'), 10_000))]);

    // Assess
    expect([early, late]).toEqual(['delivered', 'delivered']);
    expect(stillOpen).toBe(true);
    expect(outcome).not.toBe('still open');
    usual.socket.send(JSON.stringify({ action: 'ping' }));
    expect(await usual.next()).toEqual({ type: 'pong' });
  });
});
