// Things on the realtime channel, on fakes: the thing → owner projection from thing.state (idempotent, out-of-order
// safe, deletion final), `subscribe` (own things only, nothing leaked about others' or unknown ones), thing.state
// to the owner through the fan-out port, thing.telemetry to the owner's subscribed connections only.
import type { EventOf } from '@photonotes/shared/contracts/event';
import type { thingState, ThingStateData } from '@photonotes/shared/contracts/thing-events';
import { createLogger } from '@photonotes/shared/log';
import { lambdaContext } from '@photonotes/shared/testing/api-event';
import { testing } from '@photonotes/shared/testing/websocket-event';
import { applyThingState, deletedThingTtlSeconds, streamTelemetry, subscribeToThings } from '../../src/domain/thing-subscriptions';
import { realtimeMessageHandler } from '../../src/functions/realtime-message';
import { FakeConnections, FakeGateway } from './support/realtime-fakes';
import { FakeThingOwners, FakeThingSubscriptions, RecordingFanout } from './support/thing-fakes';

const silent = createLogger({ service: 'test', level: 'silent' });
const now = new Date('2026-11-30T21:00:00.000Z');
const clock = { now: () => now };
const thing = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** An open connection of `userId` (its token and record lifetimes do not matter to these tests). */
function openConnection(connections: FakeConnections, connectionId: string, userId: string): void {
  connections.records.set(connectionId, { connectionId, userId, connectedAt: now.toISOString(), tokenExpiresAt: now.toISOString(), expiresAt: 0 });
}

function setup() {
  const owners = new FakeThingOwners();
  const subscriptions = new FakeThingSubscriptions();
  const connections = new FakeConnections();
  const gateway = new FakeGateway();
  const fanout = new RecordingFanout();
  const deps = { owners, subscriptions, connections, gateway, fanout, clock };
  return { ...deps, deps };
}

let eventNumber = 0;
function stateEvent(data: ThingStateData): EventOf<typeof thingState> {
  return { id: `e${++eventNumber}`, type: 'thing.state', version: 1, source: 'iot', occurredAt: now.toISOString(), correlationId: 'c', data };
}
const picture = (thingId: string, ownerId: string, revision: number, online = true): ThingStateData => ({
  change: revision === 0 ? 'created' : 'updated',
  thingId,
  ownerId,
  revision,
  online,
  state: { reported: { temp: revision }, desired: {}, delta: {}, version: revision },
});

