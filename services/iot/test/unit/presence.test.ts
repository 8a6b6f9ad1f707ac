import { issueCredential } from '../../src/domain/credentials';
import type { LifecycleEvent, PresenceState } from '../../src/domain/presence';
import { applyLifecycle, isOnline, lastConnectedAt, noPresence } from '../../src/domain/presence';
import { recordLifecycleEvent } from '../../src/domain/presence-events';
import { lastSeenAt } from '../../src/domain/thing';
import { owner, seededRandom, shuffle, testDeps, testSecret } from './support/iot-deps';

const thingId = '00000000-0000-4000-8000-00000000cccc';
const t0 = Date.parse('2026-11-28T08:00:00.000Z');

const connected = (sessionId: string, seconds: number): LifecycleEvent => ({ type: 'connected', sessionId, at: t0 + seconds * 1000 });
const disconnected = (sessionId: string, seconds: number): LifecycleEvent => ({ type: 'disconnected', sessionId, at: t0 + seconds * 1000 });

const fold = (events: LifecycleEvent[], start: PresenceState = noPresence()) => events.reduce(applyLifecycle, start);

interface History {
  events: LifecycleEvent[];
  online: boolean;
  lastConnectedAt: number;
}

/**
 * A device's sessions in time: each connects after the previous one, then either disconnects (clean,
 * keep-alive loss) before the next, or is kicked by the next connecting with the same client id (its
 * disconnect then comes a moment after the new connect). The last session may stay connected.
 */
function history(random: () => number, sessions: number): History {
  const events: LifecycleEvent[] = [];
  let clock = t0;
  let online = false;
  for (let index = 0; index < sessions; index++) {
    const sessionId = `s-${index.toString(36)}-${Math.floor(random() * 1e9).toString(36)}`;
    clock += 1 + Math.floor(random() * 5_000);
    const connectedAt = clock;
    events.push({ type: 'connected', sessionId, at: connectedAt });
    const last = index === sessions - 1;
    const fate = random();
    if (last && fate < 0.5) {
      online = true;
    } else if (!last && fate < 0.3) {
      // Kicked: the next session connects first, this one's disconnect follows within 50 ms.
      const nextConnect = clock + 1 + Math.floor(random() * 3_000);
      events.push({ type: 'disconnected', sessionId, at: nextConnect + Math.floor(random() * 50) });
      clock = nextConnect - 1;
    } else {
      clock += 1 + Math.floor(random() * 60_000);
      events.push({ type: 'disconnected', sessionId, at: clock });
      online = false;
    }
  }
  const lastConnect = Math.max(...events.filter((event) => event.type === 'connected').map((event) => event.at));
  return { events, online, lastConnectedAt: lastConnect };
}

/** Late, twice, out of order: every event duplicated with some probability, then shuffled in windows or wholly. */
function delivered(events: LifecycleEvent[], random: () => number, window: number): LifecycleEvent[] {
  const copies = events.flatMap((event) => (random() < 0.3 ? [event, { ...event }] : [event]));
  if (window >= copies.length) return shuffle(copies, random);
  const result: LifecycleEvent[] = [];
  for (let index = 0; index < copies.length; index += window) result.push(...shuffle(copies.slice(index, index + window), random));
  // And a few stragglers delivered very late.
  for (let n = 0; n < Math.min(20, result.length); n++) {
    const from = Math.floor(random() * result.length);
    const [late] = result.splice(from, 1);
    if (late) result.push(late);
  }
  return result;
}

