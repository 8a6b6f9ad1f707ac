// Generated analytics traffic for bench/analytics.ts, deterministic from a seed (scripts/seeded-random.ts):
//   actors      a population that joins over the window (a quarter already there on its first day), each with a
//               skewed daily engagement (a few are in almost every day, most in a few) and a lifetime after which
//               it churns (a third never do); users (`u_…`, the HMAC pseudonym's shape) and installs (`i_<uuid>`)
//   days        each day gets its share of the events (weekends busier, slow growth), spread over the actors active
//               that day in sessions: `_session.start`, screens and app events (18 app types with attributes and
//               metrics), `_session.stop`; a note created or shared by a user is also a `server.*` event
//   arrival     a session is one batch (AcceptedBatch, rowsOf), received a few seconds after it ends; 2 % of them
//               were recorded offline and arrive 1 to 72 hours later (late events that move first days earlier)
//   works       the rows in arrival order, cut into works of up to `workEvents` (processEvents' largest: 100
//               batches of 100), each named like processEvents names it (workIdOf)
// The raw archive is written exactly as processEvents writes it (partitionOf, archiveKey, gzipped NDJSON sorted by
// `at`), into the layout of the S3 emulator's directory that `npm run analytics:sql` (eventsGlob) reads.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { localEventsBucket } from '../scripts/analytics/sql';
import { seededRandom, shuffle } from '../scripts/seeded-random';
import type { AcceptedBatch, EventRow } from '../services/analytics/src/domain/batch';
import { rowsOf } from '../services/analytics/src/domain/batch';
import { addDays } from '../services/analytics/src/domain/days';
import type { EventInput, Platform } from '../services/analytics/src/domain/event-input';
import { archiveKey, partitionOf, workIdOf } from '../services/analytics/src/domain/process';

export interface TrafficOptions {
  events: number;
  actors: number;
  days: number;
  firstDay: string;
  seed: number;
  workEvents: number;
}

export interface Work {
  workId: string;
  rows: EventRow[];
}

export interface TrafficStats {
  events: number;
  appEvents: number;
  serverEvents: number;
  batches: number;
  lateBatches: number;
  lateEvents: number;
  works: number;
}

const dayMs = 86_400_000;
const lateShare = 0.02;

interface Actor {
  id: string;
  installId: string;
  user: boolean;
  platform: Platform;
  appVersion: string;
  join: number;
  last: number;
  /** The chance of being active on a day it is alive. */
  engagement: number;
}

interface EventKind {
  type: string;
  weight: number;
  attributes?: Record<string, string[]>;
  metrics?: Record<string, [number, number]>;
  /** The server event a user's app event of this kind goes with. */
  server?: string;
}

