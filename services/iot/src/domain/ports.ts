// What the domain needs from storage, the device plane and the event bus, and the typed outcomes of
// conditional writes. DynamoDB implementations live in adapters/; unit tests use in-memory fakes.
import type { ThingStateData, ThingTelemetryData } from '@photonotes/shared/contracts/thing-events';
import type { AlertRule, AlertState, FiredAlert, RuleSet } from './alerts';
import type { CredentialRecord } from './credentials';
import type { PresenceState } from './presence';
import type { Rollup } from './resolutions';
import type { Bucket } from './rollups';
import type { DesiredMessage, StoredState } from './state';
import type { Activity, StoredThing } from './thing';

export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The owner has the maximum number of things already. */
export class ThingLimitError extends Error {
  constructor() {
    super('Thing limit reached');
    this.name = 'ThingLimitError';
  }
}

export interface ThingSummary {
  thing: StoredThing;
  activity: Activity;
}

export interface ThingsStore {
  /** One transaction: the thing, its device record with the credential, the owner's count; ThingLimitError at `limit`. */
  create(thing: StoredThing, credential: CredentialRecord, limit: number): Promise<void>;
  get(thingId: string): Promise<StoredThing | undefined>;
  /** The owner's things, newest first, each with its activity. */
  listByOwner(ownerId: string, page: PageRequest): Promise<Page<ThingSummary>>;
  /** Rewrites name, attributes and updatedAt; false when the thing is gone. */
  update(thing: StoredThing): Promise<boolean>;
  /** One transaction: the thing, its device record (so its credential), state and alert rules go, the count drops; false when already gone. */
  remove(thing: StoredThing): Promise<boolean>;
  /** Deletes whatever is left under a removed thing's id (written by a request that raced the removal); returns how many. */
  purgeRemains(thingId: string): Promise<number>;
}

/** The device side of a thing: credential, rate window, presence. */
export interface DeviceRecord {
  thingId: string;
  ownerId: string;
  credential: CredentialRecord;
  activity: Activity;
}

export type Admission = { admitted: true; ownerId: string } | { admitted: false; reason: 'unknown_thing' | 'rate_limited' };

export type ConditionalOutcome = 'saved' | 'conflict' | 'gone';

export interface DevicesStore {
  /** Strongly consistent: a rotated or deleted credential stops working at once. */
  get(thingId: string): Promise<DeviceRecord | undefined>;
  /** Replaces the credential if its generation is still `expectedGeneration`. */
  replaceCredential(thingId: string, expectedGeneration: number, next: CredentialRecord): Promise<ConditionalOutcome>;
  /** Counts the message in the thing's rate window (rate-limit.ts) and records its arrival as `lastMessageAt`. */
  admit(thingId: string, receivedAt: number, limit: number): Promise<Admission>;
  /** Strongly consistent; with the owner, so a presence change can be published for them. */
  presence(thingId: string): Promise<{ presence: PresenceState; rev: number; ownerId: string } | undefined>;
  /** Stores `next` if the presence revision is still `rev`. */
  savePresence(thingId: string, rev: number, next: PresenceState): Promise<ConditionalOutcome>;
}

export interface StateStore {
  /** Strongly consistent; the empty state (version 0) when there is none. */
  get(thingId: string): Promise<StoredState>;
  /** Stores `next` if the stored version is still `expectedVersion`; false otherwise. */
  save(thingId: string, expectedVersion: number, next: StoredState): Promise<boolean>;
}

export interface AlertRulesStore {
  /** Strongly consistent; version 0 and no rules when none were set. */
  get(thingId: string): Promise<RuleSet>;
  /** Replaces every rule; the new set has the next version. */
  replace(thingId: string, rules: AlertRule[]): Promise<RuleSet>;
}

export interface SeriesKey {
  thingId: string;
  metric: string;
}

export interface StoredReading {
  ts: number;
  value: number;
  /** Arrival of the message that stored the value: a later arrival replaces it, an earlier one does not. */
  receivedAt: number;
}

/** One record per series: its revision (every write is conditional on it), latest reading, alert state, outbox. */
export interface SeriesHead {
  /** 0 when the series has never been written. */
  rev: number;
  latest: { value: number; at: number } | null;
  alerts: AlertState;
  /** Firings written but not yet acknowledged as published. */
  pending: FiredAlert[];
}

