// Things on the realtime WebSocket end to end: a device (mqtt.js against the platform's IoT twin) changes its reported
// state and sends readings; iot publishes thing.state and thing.telemetry on thing-events; real WebSocket clients
// through the gateway's /realtime get the thing's state if they own it, its readings if they subscribed to it, and
// nothing of another user's thing, whose subscription is refused.
import { createTestUser } from '../../../../test/support/users';
import type { TestUser } from '../../../../test/support/users';
import type { Credentials } from '../../../iot/test/support/things-client';
import { closeDevices, connect as connectDevice, deviceTimeoutMs, register, telemetryPayload } from '../../../iot/test/support/things-client';
import { connectRealtime } from '../support/realtime-client';
import type { RealtimeClient } from '../support/realtime-client';

jest.setTimeout(120_000);

interface Frame {
  type?: string;
  seq?: number;
  thingId?: string;
  code?: string;
  things?: string[];
  online?: boolean;
  state?: { reported?: Record<string, unknown> };
  metrics?: Record<string, number>;
}

/** Waits (polling, with a deadline) for a frame the client received that matches; throws naming what arrived. */
async function frameWhere(client: RealtimeClient, match: (frame: Frame) => boolean, timeoutMs = deviceTimeoutMs): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (client.frames as Frame[]).find(match);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no matching frame within ${timeoutMs} ms; received ${JSON.stringify(client.frames)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Sends a frame and returns the reply: the first frame after it that is a reply (not a pushed thing message). */
async function request(client: RealtimeClient, body: unknown): Promise<Frame> {
  const from = client.frames.length;
  client.socket.send(JSON.stringify(body));
  const isReply = (frame: Frame) => ['subscribed', 'error', 'pong'].includes(frame.type ?? '');
  const deadline = Date.now() + 10_000;
  for (;;) {
    const reply = (client.frames.slice(from) as Frame[]).find(isReply);
    if (reply) return reply;
    if (Date.now() > deadline) throw new Error(`no reply to ${JSON.stringify(body)}; received ${JSON.stringify(client.frames)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Subscribes, retrying while the thing is not known yet (its `created` event is on its way). */
async function subscribe(client: RealtimeClient, things: string[]): Promise<Frame> {
  const deadline = Date.now() + deviceTimeoutMs;
  for (;;) {
    const reply = await request(client, { action: 'subscribe', things });
    if (reply.type === 'subscribed' || Date.now() > deadline) return reply;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

let alice: TestUser;
let bob: TestUser;
let aliceThing: { thingId: string; credentials: Credentials };
let bobThing: { thingId: string; credentials: Credentials };
const sockets: RealtimeClient[] = [];

async function open(user: TestUser): Promise<RealtimeClient> {
  const client = await connectRealtime(user.accessToken);
  sockets.push(client);
  return client;
}

beforeAll(async () => {
  [alice, bob] = await Promise.all([createTestUser('rt-things-alice'), createTestUser('rt-things-bob')]);
  [aliceThing, bobThing] = await Promise.all([register(alice, 'Thermostat'), register(bob, 'Lamp')]);
});

afterEach(() => {
  for (const client of sockets.splice(0)) client.socket.terminate();
});

afterAll(closeDevices);

describe('thing.state', () => {
  it("reaches the owner's connections when the device reports state, and no other user's", async () => {
    // Prepare
    const [aliceOne, aliceTwo, bobs] = await Promise.all([open(alice), open(alice), open(bob)]);
    const device = await connectDevice(aliceThing.credentials);

    // Act
    await device.publishAsync(aliceThing.credentials.topics.reported, JSON.stringify({ reported: { temp: 21.5, mode: 'heat' } }), { qos: 1 });

    // Assess
    // The report and the device's connect are handled side by side: the picture that has both is the one to wait for.
    const reported = (frame: Frame) => frame.type === 'thing.state' && frame.thingId === aliceThing.thingId && frame.state?.reported?.temp === 21.5 && frame.online === true;
    const [first, second] = await Promise.all([frameWhere(aliceOne, reported), frameWhere(aliceTwo, reported)]);
    expect(first).toMatchObject({ type: 'thing.state', seq: expect.any(Number), thingId: aliceThing.thingId, online: true, state: { reported: { temp: 21.5, mode: 'heat' }, version: 1 } });
    // The user's seq: the same message carries the same number on each of the user's connections.
    expect(second).toEqual(first);
    // Bob's connection works (it answers), and it got nothing of alice's thing.
    expect(await request(bobs, { action: 'ping' })).toEqual({ type: 'pong' });
    expect((bobs.frames as Frame[]).filter((frame) => frame.thingId === aliceThing.thingId)).toEqual([]);
  });
});

describe('thing.telemetry', () => {
  it('reaches a connection that subscribed to its own thing, and not an unsubscribed one', async () => {
    // Prepare
    const [watching, notWatching] = await Promise.all([open(alice), open(alice)]);
    expect(await subscribe(watching, [aliceThing.thingId])).toEqual({ type: 'subscribed', things: [aliceThing.thingId] });
    const device = await connectDevice(aliceThing.credentials);
    const ts = Date.now() - 1000;

    // Act
    await device.publishAsync(aliceThing.credentials.topics.telemetry, telemetryPayload(ts, { temp: 22.25, hum: 41 }), { qos: 1 });

    // Assess
    const reading = await frameWhere(watching, (frame) => frame.type === 'thing.telemetry' && frame.thingId === aliceThing.thingId);
    expect(reading).toEqual({ type: 'thing.telemetry', thingId: aliceThing.thingId, at: new Date(ts).toISOString(), metrics: { temp: 22.25, hum: 41 } });
    expect(await request(notWatching, { action: 'ping' })).toEqual({ type: 'pong' });
    expect((notWatching.frames as Frame[]).filter((frame) => frame.type === 'thing.telemetry')).toEqual([]);
  });

  it("refuses a subscription to another user's thing like an unknown one, and sends that connection none of its readings", async () => {
    // Prepare
    const [owners, intruder] = await Promise.all([open(alice), open(bob)]);
    expect(await subscribe(owners, [aliceThing.thingId])).toEqual({ type: 'subscribed', things: [aliceThing.thingId] });
    // Bob's own thing is known (so his refusal below is about ownership, not timing).
    expect(await subscribe(intruder, [bobThing.thingId])).toEqual({ type: 'subscribed', things: [bobThing.thingId] });

    // Act
    const others = await request(intruder, { action: 'subscribe', things: [aliceThing.thingId] });
    const unknown = await request(intruder, { action: 'subscribe', things: ['00000000-0000-4000-8000-00000000beef'] });
    const device = await connectDevice(aliceThing.credentials);
    const ts = Date.now() - 500;
    await device.publishAsync(aliceThing.credentials.topics.telemetry, telemetryPayload(ts, { temp: 23.5 }), { qos: 1 });

    // Assess
    expect(others).toMatchObject({ type: 'error', code: 'NOT_FOUND' });
    expect(unknown).toMatchObject({ type: 'error', code: 'NOT_FOUND' });
    await frameWhere(owners, (frame) => frame.type === 'thing.telemetry' && frame.metrics?.temp === 23.5);
    expect(await request(intruder, { action: 'ping' })).toEqual({ type: 'pong' });
    expect((intruder.frames as Frame[]).filter((frame) => frame.thingId === aliceThing.thingId)).toEqual([]);
  });
});
