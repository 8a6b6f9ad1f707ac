// The realtime WebSocket end to end (API.md "Realtime"): real clients through the gateway's /realtime, the handshake
// refused without a valid, unrevoked token, ping and error frames, the 5-connection cap, the 32 KB frame limit,
// one client's trouble never touching another's connection, and the fan-out: note changes to owners and sharees,
// inbox items, per-user seq, order per note, dead connections beside live ones, and a deleted user's connections
// closed. Deadlines ("within 2 s", "within 5 s") are checked by polling, never by sleeping.
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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
import { connectionsTable } from '../../src/adapters/connections-table';
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
/** The platform's connections table (the local stage's), to plant a record whose connection is gone. */
const dynamodb = DynamoDBDocumentClient.from(
  new DynamoDBClient({ endpoint: `http://127.0.0.1:${process.env.DYNAMODB_PORT ?? '8000'}`, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  { marshallOptions: { removeUndefinedValues: true } },
);
const connectionStore = connectionsTable({ tableName: 'photonotes-notifications-local-connections', client: dynamodb });

afterAll(() => dynamodb.destroy());

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
  it("a flood of pings and junk from one client gets answers or a close, never a crash, and another user's connection keeps working", async () => {
    // Prepare
    const flooder = await connect(alice);
    const bobs = await connect(bob);
    const flood = 40;

    // Act: pings, junk and binary frames as fast as the socket takes them
    for (let i = 0; i < flood; i++) {
      if (i % 3 === 0) flooder.socket.send(Buffer.from([0xff, 0x00, i & 0xff]));
      else flooder.socket.send(i % 3 === 1 ? JSON.stringify({ action: 'ping' }) : '{"action":');
    }
    bobs.socket.send(JSON.stringify({ action: 'ping' }));
    const bobsAnswer = await bobs.next(15_000);
    const flooderAnswers = await eventually(
      async () => flooder.frames,
      (frames) => frames.length >= flood || !flooder.isOpen(),
      30_000,
    );

    // Assess: every frame the flooder got is a pong or a contract error frame; bob was answered; alice's
    // connection either answered everything or was dropped, and a new one still works
    expect(bobsAnswer).toEqual({ type: 'pong' });
    const kinds = new Set((flooderAnswers as Array<{ type: string; code?: string }>).map((frame) => (frame.type === 'error' ? `error:${frame.code ?? ''}` : frame.type)));
    expect([...kinds].filter((kind) => !['pong', 'error:BINARY_NOT_SUPPORTED', 'error:INVALID_JSON'].includes(kind))).toEqual([]);
    expect(flooderAnswers.length === flood || !flooder.isOpen()).toBe(true);
    const again = await connect(alice);
    again.socket.send(JSON.stringify({ action: 'ping' }));
    expect(await again.next(15_000)).toEqual({ type: 'pong' });
  });
});

/** The frames about one note, in the order they arrived. */
function noteFrames(client: RealtimeClient, noteId: string): NoteChangedFrame[] {
  return (client.frames as NoteChangedFrame[]).filter(
    (frame) => frame.type === 'note.changed' && (frame.change.op === 'upsert' ? frame.change.note.id === noteId : frame.change.id === noteId),
  );
}

/** When each note's first note.changed reached the client (epoch ms, taken as the frame arrives), by note id. */
function arrivals(client: RealtimeClient): Map<string, number> {
  const at = new Map<string, number>();
  client.socket.on('message', (data) => {
    const frame = JSON.parse(String(data)) as NoteChangedFrame | { type: string };
    if (frame.type !== 'note.changed') return;
    const { change } = frame as NoteChangedFrame;
    const id = change.op === 'upsert' ? change.note.id : change.id;
    if (!at.has(id)) at.set(id, Date.now());
  });
  return at;
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

  it("reaches a user's live connection and another user's within 2 s beside the user's dead ones, and the dead ones are cleaned up", async () => {
    // Prepare: alice's phone is live; her tablet stops reading (its TCP stays up, paused); her laptop is cut off
    // without a close frame (a lost network); and a record of a connection API Gateway no longer knows (its
    // $disconnect never came): a post to it answers 410. Bob, whom the note is shared with, is connected.
    const phone = await connect(alice);
    const tablet = await connect(alice);
    const laptop = await connect(alice);
    const bobs = await connect(bob);
    tablet.socket.pause();
    laptop.socket.terminate();
    const ghost = `ghost-${randomUUID()}`;
    const now = Date.now();
    await connectionStore.add({ connectionId: ghost, userId: alice.userId, connectedAt: new Date(now).toISOString(), tokenExpiresAt: new Date(now + 3_600_000).toISOString(), expiresAt: Math.ceil(now / 1000) + 3 * 3600 });
    const [phoneAt, bobAt] = [arrivals(phone), arrivals(bobs)];

    // Act
    const note = await createNote(alice, { body: 'past the dead ones', sharedWith: [bob.userId] });
    const answeredAt = Date.now();
    await eventually(
      async () => [phoneAt.get(note.id), bobAt.get(note.id)],
      (times) => times.every((time) => time !== undefined),
      5_000,
    );
    const aliceConnections = await eventually(
      async () => (await connectionStore.listByUser(alice.userId)).map((c) => c.connectionId),
      (ids) => !ids.includes(ghost) && ids.length === 2,
      10_000,
    );

    // Assess: both live connections got it in time; the ghost's record went (410), the laptop's too ($disconnect),
    // and what is left is the phone and the paused tablet.
    const delays = [phoneAt.get(note.id), bobAt.get(note.id)].map((time) => (time === undefined ? Infinity : time - answeredAt));
    expect(Math.max(...delays)).toBeLessThanOrEqual(2_000);
    expect(noteFrames(phone, note.id)).toEqual([{ type: 'note.changed', seq: expect.any(Number), change: { op: 'upsert', note } }]);
    expect(aliceConnections).toHaveLength(2);
    expect(aliceConnections).not.toContain(ghost);
    expect(phone.isOpen()).toBe(true);
  });

  it("closes a deleted user's connections", async () => {
    // Prepare
    const leaving = await createTestUser('rt-closing');
    const phone = await connect(leaving);
    const tablet = await connect(leaving);
    const bobs = await connect(bob);

    const closedAt: Array<number | undefined> = [undefined, undefined];
    void phone.closed.then(() => (closedAt[0] = Date.now()));
    void tablet.closed.then(() => (closedAt[1] = Date.now()));

    // Act: polled up to the contract's 5 s from the 204, plus 500 ms of grace for the polling itself
    const deleted = await api('/users/me', { method: 'DELETE', token: leaving.accessToken });
    const deletedAt = Date.now();
    await eventually(
      async () => [...closedAt],
      (times) => times.every((time) => time !== undefined),
      5_500,
    );

    // Assess
    expect(deleted.status).toBe(204);
    expect(Math.max(...closedAt.map((time) => (time === undefined ? Infinity : time - deletedAt)))).toBeLessThanOrEqual(5_000 + 500);
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