/** Read after the head, so a write conditional on `head.rev` knows these are current. */
export interface SeriesSnapshot {
  head: SeriesHead;
  reading: StoredReading | undefined;
  buckets: Partial<Record<Rollup, Bucket>>;
}

/** What a write of one message's readings depends on (series.ts says why it is read in this order). */
export interface MessageSnapshot {
  /** The thing's rule set, read together with the heads. */
  rules: RuleSet;
  /** One per metric asked for, in that order. */
  series: SeriesSnapshot[];
}

export interface BucketWrite {
  rollup: Rollup;
  start: number;
  bucket: Bucket;
  /** TTL, epoch seconds. */
  expiresAt: number;
}

export interface SeriesWrite {
  latest: { value: number; at: number } | null;
  alerts: AlertState;
  /** Added to the head's pending firings. */
  fired: FiredAlert[];
  headExpiresAt: number;
  /** The reading to store (absent when its value did not change). */
  reading?: StoredReading & { expiresAt: number };
  buckets: BucketWrite[];
}

/** A series write and the head revision it was computed from. */
export interface SeriesCommit {
  series: SeriesKey;
  expectedRev: number;
  write: SeriesWrite;
}

export interface TimedBucket {
  start: number;
  bucket: Bucket;
}

export interface TelemetryStore {
  /**
   * For distinct metrics of one thing: the thing's rule set and every series head in one strongly consistent
   * read, then (strongly consistent, after the heads) each series' reading at `ts` and the buckets that contain it.
   */
  load(thingId: string, metrics: string[], ts: number): Promise<MessageSnapshot>;
  /** Strongly consistent: the readings with from <= ts < to. */
  readings(series: SeriesKey, from: number, to: number): Promise<Array<{ ts: number; value: number }>>;
  /** Strongly consistent: the buckets starting in [from, to). */
  buckets(series: SeriesKey, rollup: Rollup, from: number, to: number): Promise<TimedBucket[]>;
  /**
   * Writes distinct series, each (head, reading, buckets) only if its head's revision is still `expectedRev`: all
   * in one transaction when they fit in one, otherwise in consecutive groups that do. Answers, in order, whether
   * each was written; a group in which one revision had moved wrote nothing.
   */
  commit(commits: SeriesCommit[]): Promise<boolean[]>;
  /** Removes published firings from the head's pending list. */
  acknowledge(series: SeriesKey, alertIds: string[]): Promise<void>;
  /** Oldest first. */
  queryReadings(series: SeriesKey, from: number, to: number, page: PageRequest): Promise<Page<{ ts: number; value: number }>>;
  queryBuckets(series: SeriesKey, rollup: Rollup, from: number, to: number, page: PageRequest): Promise<Page<TimedBucket>>;
  /** The latest reading of each metric of the thing. */
  latest(thingId: string): Promise<Array<{ metric: string; value: number; at: number }>>;
  /** Deletes every series of the thing (readings, buckets, heads); returns how many items. Safe to repeat. */
  purge(thingId: string): Promise<number>;
}

/** The MQTT side the service drives: AWS IoT's data plane deployed, the local broker's endpoint locally. */
export interface DevicePlane {
  /** Retained, so a device gets the latest desired state as soon as it subscribes. */
  publishDesired(thingId: string, message: DesiredMessage): Promise<void>;
  /** Removes the retained desired message. */
  clearDesired(thingId: string): Promise<void>;
  /** Cuts the thing's live connection, if any. */
  disconnect(thingId: string): Promise<void>;
}

export interface AlertPublisher {
  /** At least once; consumers deduplicate on `alert.id`. */
  publish(alert: FiredAlert): Promise<void>;
}

/** thing.state and thing.telemetry on the thing-events topic (shared/src/contracts/thing-events.ts). */
export interface ThingEventsPublisher {
  /** At least once; the event id names the picture (thing and revision), so consumers recognise repeats. */
  state(data: ThingStateData): Promise<void>;
  telemetry(data: ThingTelemetryData): Promise<void>;
}
