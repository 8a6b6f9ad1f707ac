// Presence after 10,000 lifecycle events replayed late, duplicated and reordered, on the local platform.
//
// 100 things (two owners, 50 each) get a made-up history of connections in AWS IoT Core's lifecycle event shape
// (`$aws/events/presence/connected|disconnected/<clientId>`: clientId, timestamp, eventType, sessionIdentifier,
// principalIdentifier, ipAddress or clientInitiatedDisconnect and disconnectReason, versionNumber): sessions one
// after another, some ended by the device, the network or keep-alive, some kicked by the next connection of the
// same client id (whose disconnect then comes a moment after the new connect); half the things end connected.
// So each thing's true final state (online, and lastSeenAt = its newest connection) is known.
//
// Delivery: a fifth of the events twice; a tenth of all copies, plus each thing's first connect and another old
// one, held back and replayed late, after everything else has been applied; each of the two phases in a random
// order. Events are published on the twin's broker through its data plane (as the twin publishes lifecycle
// events: QoS 1, on the same topics), so the presence rule's IoT SQL, the rules engine's per-function
// concurrency and retries and the presence function under serverless-offline all run as in `npm run dev`.
// Then every thing is read through GET /things/{id}: `online` and `lastSeenAt` must be the true final state.
import { randomUUID } from 'node:crypto';
import { api } from '../test/support/api';
import { createTestUser } from '../test/support/users';
import type { TestUser } from '../test/support/users';
import type { BenchPlatform } from './iot-support';
import { check, registerThing, seededRandom, shuffle, startBenchPlatform } from './iot-support';
import { round, writeResult } from './support';
import type { RulesStats } from '../scripts/platform/iot/rules-engine';

const owners = 2;
const thingsPerOwner = 50;
const duplicateShare = 0.2;
const lateShare = 0.1;
/** Deliveries the rules engine may have waiting at once (it drops beyond 10,000 per function, as a full queue would). */
const maxBacklog = 2000;
const publishConcurrency = 16;

type DisconnectReason = 'CLIENT_INITIATED_DISCONNECT' | 'CONNECTION_LOST' | 'MQTT_KEEP_ALIVE_TIMEOUT' | 'DUPLICATE_CLIENTID';

interface LifecycleEvent {
  clientId: string;
  timestamp: number;
  eventType: 'connected' | 'disconnected';
  sessionIdentifier: string;
  principalIdentifier: string;
  versionNumber: number;
  ipAddress?: string;
  clientInitiatedDisconnect?: boolean;
  disconnectReason?: DisconnectReason;
}

interface Truth {
  thingId: string;
  owner: TestUser;
  online: boolean;
  lastConnectedAt: number;
  events: LifecycleEvent[];
}

/**
 * `sessions` connections of one thing from `start`, each after the previous one; the last stays connected when
 * `endsOnline`. A kicked session's disconnect (DUPLICATE_CLIENTID) carries a time just after the next connect.
 */
function history(thingId: string, start: number, sessions: number, endsOnline: boolean, random: () => number): Omit<Truth, 'owner'> {
  const events: LifecycleEvent[] = [];
  const principalIdentifier = thingId.replaceAll('-', '');
  let clock = start;
  let lastConnectedAt = start;
  /** When the previous session was kicked: the time this one connects. */
  let kickedBy: number | null = null;
  for (let index = 0; index < sessions; index++) {
    const session = { clientId: thingId, sessionIdentifier: randomUUID(), principalIdentifier };
    clock = kickedBy ?? clock + 1 + Math.floor(random() * 120_000);
    kickedBy = null;
    const connectedAt = clock;
    lastConnectedAt = connectedAt;
    const versionNumber = connectedAt;
    events.push({ ...session, timestamp: connectedAt, eventType: 'connected', ipAddress: '127.0.0.1', versionNumber });
    const last = index === sessions - 1;
    if (last && endsOnline) break;
    const disconnect = (timestamp: number, disconnectReason: DisconnectReason) =>
      events.push({ ...session, timestamp, eventType: 'disconnected', clientInitiatedDisconnect: disconnectReason === 'CLIENT_INITIATED_DISCONNECT', disconnectReason, versionNumber });
    if (!last && random() < 0.25) {
      // Kicked: the next session connects within 3 s and this one's disconnect is stamped up to 50 ms after that.
      kickedBy = clock + 1 + Math.floor(random() * 3000);
      disconnect(kickedBy + Math.floor(random() * 50), 'DUPLICATE_CLIENTID');
    } else {
      clock += 1 + Math.floor(random() * 600_000);
      const fate = random();
      disconnect(clock, fate < 0.5 ? 'CLIENT_INITIATED_DISCONNECT' : fate < 0.8 ? 'CONNECTION_LOST' : 'MQTT_KEEP_ALIVE_TIMEOUT');
    }
  }
  return { thingId, online: endsOnline, lastConnectedAt, events };
}