const values = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`);

// The middle of a session; `_session.start` and `_session.stop` frame it. 15 app types here, 18 with the standard ones.
const eventKinds: EventKind[] = [
  { type: '_screen.view', weight: 30, attributes: { screen: values('screen-', 25) }, metrics: { ms: [20, 3000] } },
  { type: 'photo.taken', weight: 10, attributes: { camera: ['front', 'back'], flash: ['on', 'off', 'auto'] }, metrics: { ms: [50, 900], bytes: [200_000, 6_000_000] } },
  { type: 'photo.filtered', weight: 5, attributes: { filter: values('filter-', 12) } },
  { type: 'note.opened', weight: 12, attributes: { source: ['list', 'search', 'share', 'push'] } },
  { type: 'note.edited', weight: 8, metrics: { chars: [1, 4000] } },
  { type: 'note.created', weight: 5, metrics: { chars: [1, 2000] }, server: 'server.note.created' },
  { type: 'note.shared', weight: 2, attributes: { channel: ['link', 'mail', 'message', 'copy', 'other'] }, server: 'server.note.shared' },
  { type: 'search.performed', weight: 6, metrics: { results: [0, 200], ms: [5, 800] } },
  { type: 'search.result_opened', weight: 3, metrics: { position: [1, 20] } },
  { type: 'tag.added', weight: 3 },
  { type: 'album.viewed', weight: 3, metrics: { photos: [1, 500] } },
  { type: 'sync.completed', weight: 4, metrics: { ms: [100, 20_000], items: [0, 300] } },
  { type: 'settings.changed', weight: 1, attributes: { setting: values('setting-', 8) } },
  { type: 'push.opened', weight: 1, attributes: { campaign: values('campaign-', 6) } },
  { type: 'error.shown', weight: 1, attributes: { code: values('E', 10) } },
  { type: 'purchase.started', weight: 0.5, attributes: { plan: ['monthly', 'yearly', 'lifetime'] } },
  { type: 'purchase.completed', weight: 0.3, attributes: { plan: ['monthly', 'yearly', 'lifetime'] }, metrics: { amount: [2.99, 59.99] } },
];
const totalWeight = eventKinds.reduce((sum, kind) => sum + kind.weight, 0);
// People use the app in the (UTC) evening more than at night.
const hourWeights = [2, 1, 1, 1, 1, 2, 3, 5, 6, 6, 6, 6, 7, 7, 6, 6, 6, 7, 9, 10, 10, 8, 5, 3];
const hourTotal = hourWeights.reduce((a, b) => a + b, 0);

/** Ids, picks and app events drawn from one seeded source. */
export function eventFactory(random: () => number) {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const hex8 = () => Math.floor(random() * 0x1_0000_0000).toString(16).padStart(8, '0');
  const uuid = () => {
    const h = hex8() + hex8() + hex8() + hex8();
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[Math.floor(random() * 4)]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  };
  const kind = (): EventKind => {
    let roll = random() * totalWeight;
    for (const candidate of eventKinds) if ((roll -= candidate.weight) < 0) return candidate;
    return eventKinds[0] as EventKind;
  };
  const event = (of: EventKind, at: number, sessionId: string | null): EventInput => {
    const attributes: Record<string, string> = {};
    const metrics: Record<string, number> = {};
    for (const [key, options] of Object.entries(of.attributes ?? {})) attributes[key] = pick(options);
    for (const [key, [low, high]] of Object.entries(of.metrics ?? {})) metrics[key] = Math.round((low + (high - low) * random() ** 2) * 100) / 100;
    return { id: uuid(), type: of.type, at: new Date(at).toISOString(), sessionId, attributes, metrics };
  };
  /** An app's batch as POST /analytics/events takes it: one session's `count` events, the last at `lastAt`. */
  const liveEvents = (count: number, lastAt: number) => {
    const sessionId = uuid();
    return Array.from({ length: count }, (_, index) => {
      const at = lastAt - (count - 1 - index) * 2000;
      const made = event(index === 0 ? sessionStart : kind(), at, sessionId);
      return { id: made.id, type: made.type, at: made.at, sessionId, attributes: made.attributes, metrics: made.metrics };
    });
  };
  return { pick, uuid, kind, event, liveEvents };
}

const sessionStart: EventKind = { type: '_session.start', weight: 0 };
const sessionStop: EventKind = { type: '_session.stop', weight: 0 };

export function createTraffic(options: TrafficOptions) {
  const random = seededRandom(options.seed);
  const { pick, uuid, kind: kindOf, event: appEvent } = eventFactory(random);
  const pseudonym = () => `u_${Buffer.from(Array.from({ length: 17 }, () => Math.floor(random() * 256))).toString('base64url').slice(0, 22)}`;

  const actors: Actor[] = Array.from({ length: options.actors }, () => {
    const user = random() < 0.7;
    const installId = uuid();
    const join = random() < 0.25 ? 0 : Math.floor(random() * options.days);
    return {
      id: user ? pseudonym() : `i_${installId}`,
      installId,
      user,
      platform: (['ios', 'android', 'web'] as const)[random() < 0.45 ? 0 : random() < 0.82 ? 1 : 2],
      appVersion: pick(['3.0.4', '3.1.0', '3.1.2']),
      join,
      last: random() < 0.35 ? Infinity : join + Math.floor(-Math.log(1 - random()) * 30),
      engagement: 0.04 + 0.6 * random() ** 2,
    };
  });

  // Each day's share: weekends a quarter busier, and the app grows by half over the window; exact in total.
  const start = Date.parse(`${options.firstDay}T00:00:00.000Z`);
  const shares = Array.from({ length: options.days }, (_, day) => {
    const weekday = new Date(start + day * dayMs).getUTCDay();
    return (weekday === 0 || weekday === 6 ? 1.25 : 1) * (0.8 + (0.4 * day) / options.days);
  });
  const shareSum = shares.reduce((a, b) => a + b, 0);
  const quotas = shares.map((share) => Math.floor((options.events * share) / shareSum));
  for (let day = 0, rest = options.events - quotas.reduce((a, b) => a + b, 0); rest > 0; day = (day + 1) % options.days, rest--) quotas[day] = (quotas[day] as number) + 1;

  const stats: TrafficStats = { events: 0, appEvents: 0, serverEvents: 0, batches: 0, lateBatches: 0, lateEvents: 0, works: 0 };

  /** One session of `size` events (server events included) on `day`: its batch, and the server events' batch. */
  function session(actor: Actor, day: number, size: number): AcceptedBatch[] {
    let hour = 0;
    for (let roll = random() * hourTotal; (roll -= hourWeights[hour] as number) >= 0; ) hour++;
    // A session stays inside its day: at most 100 events 1–20 s apart.
    let at = Math.min(start + day * dayMs + hour * 3_600_000 + Math.floor(random() * 3_600_000), start + (day + 1) * dayMs - 40 * 60_000);
    const sessionId = uuid();
    const events: EventInput[] = [];
    const server: EventInput[] = [];
    const tick = () => (at += 1000 + Math.floor(random() * 19_000));
    events.push(appEvent(sessionStart, at, sessionId));
    while (events.length + server.length < size - 1) {
      const kind = kindOf();
      events.push(appEvent(kind, tick(), sessionId));
      if (kind.server && actor.user && events.length + server.length < size - 1) server.push(appEvent({ type: kind.server, weight: 0 }, at + 300, null));
    }
    if (events.length + server.length < size) events.push(appEvent(sessionStop, tick(), sessionId));
    const late = random() < lateShare;
    const receivedAt = new Date(late ? at + 3_600_000 + Math.floor(random() * 71 * 3_600_000) : at + 1000 + Math.floor(random() * 30_000)).toISOString();
    const batches: AcceptedBatch[] = [{ batchId: uuid(), receivedAt, installId: actor.installId, actor: actor.id, platform: actor.platform, appVersion: actor.appVersion, events }];
    if (late) {
      stats.lateBatches++;
      stats.lateEvents += events.length;
    }
    // The backend records its events as they happen, whatever the app's connection.
    for (const event of server) batches.push({ batchId: uuid(), receivedAt: event.at, installId: null, actor: actor.id, platform: null, appVersion: null, events: [event] });
    stats.appEvents += events.length;
    stats.serverEvents += server.length;
    stats.events += events.length + server.length;
    return batches;
  }

  function day(day: number): AcceptedBatch[] {
    const alive = actors.filter((actor) => actor.join <= day && day <= actor.last);
    // Joiners first: an actor's join day is its first day whatever the quota leaves for the others.
    const joiners = alive.filter((actor) => actor.join === day);
    const engaged = [...shuffle(joiners, random), ...shuffle(alive.filter((actor) => actor.join !== day && random() < actor.engagement), random)];
    const active = engaged.length > 0 ? engaged : alive.length > 0 ? alive : actors.slice(0, 1);
    const quota = quotas[day] as number;
    // Sessions per active actor average about 1.6: sized so the day's quota is met in about that many rounds.
    const mean = Math.min(40, Math.max(4, quota / Math.max(1, active.length * 1.6)));
    const batches: AcceptedBatch[] = [];
    let left = quota;
    for (let round = 0; left > 0; round++) {
      for (const actor of active) {
        if (left <= 0) break;
        if (round > 0 && random() >= Math.min(0.85, actor.engagement * 1.5)) continue;
        const size = Math.min(left, 100, Math.max(2, 2 + Math.round(-Math.log(1 - random()) * (mean - 2))));
        const made = session(actor, day, size);
        left -= made.reduce((sum, batch) => sum + batch.events.length, 0);
        batches.push(...made);
      }
    }
    return batches;
  }

  /** The works in arrival order. */
  function* works(): Generator<Work> {
    const arriving = new Map<number, AcceptedBatch[]>();
    let pending: EventRow[] = [];
    let index = 0;
    const cut = function* (final: boolean): Generator<Work> {
      while (pending.length >= options.workEvents || (final && pending.length > 0)) {
        const rows = pending.slice(0, options.workEvents);
        pending = pending.slice(options.workEvents);
        stats.works++;
        yield { workId: workIdOf([`bench-${options.seed}-${index}-first`, `bench-${options.seed}-${index}-last`]), rows };
        index++;
      }
    };
    const arrive = (batches: AcceptedBatch[]) => {
      batches.sort((a, b) => (a.receivedAt < b.receivedAt ? -1 : a.receivedAt > b.receivedAt ? 1 : 0));
      stats.batches += batches.length;
      for (const batch of batches) pending.push(...rowsOf(batch));
    };
    for (let d = 0; d < options.days; d++) {
      for (const batch of day(d)) {
        const arrival = Math.floor((Date.parse(batch.receivedAt) - start) / dayMs);
        const list = arriving.get(arrival);
        if (list) list.push(batch);
        else arriving.set(arrival, [batch]);
      }
      arrive(arriving.get(d) ?? []);
      arriving.delete(d);
      yield* cut(false);
    }
    for (const arrival of [...arriving.keys()].sort((a, b) => a - b)) arrive(arriving.get(arrival) ?? []);
    yield* cut(true);
  }

  return { works, stats, lastDay: addDays(options.firstDay, options.days - 1) };
}

/** Writes a work's rows as processEvents archives them (domain/process.ts), into an S3 emulator directory. */
export function archiveWork(dataDir: string, work: Work): number {
  const partitions = new Map<string, EventRow[]>();
  for (const row of work.rows) {
    const partition = partitionOf(row.at);
    const group = partitions.get(partition);
    if (group) group.push(row);
    else partitions.set(partition, [row]);
  }
  let bytes = 0;
  for (const [partition, group] of partitions) {
    group.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    const file = path.join(dataDir, 's3', localEventsBucket, `${archiveKey(partition, work.workId)}._S3rver_object`);
    mkdirSync(path.dirname(file), { recursive: true });
    const body = gzipSync(Buffer.from(group.map((row) => JSON.stringify(row)).join('\n') + '\n'));
    writeFileSync(file, body);
    bytes += body.length;
  }
  return bytes;
}
