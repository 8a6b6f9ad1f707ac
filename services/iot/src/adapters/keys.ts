// Every key of the iot tables, built here and nowhere else.
// things table (pk, sk strings; gsi1 for "my things, newest first"; TTL expiresAt)
//   thing        pk THING#<thingId>   sk THING             the registry record   gsi1 OWNER#<ownerId> / <createdAt>#<thingId>
//   device       pk THING#<thingId>   sk DEVICE            credential verifier, rate window, last message, presence
//   state        pk THING#<thingId>   sk STATE             desired and reported documents, version
//   alert-rules  pk THING#<thingId>   sk ALERTS            the rule set and its version
//   series       pk THING#<thingId>   sk SERIES#<metric>   one metric's head: revision, latest reading, alert state, pending firings
//   owner-count  pk OWNER#<ownerId>   sk THINGS            thingCount (the 50-thing limit)
// telemetry table (pk string, sk number; TTL expiresAt)
//   reading      pk SERIES#<thingId>#<metric>#raw              sk ts (epoch ms)            value, receivedAt
//   bucket       pk SERIES#<thingId>#<metric>#<1m|1h|1d>       sk bucket start (epoch ms)  min, max, sum, count
// Thing ids are UUIDs and metric names [a-z0-9_.]: neither can contain '#', so no two keys collide.
import type { Resolution } from '../domain/resolutions';

export interface ThingsKey {
  pk: string;
  sk: string;
}

export interface TelemetryKey {
  pk: string;
  sk: number;
}

export const entities = {
  thing: 'thing',
  device: 'device',
  state: 'state',
  alertRules: 'alert-rules',
  series: 'series',
  ownerCount: 'owner-count',
} as const;

export const ownerIndex = 'gsi1';

const seriesPrefix = 'SERIES#';

export const keys = {
  thing: (thingId: string): ThingsKey => ({ pk: `THING#${thingId}`, sk: 'THING' }),
  device: (thingId: string): ThingsKey => ({ pk: `THING#${thingId}`, sk: 'DEVICE' }),
  state: (thingId: string): ThingsKey => ({ pk: `THING#${thingId}`, sk: 'STATE' }),
  alertRules: (thingId: string): ThingsKey => ({ pk: `THING#${thingId}`, sk: 'ALERTS' }),
  seriesHead: (thingId: string, metric: string): ThingsKey => ({ pk: `THING#${thingId}`, sk: `${seriesPrefix}${metric}` }),
  ownerCount: (ownerId: string): ThingsKey => ({ pk: `OWNER#${ownerId}`, sk: 'THINGS' }),
  thingPartition: (thingId: string): string => `THING#${thingId}`,
  seriesHeadPrefix: seriesPrefix,
  /** gsi1 of thing records. */
  ownerThings: (ownerId: string): string => `OWNER#${ownerId}`,
  newestFirst: (thing: { createdAt: string; thingId: string }): string => `${thing.createdAt}#${thing.thingId}`,
  /** telemetry table. */
  seriesPartition: (thingId: string, metric: string, level: Resolution): string => `${seriesPrefix}${thingId}#${metric}#${level}`,
  telemetryItem: (thingId: string, metric: string, level: Resolution, at: number): TelemetryKey => ({ pk: `${seriesPrefix}${thingId}#${metric}#${level}`, sk: at }),
};
