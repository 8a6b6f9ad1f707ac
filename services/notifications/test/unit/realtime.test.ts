// The realtime WebSocket's handlers on fakes: the handshake refused without a valid, unrevoked token, the
// 5-connection cap, $disconnect, frames and their error answers, stale (410) connections losing their records, and
// the @connections adapter (one attempt per post, an aborted post ended at once).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AccessTokenVerifier } from '@photonotes/shared/auth';
import { UnauthorizedError } from '@photonotes/shared/errors';
import { createLogger } from '@photonotes/shared/log';
import { lambdaContext } from '@photonotes/shared/testing/api-event';
import { testing } from '@photonotes/shared/testing/websocket-event';
import { DeleteConnectionCommand, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { connectionsApi, managementClient } from '../../src/adapters/connections-api';
import type { ManagementSender } from '../../src/adapters/connections-api';
import { deliver, maxConnectionMs, maxFrameBytes } from '../../src/domain/realtime';
import { realtimeConnectHandler } from '../../src/functions/realtime-connect';
import { realtimeDisconnectHandler } from '../../src/functions/realtime-disconnect';
import { realtimeMessageHandler } from '../../src/functions/realtime-message';
import { FakeConnections, FakeGateway } from './support/realtime-fakes';
import { FakeThingOwners, FakeThingSubscriptions } from './support/thing-fakes';

const silent = createLogger({ service: 'test', level: 'silent' });

/** A token as the chain reads it after verification (only `exp` is read from it). */
function tokenFor(sub: string, expSeconds: number): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256' })}.${part({ sub, exp: expSeconds })}.signature`;
}

const start = new Date('2026-11-30T20:00:00.000Z');
const inAnHour = start.getTime() / 1000 + 3600;
const tokens = { alice: tokenFor('alice', inAnHour), bob: tokenFor('bob', inAnHour), carol: tokenFor('carol', inAnHour) };

/** Knows the tokens above; carol's account was deleted (the revocation list), anything else is not a token. */
const verifier: AccessTokenVerifier = {
  async verify(token) {
    const caller = Object.entries(tokens).find(([, known]) => known === token)?.[0];
    if (!caller) throw new UnauthorizedError('Invalid access token');
    if (caller === 'carol') throw new UnauthorizedError('Access token revoked');
    return { userId: caller, email: null, groups: [] };
  },
};

function setup() {
  const connections = new FakeConnections();
  const gateway = new FakeGateway();
  let now = start.getTime();
  const clock = { now: () => new Date(now) };
  const connect = realtimeConnectHandler({ connections, gateway, clock }, { verifier, logger: silent });
  const disconnect = realtimeDisconnectHandler({ connections }, { logger: silent });
  return {
    connections,
    gateway,
    tick: (ms: number) => (now += ms),
    connect: (connectionId: string, query?: Record<string, string>) => connect(testing.connectEvent(connectionId, query), lambdaContext()),
    disconnect: (connectionId: string) => disconnect(testing.disconnectEvent(connectionId), lambdaContext()),
  };
}

describe('$connect', () => {
  it('records the connection under its user, kept by TTL past the 2-hour limit', async () => {
    // Prepare
    const { connect, connections } = setup();

    // Act
    const result = await connect('c-1', { token: tokens.alice });

    // Assess
    expect(result).toEqual({ statusCode: 200 });
    const record = connections.records.get('c-1');
    expect(record).toMatchObject({ connectionId: 'c-1', userId: 'alice', connectedAt: start.toISOString(), tokenExpiresAt: new Date(inAnHour * 1000).toISOString() });
    expect((record?.expiresAt ?? 0) * 1000).toBeGreaterThan(start.getTime() + maxConnectionMs);
  });

  it.each([
    ['no token', undefined],
    ['an empty token', { token: '' }],
    ['an invalid token', { token: 'forged' }],
    ["a deleted account's token", { token: tokens.carol }],
  ])('refuses %s with 401 and records nothing', async (_name, query) => {
    // Prepare
    const { connect, connections } = setup();

    // Act
    const result = await connect('c-x', query);

    // Assess
    expect(result).toEqual({ statusCode: 401 });
    expect(connections.records.size).toBe(0);
  });

  it("a sixth connection closes the user's oldest, and nobody else's", async () => {
    // Prepare
    const { connect, connections, gateway, tick } = setup();
    await connect('bob-1', { token: tokens.bob });
    for (let i = 1; i <= 5; i += 1) {
      tick(1000);
      await connect(`alice-${i}`, { token: tokens.alice });
    }
    const beforeSixth = [...gateway.closed];

    // Act
    tick(1000);
    await connect('alice-6', { token: tokens.alice });

    // Assess
    expect(beforeSixth).toEqual([]);
    expect(gateway.closed).toEqual(['alice-1']);
    expect((await connections.listByUser('alice')).map((c) => c.connectionId).sort()).toEqual(['alice-2', 'alice-3', 'alice-4', 'alice-5', 'alice-6']);
    expect(connections.records.has('bob-1')).toBe(true);
  });

  it('removes the record of an oldest connection that was already gone (410)', async () => {
    // Prepare
    const { connect, connections, gateway, tick } = setup();
    for (let i = 1; i <= 5; i += 1) {
      tick(1000);
      await connect(`alice-${i}`, { token: tokens.alice });
    }
    gateway.gone.add('alice-1');

    // Act
    await connect('alice-6', { token: tokens.alice });

    // Assess
    expect(connections.records.has('alice-1')).toBe(false);
    expect(connections.records.size).toBe(5);
  });
});