describe('thing.state: the projection and the owner', () => {
  it('records the owner and sends each newer picture to the owner through the fan-out', async () => {
    // Prepare
    const { deps, owners, fanout } = setup();

    // Act
    const outcomes = [await applyThingState(stateEvent(picture(thing(1), 'alice', 0, false)), deps, silent), await applyThingState(stateEvent(picture(thing(1), 'alice', 1)), deps, silent)];

    // Assess
    expect(outcomes).toEqual([
      { status: 'sent', ownerId: 'alice' },
      { status: 'sent', ownerId: 'alice' },
    ]);
    expect(await owners.get(thing(1))).toEqual({ thingId: thing(1), ownerId: 'alice', revision: 1, deleted: false });
    expect(fanout.sent).toEqual([
      { userId: 'alice', message: { type: 'thing.state', thingId: thing(1), online: false, state: { reported: { temp: 0 }, desired: {}, delta: {}, version: 0 } } },
      { userId: 'alice', message: { type: 'thing.state', thingId: thing(1), online: true, state: { reported: { temp: 1 }, desired: {}, delta: {}, version: 1 } } },
    ]);
  });

  it('drops a picture older than one applied, whatever order they arrive in, and ends on the newest', async () => {
    // Prepare: revisions 0..7 in a scrambled order.
    const { deps, owners, fanout } = setup();
    const order = [3, 0, 5, 1, 7, 2, 6, 4];

    // Act
    const outcomes = [];
    for (const revision of order) outcomes.push((await applyThingState(stateEvent(picture(thing(1), 'alice', revision)), deps, silent)).status);

    // Assess
    expect(outcomes).toEqual(['sent', 'stale', 'sent', 'stale', 'sent', 'stale', 'stale', 'stale']);
    expect(fanout.sent.map((item) => item.message.state.version)).toEqual([3, 5, 7]);
    expect((await owners.get(thing(1)))?.revision).toBe(7);
  });

  it('sends a repeated picture again (a retry after a failed send is not lost), and fails the event when the send fails', async () => {
    // Prepare
    const { deps, fanout } = setup();
    fanout.failures = 1;
    const event = stateEvent(picture(thing(1), 'alice', 2));

    // Act
    const failed = await applyThingState(event, deps, silent).catch((err: unknown) => err);
    const retried = await applyThingState(event, deps, silent);

    // Assess
    expect(failed).toBeInstanceOf(Error);
    expect(retried).toEqual({ status: 'sent', ownerId: 'alice' });
    expect(fanout.sent).toHaveLength(1);
  });

  it('keeps a deletion final: no later or late picture brings the thing back, and apps get no message for it', async () => {
    // Prepare
    const { deps, owners, fanout } = setup();
    await applyThingState(stateEvent(picture(thing(1), 'alice', 1)), deps, silent);

    // Act
    const deleted = await applyThingState(stateEvent({ change: 'deleted', thingId: thing(1) }), deps, silent);
    const late = await applyThingState(stateEvent(picture(thing(1), 'alice', 9)), deps, silent);
    const again = await applyThingState(stateEvent({ change: 'deleted', thingId: thing(1) }), deps, silent);

    // Assess
    expect([deleted, late, again]).toEqual([{ status: 'deleted' }, { status: 'stale' }, { status: 'deleted' }]);
    expect(owners.items.get(thing(1))).toMatchObject({ deleted: true, expiresAt: now.getTime() / 1000 + deletedThingTtlSeconds });
    expect(fanout.sent).toHaveLength(1);
  });

  it('keeps a deletion that arrives before the thing’s creation', async () => {
    // Prepare
    const { deps, owners } = setup();

    // Act
    await applyThingState(stateEvent({ change: 'deleted', thingId: thing(1) }), deps, silent);
    const created = await applyThingState(stateEvent(picture(thing(1), 'alice', 0)), deps, silent);

    // Assess
    expect(created).toEqual({ status: 'stale' });
    expect((await owners.get(thing(1)))?.deleted).toBe(true);
  });
});

describe('subscribe', () => {
  async function withThings() {
    const test = setup();
    await applyThingState(stateEvent(picture(thing(1), 'alice', 0)), test.deps, silent);
    await applyThingState(stateEvent(picture(thing(2), 'alice', 0)), test.deps, silent);
    await applyThingState(stateEvent(picture(thing(3), 'bob', 0)), test.deps, silent);
    test.subscriptions.open('a1', 'alice');
    return test;
  }

  it('subscribes a connection to its user’s own things and answers with them', async () => {
    // Prepare
    const { deps, subscriptions } = await withThings();

    // Act
    const answer = await subscribeToThings('a1', { action: 'subscribe', things: [thing(1), thing(2).toUpperCase(), thing(1)] }, deps);

    // Assess
    expect(answer).toEqual({ type: 'subscribed', things: [thing(1), thing(2)] });
    expect(subscriptions.subscribedThings('a1').sort()).toEqual([thing(1), thing(2)]);
    expect(subscriptions.items.get(`${thing(1)}/a1`)).toMatchObject({ userId: 'alice', expiresAt: 2_000_000_000 });
  });

  it('replaces the connection’s subscription with the new list', async () => {
    // Prepare
    const { deps, subscriptions } = await withThings();
    await subscribeToThings('a1', { action: 'subscribe', things: [thing(1), thing(2)] }, deps);

    // Act
    const answer = await subscribeToThings('a1', { action: 'subscribe', things: [thing(2)] }, deps);

    // Assess
    expect(answer).toEqual({ type: 'subscribed', things: [thing(2)] });
    expect(subscriptions.subscribedThings('a1')).toEqual([thing(2)]);
  });

  it('refuses another user’s thing exactly as an unknown one, and then subscribes to nothing, not even the caller’s own', async () => {
    // Prepare
    const { deps, subscriptions } = await withThings();
    const unknown = thing(99);

    // Act
    const others = await subscribeToThings('a1', { action: 'subscribe', things: [thing(1), thing(3)] }, deps);
    const missing = await subscribeToThings('a1', { action: 'subscribe', things: [thing(1), unknown] }, deps);

    // Assess
    expect(others).toEqual({ type: 'error', code: 'NOT_FOUND', message: `Thing not found: ${thing(3)}` });
    expect(missing).toEqual({ type: 'error', code: 'NOT_FOUND', message: `Thing not found: ${unknown}` });
    expect(subscriptions.items.size).toBe(0);
  });

  it('refuses a deleted thing', async () => {
    // Prepare
    const { deps, subscriptions } = await withThings();
    await applyThingState(stateEvent({ change: 'deleted', thingId: thing(1) }), deps, silent);

    // Act
    const answer = await subscribeToThings('a1', { action: 'subscribe', things: [thing(1)] }, deps);

    // Assess
    expect(answer).toMatchObject({ type: 'error', code: 'NOT_FOUND' });
    expect(subscriptions.items.size).toBe(0);
  });

  it('answers a frame of a connection whose record is gone with an error, subscribing nothing', async () => {
    // Prepare
    const { deps, subscriptions } = await withThings();

    // Act
    const answer = await subscribeToThings('closed', { action: 'subscribe', things: [thing(1)] }, deps);

    // Assess
    expect(answer).toMatchObject({ type: 'error', code: 'NOT_FOUND' });
    expect(subscriptions.items.size).toBe(0);
  });

  it('is answered through $default as a frame', async () => {
    // Prepare
    const { deps } = await withThings();
    const handler = realtimeMessageHandler(deps, { logger: silent });

    // Act
    const result = await handler(testing.messageEvent('a1', JSON.stringify({ action: 'subscribe', things: [thing(1)] })), lambdaContext());

    // Assess
    expect(result).toEqual({ statusCode: 200, body: JSON.stringify({ type: 'subscribed', things: [thing(1)] }) });
  });
});