describe('applyLifecycle', () => {
  it('is online after a connect and offline after its disconnect', () => {
    // Act
    const online = fold([connected('a', 0)]);
    const offline = fold([connected('a', 0), disconnected('a', 10)]);

    // Assess
    expect(isOnline(online)).toBe(true);
    expect(isOnline(offline)).toBe(false);
    expect(lastConnectedAt(offline)).toBe(t0);
  });

  it('stays online when the older session is dropped after the device reconnected', () => {
    // Act: b kicks a; a's disconnect is stamped after b's connect
    const state = fold([connected('a', 0), connected('b', 10), disconnected('a', 10.02)]);

    // Assess
    expect(isOnline(state)).toBe(true);
    expect(state.current?.sessionId).toBe('b');
  });

  it('ends offline when the disconnect arrives before its connect', () => {
    // Act
    const state = fold([disconnected('a', 10), connected('a', 0)]);

    // Assess
    expect(isOnline(state)).toBe(false);
    expect(state.orphans).toEqual([]);
  });

  it('ignores a late connect of an older session and duplicates', () => {
    // Act
    const state = fold([connected('b', 20), connected('a', 0), connected('b', 20), disconnected('a', 5), disconnected('a', 5)]);

    // Assess
    expect(isOnline(state)).toBe(true);
    expect(state).toEqual({ current: { sessionId: 'b', connectedAt: t0 + 20_000, disconnectedAt: null }, orphans: [] });
  });

  it('does not let a disconnect of an unknown older session take a newer one offline', () => {
    // Act: a's connect never arrives; its disconnect precedes b's connect
    const state = fold([connected('b', 20), disconnected('a', 15)]);

    // Assess
    expect(isOnline(state)).toBe(true);
  });

  it.each([
    [1, 50],
    [2, 1_000],
    [3, 20_000],
    [4, 200],
  ])('ends right after 10,000+ events replayed late, duplicated and reordered (seed %i, reordered in windows of %i)', (seed, window) => {
    // Prepare
    const random = seededRandom(seed);
    const truth = history(random, 4_500);
    const events = delivered(truth.events, random, window);
    expect(events.length).toBeGreaterThanOrEqual(10_000);

    // Act
    const state = fold(events);

    // Assess
    expect(isOnline(state)).toBe(truth.online);
    expect(lastConnectedAt(state)).toBe(truth.lastConnectedAt);
  });

  it('ends right over 10,000 events for 20 histories, whatever order they come in', () => {
    // Prepare
    const random = seededRandom(42);
    const truths = Array.from({ length: 20 }, () => history(random, 260));
    const streams = truths.map((truth) => delivered(truth.events, random, 10_000));

    // Act
    const states = streams.map((events) => fold(events));

    // Assess
    expect(streams.reduce((sum, events) => sum + events.length, 0)).toBeGreaterThanOrEqual(10_000);
    expect(states.map(isOnline)).toEqual(truths.map((truth) => truth.online));
    expect(states.map(lastConnectedAt)).toEqual(truths.map((truth) => truth.lastConnectedAt));
  });
});

describe('recordLifecycleEvent', () => {
  function withThing() {
    const setup = testDeps();
    setup.store.seedThing(
      { thingId, ownerId: owner.userId, name: 'Thermostat', attributes: {}, createdAt: '2026-11-28T07:00:00.000Z', updatedAt: '2026-11-28T07:00:00.000Z' },
      issueCredential(thingId, 1, { secret: testSecret }).record,
    );
    return setup;
  }

  it('stores presence and says when what apps see changed', async () => {
    // Prepare
    const { deps } = withThing();

    // Act
    const first = await recordLifecycleEvent(thingId, connected('a', 0), deps);
    const duplicate = await recordLifecycleEvent(thingId, connected('a', 0), deps);
    const gone = await recordLifecycleEvent(thingId, disconnected('a', 30), deps);
    const device = await deps.devices.get(thingId);

    // Assess
    expect([first, duplicate, gone]).toEqual([
      { status: 'applied', changed: true, online: true },
      { status: 'applied', changed: false, online: true },
      { status: 'applied', changed: true, online: false },
    ]);
    expect(device && lastSeenAt(device.activity)).toBe('2026-11-28T08:00:00.000Z');
  });

  it('ends right when 2,000 events are applied concurrently', async () => {
    // Prepare
    const { deps } = withThing();
    const random = seededRandom(7);
    const truth = history(random, 1_000);
    const events = delivered(truth.events, random, 2_000);

    // Act
    for (let index = 0; index < events.length; index += 25) {
      await Promise.all(events.slice(index, index + 25).map((event) => recordLifecycleEvent(thingId, event, deps)));
    }

    // Assess
    const stored = await deps.devices.presence(thingId);
    expect(stored && isOnline(stored.presence)).toBe(truth.online);
    expect(stored && lastConnectedAt(stored.presence)).toBe(truth.lastConnectedAt);
  });

  it('ignores events of unknown or malformed client ids', async () => {
    // Prepare
    const { deps } = withThing();

    // Act
    const results = await Promise.all([
      recordLifecycleEvent('00000000-0000-4000-8000-000000000000', connected('a', 0), deps),
      recordLifecycleEvent('not-a-thing', connected('a', 0), deps),
    ]);

    // Assess
    expect(results).toEqual([{ status: 'unknown_thing' }, { status: 'unknown_thing' }]);
  });
});
