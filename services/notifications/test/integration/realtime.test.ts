// The realtime WebSocket end to end (API.md "Realtime"): real clients through the gateway's /realtime, the handshake
// refused without a valid, unrevoked token, ping and error frames, the 5-connection cap, the 32 KB frame limit, and
// one client's trouble never touching another's connection.
import { api } from '../../../../test/support/api';
import { eventually } from '../../../../test/support/eventually';
import { createTestUser } from '../../../../test/support/users';
import type { TestUser } from '../../../../test/support/users';
import { connectRealtime, refusedStatus } from '../support/realtime-client';
import type { RealtimeClient } from '../support/realtime-client';

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