async function rulesStats(bench: BenchPlatform): Promise<RulesStats> {
  const res = await fetch(`http://127.0.0.1:${bench.ports.iotData}/health`);
  return ((await res.json()) as { rules: RulesStats }).rules;
}

const settled = (stats: RulesStats) => stats.delivered + stats.deadLettered + stats.dropped + stats.undeliverable;

/** Publishes on the broker through the twin's data plane, keeping the rules engine's backlog bounded; resolves once all are applied. */
async function replay(bench: BenchPlatform, events: LifecycleEvent[]): Promise<{ seconds: number; stats: RulesStats }> {
  const before = settled(await rulesStats(bench));
  const started = performance.now();
  let next = 0;
  let published = 0;
  let applied = 0;
  const publishOne = async (event: LifecycleEvent) => {
    const topic = `$aws/events/presence/${event.eventType}/${event.clientId}`;
    const res = await fetch(`http://127.0.0.1:${bench.ports.iotData}/topics/${encodeURIComponent(topic)}?qos=1`, { method: 'POST', body: JSON.stringify(event) });
    if (res.status !== 200) throw new Error(`data plane Publish to ${topic} answered ${res.status}: ${await res.text()}`);
    published++;
  };
  await Promise.all(
    Array.from({ length: publishConcurrency }, async () => {
      for (let index = next++; index < events.length; index = next++) {
        while (published - applied >= maxBacklog) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          applied = settled(await rulesStats(bench)) - before;
        }
        await publishOne(events[index] as LifecycleEvent);
      }
    }),
  );
  let stats = await rulesStats(bench);
  while (settled(stats) - before < events.length) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    stats = await rulesStats(bench);
  }
  return { seconds: (performance.now() - started) / 1000, stats };
}

/**
 * How many things two simpler rules would get wrong on this replay, to show it is a hard one: the last event
 * delivered decides, or the event with the newest timestamp decides (wrong when a kicked session's disconnect
 * is stamped after the next session's connect).
 */
function naiveFolds(truths: Truth[], delivered: LifecycleEvent[]): { lastDelivered: number; newestTimestamp: number } {
  const last = new Map<string, LifecycleEvent>();
  const newest = new Map<string, LifecycleEvent>();
  for (const event of delivered) {
    last.set(event.clientId, event);
    const seen = newest.get(event.clientId);
    if (!seen || event.timestamp > seen.timestamp) newest.set(event.clientId, event);
  }
  const wrong = (decided: Map<string, LifecycleEvent>) => truths.filter((truth) => (decided.get(truth.thingId)?.eventType === 'connected') !== truth.online).length;
  return { lastDelivered: wrong(last), newestTimestamp: wrong(newest) };
}

