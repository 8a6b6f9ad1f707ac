// Things on the realtime channel: who owns which thing (a projection of iot's thing.state events: notifications never
// reads iot's table), a connection's subscription to its user's own things, thing.state to the owner and
// thing.telemetry to the owner's subscribed connections.
import type { EventOf } from '@photonotes/shared/contracts/event';
import type { thingState, ThingTelemetryData } from '@photonotes/shared/contracts/thing-events';
import type { Clock } from '@photonotes/shared/clock';
import type { Logger } from '@photonotes/shared/log';
import type { ConnectionsGateway, ConnectionsStore, ServerMessage, SubscribeRequest } from './realtime';
import { deliver, frameError } from './realtime';
import type { ThingStateMessage } from './thing-messages';
import { thingStateMessage, thingTelemetryMessage } from './thing-messages';

/** What notifications knows of a thing: its owner and the newest picture applied, or that it was deleted. */
export interface ThingOwner {
  thingId: string;
  ownerId: string | null;
  revision: number;
  deleted: boolean;
}

export type ProjectionOutcome = 'applied' | 'stale';

export interface ThingOwnersStore {
  /** Strongly consistent. */
  get(thingId: string): Promise<ThingOwner | undefined>;
  /**
   * Records the owner and revision of a created/updated picture unless the thing was deleted or a higher revision is
   * recorded ('stale'). The same revision applies again, so a retried event is delivered again rather than lost.
   */
  record(thingId: string, ownerId: string, revision: number): Promise<ProjectionOutcome>;
  /** Final; kept until `expiresAt` (epoch seconds), long after any late event of the thing can arrive. */
  markDeleted(thingId: string, expiresAt: number): Promise<void>;
}

export interface SubscribingConnection {
  userId: string;
  /** The connection record's TTL (epoch seconds): its subscriptions expire with it. */
  expiresAt: number;
  /** The things it is subscribed to now. */
  things: string[];
}

export interface Subscriber {
  connectionId: string;
  userId: string;
}

export interface ThingSubscriptionsStore {
  /** Strongly consistent; undefined when the connection's record is gone. */
  connection(connectionId: string): Promise<SubscribingConnection | undefined>;
  /** Makes `things` the connection's whole subscription; false when the connection's record is gone. */
  replace(connectionId: string, connection: SubscribingConnection, things: string[]): Promise<boolean>;
  /** The connections subscribed to the thing (at most 5 connections × the users who could subscribe: its owner). */
  subscribers(thingId: string): Promise<Subscriber[]>;
  remove(thingId: string, connectionId: string): Promise<void>;
}

/**
 * thing.state to every connection of a user, numbered with the user's `seq` (API.md "Realtime"): the realtime fan-out
 * (realtime-fanout.ts) with `seq` on; this is all thing.state needs of it.
 */
export interface UserFanout {
  sendToUser(userId: string, message: ThingStateMessage, log: Logger): Promise<void>;
}

export interface ThingRealtimeDeps {
  owners: ThingOwnersStore;
  subscriptions: ThingSubscriptionsStore;
  connections: ConnectionsStore;
  gateway: ConnectionsGateway;
  fanout: UserFanout;
  clock: Clock;
}

/** A deleted thing's tombstone outlives every retry of its events (SNS to Lambda: at most 6 h, then the queue). */
export const deletedThingTtlSeconds = 7 * 24 * 3600;

/** Thing ids are lower-case UUIDs (iot reads any case as the same id). */
const normalise = (thingId: string) => thingId.toLowerCase();

/**
 * `subscribe`: all the things must be the caller's own, or nothing is subscribed. A thing of another user and one that
 * does not exist get the same answer, so the channel tells nobody which ids exist. A thing registered a moment ago is
 * known once its thing.state `created` has arrived (about a second).
 */
export async function subscribeToThings(connectionId: string, request: SubscribeRequest, deps: Pick<ThingRealtimeDeps, 'owners' | 'subscriptions'>): Promise<ServerMessage> {
  const things = [...new Set(request.things.map(normalise))];
  const connection = await deps.subscriptions.connection(connectionId);
  if (!connection) return frameError('NOT_FOUND', 'This connection has closed; reconnect');
  const owners = await Promise.all(things.map((thingId) => deps.owners.get(thingId)));
  const unknown = things.find((_, index) => {
    const owner = owners[index];
    return !owner || owner.deleted || owner.ownerId !== connection.userId;
  });
  if (unknown !== undefined) return frameError('NOT_FOUND', `Thing not found: ${unknown.slice(0, 64)}`);
  if (!(await deps.subscriptions.replace(connectionId, connection, things))) return frameError('NOT_FOUND', 'This connection has closed; reconnect');
  return { type: 'subscribed', things };
}

export type ThingStateOutcome = { status: 'deleted' } | { status: 'stale' } | { status: 'sent'; ownerId: string };

/** thing.state: the projection first (which orders pictures and drops repeats), then the owner's connections. */
export async function applyThingState(event: EventOf<typeof thingState>, deps: Pick<ThingRealtimeDeps, 'owners' | 'fanout' | 'clock'>, log: Logger): Promise<ThingStateOutcome> {
  const data = event.data;
  if (data.change === 'deleted') {
    // Apps get no message: the realtime contract has none for a deleted thing (GET /things shows it gone).
    await deps.owners.markDeleted(data.thingId, Math.floor(deps.clock.now().getTime() / 1000) + deletedThingTtlSeconds);
    return { status: 'deleted' };
  }
  if ((await deps.owners.record(data.thingId, data.ownerId, data.revision)) === 'stale') return { status: 'stale' };
  await sendThingState(data.ownerId, thingStateMessage(data), deps, log);
  return { status: 'sent', ownerId: data.ownerId };
}

/** The one place thing.state reaches apps: through the per-user sequenced fan-out. */
export function sendThingState(ownerId: string, message: ThingStateMessage, deps: Pick<ThingRealtimeDeps, 'fanout'>, log: Logger): Promise<void> {
  return deps.fanout.sendToUser(ownerId, message, log);
}

export interface TelemetryOutcome {
  sent: number;
  /** Connections found gone (410): their records and subscriptions removed. */
  gone: number;
  /** Sends that failed otherwise (best effort: not retried). */
  failed: unknown[];
}

/**
 * thing.telemetry to the connections subscribed to the thing, its owner's only (a subscription names its user; only
 * the owner can take one, and a subscription of anybody else is never sent to). Side by side, so one slow or dead
 * connection does not hold up the others; best effort, as API.md says: a failed send is reported, not retried (a
 * retry would repeat the reading on every other connection).
 */
export async function streamTelemetry(data: ThingTelemetryData, deps: Pick<ThingRealtimeDeps, 'subscriptions' | 'connections' | 'gateway'>): Promise<TelemetryOutcome> {
  const thingId = normalise(data.thingId);
  const subscribers = (await deps.subscriptions.subscribers(thingId)).filter((subscriber) => subscriber.userId === data.ownerId);
  const message = thingTelemetryMessage(data);
  const results = await Promise.allSettled(
    subscribers.map(async ({ connectionId }) => {
      if (await deliver(connectionId, message, deps)) return true;
      await deps.subscriptions.remove(thingId, connectionId);
      return false;
    }),
  );
  return {
    sent: results.filter((result) => result.status === 'fulfilled' && result.value).length,
    gone: results.filter((result) => result.status === 'fulfilled' && !result.value).length,
    failed: results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : [])),
  };
}
