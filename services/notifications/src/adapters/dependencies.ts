// How the notifications functions get their dependencies (README, "Wiring a service"): a getter per
// capability, built on first use and kept for the container's life, each reading its own environment
// variables. Getters are function declarations, so esbuild drops the ones a function does not use: the
// read-only routes never bundle the SNS push transport.
import { randomUUID } from 'node:crypto';
import { systemClock } from '@photonotes/shared/clock';
import { dependencies } from '@photonotes/shared/dependencies';
import { requireEnv } from '@photonotes/shared/env';
import { emfMetrics } from '@photonotes/shared/metrics-emf';
import type { DevicesStore, InboxStore, NotificationsDeps, PushGateway } from '../domain/ports';
import type { DeliveryDeps } from '../domain/delivery';
import type { ConnectionsGateway, ConnectionsStore } from '../domain/realtime';
import { realtimeFanout } from '../domain/realtime-fanout';
import type { ExpiringConnections, RealtimeFanout } from '../domain/realtime-fanout';
import { connectionsApi, managementClient } from './connections-api';
import { thingOwnersTable } from './thing-owners-table';
import { thingSubscriptionsTable } from './thing-subscriptions-table';
import type { ThingOwnersStore, ThingSubscriptionsStore } from '../domain/thing-subscriptions';
import { connectionExpiries, connectionsTable } from './connections-table';
import { noteOrder, realtimeSequences } from './realtime-order';
import { noteSharedQuietSecondsFrom } from '../domain/triggers';
import { devicesTable } from './devices-table';
import { inboxTable } from './inbox-table';
import { pushOutbox } from './outbox-push';
import type { PushOutbox } from './outbox-push';
import { snsPush } from './sns-push';

export function devicesTableName(): string {
  return requireEnv('DEVICES_TABLE');
}

export function inboxTableName(): string {
  return requireEnv('INBOX_TABLE');
}

let devices: DevicesStore | undefined;
export function devicesStoreFromEnv(): DevicesStore {
  return (devices ??= devicesTable({ tableName: devicesTableName() }));
}

let inbox: InboxStore | undefined;
export function inboxStoreFromEnv(): InboxStore {
  return (inbox ??= inboxTable({ tableName: inboxTableName() }));
}

let outbox: PushOutbox | undefined;
/** The local stage's recorded pushes (in the inbox table). */
export function pushOutboxFromEnv(): PushOutbox {
  return (outbox ??= pushOutbox({ tableName: inboxTableName() }));
}

let push: PushGateway | undefined;
/** PUSH_TRANSPORT picks SNS mobile push (deployed stages) or the recorded outbox (local stage). */
export function pushGatewayFromEnv(): PushGateway {
  if (push) return push;
  const transport = requireEnv('PUSH_TRANSPORT');
  if (transport === 'outbox') return (push = pushOutboxFromEnv());
  if (transport === 'sns') {
    return (push = snsPush({ applications: { ios: requireEnv('IOS_PLATFORM_APPLICATION_ARN'), android: requireEnv('ANDROID_PLATFORM_APPLICATION_ARN') } }));
  }
  throw new Error(`PUSH_TRANSPORT must be "sns" or "outbox", not "${transport}"`);
}

let notificationsDependencies: NotificationsDeps | undefined;
/** Everything the event consumers and the registration routes take; each part is built at its first use. */
export function notificationsDeps(): NotificationsDeps {
  return (notificationsDependencies ??= dependencies({
    devices: devicesStoreFromEnv,
    inbox: inboxStoreFromEnv,
    push: pushGatewayFromEnv,
    clock: () => systemClock,
    newId: () => randomUUID,
  }));
}

/** note-events: the window in which a recipient hears of one note's sharing once (param noteSharedQuietHours), in seconds. */
export function noteSharedQuietSecondsFromEnv(): number {
  return noteSharedQuietSecondsFrom(requireEnv('NOTE_SHARED_QUIET_HOURS'));
}

export function connectionsTableName(): string {
  return requireEnv('CONNECTIONS_TABLE');
}

let connections: ConnectionsStore | undefined;
export function connectionsStoreFromEnv(): ConnectionsStore {
  return (connections ??= connectionsTable({ tableName: connectionsTableName() }));
}

let connectionsGateway: ConnectionsGateway | undefined;
/** REALTIME_CONNECTIONS_ENDPOINT: the WebSocket API's stage URL deployed, serverless-offline's websocket port locally. */
export function connectionsGatewayFromEnv(): ConnectionsGateway {
  return (connectionsGateway ??= connectionsApi(managementClient(requireEnv('REALTIME_CONNECTIONS_ENDPOINT'))));
}

export function thingOwnersTableName(): string {
  return requireEnv('THING_OWNERS_TABLE');
}

let thingOwners: ThingOwnersStore | undefined;
export function thingOwnersStoreFromEnv(): ThingOwnersStore {
  return (thingOwners ??= thingOwnersTable({ tableName: thingOwnersTableName() }));
}

let thingSubscriptions: ThingSubscriptionsStore | undefined;
/** Thing subscriptions live beside the connections they belong to (CONNECTIONS_TABLE). */
export function thingSubscriptionsStoreFromEnv(): ThingSubscriptionsStore {
  return (thingSubscriptions ??= thingSubscriptionsTable({ tableName: connectionsTableName() }));
}

let fanout: RealtimeFanout | undefined;
/** The realtime fan-out (domain/realtime-fanout.ts) over the connections table and the @connections API. */
export function realtimeFanoutFromEnv(): RealtimeFanout {
  const tableName = connectionsTableName();
  return (fanout ??= realtimeFanout({
    connections: connectionsStoreFromEnv(),
    gateway: connectionsGatewayFromEnv(),
    sequences: realtimeSequences({ tableName }),
    noteOrder: noteOrder({ tableName }),
    clock: systemClock,
  }));
}

let expiring: ExpiringConnections | undefined;
export function expiringConnectionsFromEnv(): ExpiringConnections {
  return (expiring ??= connectionExpiries({ tableName: connectionsTableName() }));
}

export type ConsumerDeps = DeliveryDeps & { realtime: RealtimeFanout };

let consumerDependencies: ConsumerDeps | undefined;
/**
 * The event consumers' dependencies: notificationsDeps and the realtime fan-out (kept apart, so the HTTP routes that
 * take notificationsDeps never bundle the @connections client).
 */
export function consumerDeps(): ConsumerDeps {
  return (consumerDependencies ??= dependencies({
    devices: devicesStoreFromEnv,
    inbox: inboxStoreFromEnv,
    push: pushGatewayFromEnv,
    clock: () => systemClock,
    newId: () => randomUUID,
    realtime: realtimeFanoutFromEnv,
    metrics: () => emfMetrics({ service: 'notifications' }),
  }));
}