describe('$disconnect', () => {
  it("removes the connection's record, and is harmless for an unknown one", async () => {
    // Prepare
    const { connect, disconnect, connections } = setup();
    await connect('c-1', { token: tokens.alice });

    // Act
    const results = [await disconnect('c-1'), await disconnect('c-unknown')];

    // Assess
    expect(results).toEqual([{ statusCode: 200 }, { statusCode: 200 }]);
    expect(connections.records.size).toBe(0);
  });
});

describe('$default', () => {
  const message = realtimeMessageHandler({ owners: new FakeThingOwners(), subscriptions: new FakeThingSubscriptions() }, { logger: silent });
  const answer = async (body: unknown, isBase64Encoded = false) => {
    const result = await message(testing.messageEvent('c-1', body, isBase64Encoded), lambdaContext());
    expect(result.statusCode).toBe(200);
    return JSON.parse(result.body ?? 'null') as unknown;
  };
  const error = (code: string) => ({ type: 'error', code, message: expect.any(String) });

  it('answers ping with pong', async () => {
    expect(await answer(JSON.stringify({ action: 'ping' }))).toEqual({ type: 'pong' });
  });

  it.each([
    ['an unknown action', JSON.stringify({ action: 'dance' }), 'UNKNOWN_ACTION'],
    ['invalid JSON', '{"action":', 'INVALID_JSON'],
    ['JSON that is not an object', '[1,2]', 'VALIDATION_FAILED'],
    ['an object without an action', '{"type":"ping"}', 'VALIDATION_FAILED'],
    ['a subscription without things', JSON.stringify({ action: 'subscribe' }), 'VALIDATION_FAILED'],
    ['a subscription to 21 things', JSON.stringify({ action: 'subscribe', things: Array.from({ length: 21 }, (_, i) => `t${i}`) }), 'VALIDATION_FAILED'],
    ['a subscription with a non-string id', JSON.stringify({ action: 'subscribe', things: [7] }), 'VALIDATION_FAILED'],
    ['a subscription to a thing nobody has (thing-realtime.test.ts covers the rest)', JSON.stringify({ action: 'subscribe', things: ['t1'] }), 'NOT_FOUND'],
    ['a subscription with an empty id', JSON.stringify({ action: 'subscribe', things: [''] }), 'VALIDATION_FAILED'],
  ])('answers %s with an error frame', async (_name, body, code) => {
    expect(await answer(body)).toEqual(error(code));
  });

  it('answers a binary frame with an error frame, as API Gateway (base64) and serverless-offline (bytes) hand it over', async () => {
    expect(await answer(Buffer.from('{"action":"ping"}').toString('base64'), true)).toEqual(error('BINARY_NOT_SUPPORTED'));
    expect(await answer(new Uint8Array(Buffer.from('{"action":"ping"}')))).toEqual(error('BINARY_NOT_SUPPORTED'));
    expect(await answer(undefined)).toEqual(error('BINARY_NOT_SUPPORTED'));
  });

  it('refuses a frame over 32 KB, counting bytes rather than characters, and takes one of exactly 32 KB', async () => {
    // Prepare
    const padded = (pad: string) => JSON.stringify({ action: 'ping', pad });
    const base = padded('').length;
    const exactly = padded('x'.repeat(maxFrameBytes - base));
    const oneOver = padded('x'.repeat(maxFrameBytes - base + 1));
    const multiByte = padded('é'.repeat((maxFrameBytes - base) / 2 + 1));

    // Act
    const answers = [await answer(exactly), await answer(oneOver), await answer(multiByte)];

    // Assess
    expect(answers).toEqual([{ type: 'pong' }, error('FRAME_TOO_LARGE'), error('FRAME_TOO_LARGE')]);
  });
});