async function main(): Promise<void> {
  const random = seededRandom(2026);
  const bench = await startBenchPlatform('presence-replay');
  try {
    const users = await Promise.all(Array.from({ length: owners }, (_, i) => createTestUser(`bench-presence-${i}`)));
    const things: Array<{ thingId: string; owner: TestUser }> = [];
    for (const owner of users) {
      for (let i = 0; i < thingsPerOwner; i++) things.push({ thingId: (await registerThing(owner, `Presence ${things.length}`)).thingId, owner });
    }

    // 10,000 events in all: 50 things end online after 50 sessions (99 events), the other 50 end offline after
    // 50 or 51 sessions (100 or 102 events).
    const start = Date.now() - 24 * 3_600_000;
    const onlineOnes = new Set(shuffle(things.map((thing) => thing.thingId), random).slice(0, things.length / 2));
    let offlineSeen = 0;
    const truths: Truth[] = things.map(({ thingId, owner }) => {
      const endsOnline = onlineOnes.has(thingId);
      const sessions = endsOnline ? 50 : offlineSeen++ % 2 === 0 ? 50 : 51;
      return { ...history(thingId, start, sessions, endsOnline, random), owner };
    });
    const unique = truths.flatMap((truth) => truth.events);
    if (truths.some((truth) => Math.max(...truth.events.map((event) => event.timestamp)) >= Date.now())) throw new Error('a history runs into the future');

    // Twice, late, out of order.
    const copies = unique.flatMap((event) => (random() < duplicateShare ? [event, event] : [event]));
    const late = new Set<number>();
    copies.forEach((_, index) => {
      if (random() < lateShare) late.add(index);
    });
    // Stale connects arriving after everything else: each thing's first one and another old one.
    for (const truth of truths) {
      const connects = truth.events.filter((event) => event.eventType === 'connected');
      for (const stale of [connects[0], connects[Math.floor(random() * (connects.length - 1))]]) {
        const index = copies.indexOf(stale as LifecycleEvent);
        if (index >= 0) late.add(index);
      }
    }
    const onTime = shuffle(
      copies.filter((_, index) => !late.has(index)),
      random,
    );
    const delayed = shuffle(
      copies.filter((_, index) => late.has(index)),
      random,
    );
    console.log(`${unique.length} events for ${truths.length} things; ${copies.length} deliveries (${copies.length - unique.length} duplicates), ${delayed.length} of them late`);
    const naive = naiveFolds(truths, [...onTime, ...delayed]);
    console.log(`simpler folds would get wrong: last delivered event wins ${naive.lastDelivered} things, newest timestamp wins ${naive.newestTimestamp}`);

    const first = await replay(bench, onTime);
    console.log(`on time: ${onTime.length} in ${round(first.seconds, 1)} s (${Math.round(onTime.length / first.seconds)}/s)`);
    const second = await replay(bench, delayed);
    console.log(`late: ${delayed.length} in ${round(second.seconds, 1)} s (${Math.round(delayed.length / second.seconds)}/s)`);

    const wrong: Array<{ thingId: string; expected: { online: boolean; lastSeenAt: string }; got: { online: boolean; lastSeenAt: string | null } }> = [];
    for (const truth of truths) {
      const thing = await check<{ online: boolean; lastSeenAt: string | null }>('GET /things/{id}', api(`/things/${truth.thingId}`, { token: truth.owner.accessToken }), 200);
      const expected = { online: truth.online, lastSeenAt: new Date(truth.lastConnectedAt).toISOString() };
      if (thing.online !== expected.online || thing.lastSeenAt !== expected.lastSeenAt) wrong.push({ thingId: truth.thingId, expected, got: { online: thing.online, lastSeenAt: thing.lastSeenAt } });
    }
    const correct = truths.length - wrong.length;
    const seconds = first.seconds + second.seconds;
    const eventsPerSecond = Math.round(copies.length / seconds);
    const stats = second.stats;
    const result = {
      description: `${unique.length} AWS-shaped lifecycle events of ${truths.length} things (half ending online), ${Math.round(duplicateShare * 100)} % delivered twice, ${Math.round(lateShare * 100)} % of deliveries plus two stale connects per thing replayed late, each phase in random order; published on the twin's broker through its data plane, applied by the presence rule's function; then GET /things/{id} of each`,
      things: truths.length,
      events: unique.length,
      deliveries: copies.length,
      duplicates: copies.length - unique.length,
      late: delayed.length,
      phases: [
        { name: 'on time', deliveries: onTime.length, seconds: round(first.seconds, 1), eventsPerSecond: Math.round(onTime.length / first.seconds) },
        { name: 'late', deliveries: delayed.length, seconds: round(second.seconds, 1), eventsPerSecond: Math.round(delayed.length / second.seconds) },
      ],
      eventsPerSecond,
      rules: stats,
      // Things a simpler rule would get wrong on the same deliveries (the replay is not an easy one).
      naiveFoldsWrong: naive,
      correct,
      correctPercent: round((correct / truths.length) * 100, 1),
      wrong: wrong.slice(0, 10),
      summary: `${unique.length} lifecycle events (${copies.length} deliveries: duplicated, late, reordered) applied at ${eventsPerSecond}/s; presence right for ${correct} of ${truths.length} things (${round((correct / truths.length) * 100, 1)} %)`,
      goal: '100 % of things right (online and lastSeenAt)',
    };
    console.log(JSON.stringify(result, null, 2));
    console.log(`written to ${writeResult('presence-replay', result)}`);
    if (wrong.length > 0) process.exitCode = 1;
  } finally {
    await bench.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