describe('thing.telemetry', () => {
  const reading = (thingId: string, ownerId = 'alice') => ({ thingId, ownerId, at: '2026-11-30T20:59:59.000Z', metrics: [{ name: 'temp', value: 21.5 }, { name: '__proto__', value: 1 }] });

  async function subscribed() {
    const test = setup();
    await applyThingState(stateEvent(picture(thing(1), 'alice', 0)), test.deps, silent);
    for (const [connectionId, userId] of [['a1', 'alice'], ['a2', 'alice'], ['a3', 'alice'], ['b1', 'bob']] as const) {
      test.subscriptions.open(connectionId, userId);
      openConnection(test.connections, connectionId, userId);
    }
    await subscribeToThings('a1', { action: 'subscribe', things: [thing(1)] }, test.deps);
    await subscribeToThings('a2', { action: 'subscribe', things: [thing(1)] }, test.deps);
    return test;
  }

  it('reaches the owner’s subscribed connections only, metrics as an object (any name)', async () => {
    // Prepare
    const { deps, gateway } = await subscribed();

    // Act
    const outcome = await streamTelemetry(reading(thing(1)), deps);

    // Assess
    expect(outcome).toEqual({ sent: 2, gone: 0, failed: [] });
    const message = gateway.to('a1')[0];
    expect(message).toEqual({ type: 'thing.telemetry', thingId: thing(1), at: '2026-11-30T20:59:59.000Z', metrics: JSON.parse('{"temp":21.5,"__proto__":1}') as unknown });
    expect(gateway.to('a2')).toHaveLength(1);
    expect([gateway.to('a3'), gateway.to('b1')]).toEqual([[], []]);
  });

  it('never sends to a subscription of another user, however it got there', async () => {
    // Prepare: a subscription item of bob's connection on alice's thing (it cannot be made through subscribe).
    const { deps, subscriptions, gateway } = await subscribed();
    subscriptions.items.set(`${thing(1)}/b1`, { thingId: thing(1), connectionId: 'b1', userId: 'bob', expiresAt: 2_000_000_000 });

    // Act
    await streamTelemetry(reading(thing(1)), deps);

    // Assess
    expect(gateway.to('b1')).toEqual([]);
  });

  it('drops a gone connection’s subscription and record, and one failing connection does not stop the others', async () => {
    // Prepare
    const { deps, subscriptions, connections, gateway } = await subscribed();
    await subscribeToThings('a3', { action: 'subscribe', things: [thing(1)] }, deps);
    gateway.gone.add('a1');
    gateway.failing.add('a2');

    // Act
    const outcome = await streamTelemetry(reading(thing(1)), deps);

    // Assess
    expect(outcome).toMatchObject({ sent: 1, gone: 1, failed: [expect.any(Error)] });
    expect(gateway.to('a3')).toHaveLength(1);
    expect(subscriptions.subscribedThings('a1')).toEqual([]);
    expect(connections.records.has('a1')).toBe(false);
  });
});