describe('delivery to a connection', () => {
  it("removes the record of a connection that answers 410, and keeps a live one's", async () => {
    // Prepare
    const { connect, connections, gateway, tick } = setup();
    await connect('live', { token: tokens.alice });
    tick(1000);
    await connect('stale', { token: tokens.alice });
    gateway.gone.add('stale');

    // Act
    const results = [await deliver('live', { type: 'pong' }, { connections, gateway }), await deliver('stale', { type: 'pong' }, { connections, gateway })];

    // Assess
    expect(results).toEqual([true, false]);
    expect([...connections.records.keys()]).toEqual(['live']);
  });
});

describe('the @connections adapter', () => {
  const goneError = Object.assign(new Error('Gone'), { name: 'GoneException', $metadata: { httpStatusCode: 410 } });

  it('posts the message as JSON and deletes connections', async () => {
    // Prepare
    const commands: unknown[] = [];
    const sender: ManagementSender = { send: async (command) => void commands.push(command) };
    const api = connectionsApi(sender);

    // Act
    const sent = await api.send('c-1', { type: 'pong' });
    const closed = await api.close('c-2');

    // Assess
    expect([sent, closed]).toEqual([true, true]);
    const [post, del] = commands as [PostToConnectionCommand, DeleteConnectionCommand];
    expect(post).toBeInstanceOf(PostToConnectionCommand);
    expect(post.input.ConnectionId).toBe('c-1');
    expect(JSON.parse(Buffer.from(post.input.Data as Uint8Array).toString('utf8'))).toEqual({ type: 'pong' });
    expect(del).toBeInstanceOf(DeleteConnectionCommand);
    expect(del.input.ConnectionId).toBe('c-2');
  });

  it('answers false for a gone (410) connection and throws any other failure', async () => {
    // Prepare
    const gone = connectionsApi({ send: () => Promise.reject(goneError) });
    const throttled = connectionsApi({ send: () => Promise.reject(Object.assign(new Error('Slow down'), { name: 'LimitExceededException', $metadata: { httpStatusCode: 429 } })) });

    // Act / Assess
    await expect(gone.send('c-1', { type: 'pong' })).resolves.toBe(false);
    await expect(gone.close('c-1')).resolves.toBe(false);
    await expect(throttled.send('c-1', { type: 'pong' })).rejects.toThrow('Slow down');
  });

  it('hands the caller’s abort signal to the SDK call', async () => {
    // Prepare
    const given: unknown[] = [];
    const api = connectionsApi({ send: async (_command, options) => void given.push(options?.abortSignal) });
    const controller = new AbortController();

    // Act
    await api.send('c-1', { type: 'pong' }, { signal: controller.signal });

    // Assess
    expect(given).toEqual([controller.signal]);
  });

  describe('over HTTP, with the real SDK client', () => {
    const env = { ...process.env };
    let requests = 0;
    let answer: 'fail' | 'hang' = 'fail';
    const server = createServer((req, res) => {
      requests++;
      req.resume();
      if (answer === 'fail') res.writeHead(500, { 'content-type': 'application/json' }).end('{"message":"Internal server error"}');
    });
    let endpoint = '';
    beforeAll(async () => {
      Object.assign(process.env, { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      process.env = env;
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });
    beforeEach(() => {
      requests = 0;
    });

    it('posts once: a failed PostToConnection is not retried (a retry could land after a newer message)', async () => {
      // Prepare
      answer = 'fail';
      const api = connectionsApi(managementClient(endpoint));

      // Act
      const outcome = api.send('c-1', { type: 'pong' });

      // Assess
      await expect(outcome).rejects.toThrow();
      expect(requests).toBe(1);
    });

    it('ends a post at once when its signal aborts, well before the request timeout, and does not post again', async () => {
      // Prepare
      answer = 'hang';
      const api = connectionsApi(managementClient(endpoint));
      const controller = new AbortController();
      const started = Date.now();

      // Act
      const outcome = api.send('c-1', { type: 'pong' }, { signal: controller.signal });
      setTimeout(() => controller.abort(), 50);
      const error = await outcome.then(
        () => undefined,
        (err: unknown) => err,
      );
      const tookMs = Date.now() - started;
      await new Promise((resolve) => setTimeout(resolve, 200));

      // Assess
      expect((error as { name?: string } | undefined)?.name).toBe('AbortError');
      expect(tookMs).toBeLessThan(600);
      expect(requests).toBe(1);
    });
  });
});
