// Delivers one notification to one user: exactly one inbox entry and one push per device, however often the
// event arrives. The first attempt claims the delivery (marker + inbox entry in one conditional write); every
// attempt then pushes to the devices the marker does not list yet and records them. A push that fails is
// retried with the event; a device the push service no longer accepts is removed. A request may also ask to be
// the only one of its kind for a while (`onceWithin`: note.shared once per note and recipient in 24 h): the claim
// then also takes that window, in the same write, and a request that finds it taken is suppressed. The attempt that
// wrote the entry also sends it to the recipient's open apps (the realtime `notification` message); repeats do not.
import type { Logger } from '@photonotes/shared/log';
import type { Metrics } from '@photonotes/shared/metrics';
import type { Device } from './device';
import { removeEndpointQuietly } from './devices';
import { notificationId, toNotificationView } from './notification';
import type { Notification, NotificationContent } from './notification';
import type { NotificationsDeps, PushMessage } from './ports';
import type { RealtimeFanout } from './realtime-fanout';

/** What delivering takes: the stores and the push service, the realtime fan-out for new entries, and the metrics. */
export interface DeliveryDeps extends NotificationsDeps {
  realtime: Pick<RealtimeFanout, 'sendToUsers'>;
  /** PushesSent and PushesFailed, per push attempted. */
  metrics: Metrics;
}

export interface NotificationRequest {
  /** The event this notification comes from: with the recipient, it identifies the delivery. */
  eventId: string;
  recipient: string;
  content: NotificationContent;
  /** At most one delivery per `key` within `seconds`, whatever events ask for more (each still delivered once). */
  onceWithin?: { key: string; seconds: number };
}

export interface DeliveryResult {
  /** `suppressed`: another delivery of the same `onceWithin` key was made within its window. */
  status: 'delivered' | 'duplicate' | 'suppressed';
  /** Null when a repeat found the entry gone. */
  notificationId: string | null;
  pushed: number;
  removedDevices: number;
}

/** Long enough to outlive every retry of an event (SNS async retries, stream records' 24 h retention). */
export const deliveryMarkerTtlSeconds = 7 * 24 * 3600;
const pushParallelism = 10;

/** The delivery's key: one per event and recipient. */
export function deliveryKey(request: Pick<NotificationRequest, 'eventId' | 'recipient'>): string {
  return `${request.eventId}\n${request.recipient}`;
}

function pushMessage(notification: Notification): PushMessage {
  return {
    notificationId: notification.id,
    title: notification.title,
    body: notification.body,
    data: { ...notification.data, type: notification.type, notificationId: notification.id },
  };
}

async function inBatches<T, R>(items: T[], size: number, fn: (item: T) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = [];
  for (let i = 0; i < items.length; i += size) results.push(...(await Promise.allSettled(items.slice(i, i + size).map(fn))));
  return results;
}

export async function deliver(request: NotificationRequest, deps: DeliveryDeps, log: Logger): Promise<DeliveryResult> {
  const now = deps.clock.now();
  const key = deliveryKey(request);
  const candidate: Notification = {
    id: notificationId(now, deps.newId()),
    userId: request.recipient,
    ...request.content,
    createdAt: now.toISOString(),
    readAt: null,
  };
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const window = request.onceWithin && { key: request.onceWithin.key, now: nowSeconds, until: nowSeconds + request.onceWithin.seconds };
  const delivery = await deps.inbox.claim(key, candidate, nowSeconds + deliveryMarkerTtlSeconds, window);
  if (delivery.suppressed) return { status: 'suppressed', notificationId: null, pushed: 0, removedDevices: 0 };
  const notification = delivery.notification;
  const status = delivery.claimed ? 'delivered' : 'duplicate';
  // Best effort and never throws (realtime-fanout.ts): beside the pushes, awaited before the delivery ends.
  const live =
    delivery.claimed && notification
      ? deps.realtime.sendToUsers([request.recipient], { type: 'notification', notification: toNotificationView(notification) }, { seq: true, log })
      : undefined;
  try {
    if (delivery.complete || !notification) return { status: 'duplicate', notificationId: notification?.id ?? null, pushed: 0, removedDevices: 0 };
    return await pushAll(request, notification, status, delivery.pushedTo, key, deps, log);
  } finally {
    await live;
  }
}

async function pushAll(
  request: NotificationRequest,
  notification: Notification,
  status: DeliveryResult['status'],
  pushedTo: string[],
  key: string,
  deps: DeliveryDeps,
  log: Logger,
): Promise<DeliveryResult> {
  const pushedBefore = new Set(pushedTo);
  const devices = (await deps.devices.listAll(request.recipient)).filter((device) => !pushedBefore.has(device.deviceId));
  const message = pushMessage(notification);
  const outcomes = await inBatches(devices, pushParallelism, async (device: Device) => {
    const outcome = await deps.push.send(device, message);
    if (outcome === 'gone') {
      log.info('Removing a device the push service no longer accepts', { deviceId: device.deviceId, userId: device.userId });
      if (await deps.devices.remove(device)) await removeEndpointQuietly(device, deps, log);
    }
    return outcome;
  });

  const handled = devices.filter((_, index) => outcomes[index]?.status === 'fulfilled').map((device) => device.deviceId);
  const failures = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
  const removedDevices = outcomes.filter((outcome) => outcome.status === 'fulfilled' && outcome.value === 'gone').length;
  deps.metrics.count('PushesSent', handled.length - removedDevices);
  deps.metrics.count('PushesFailed', failures.length);
  await deps.inbox.recordPushes(key, handled, failures.length === 0);
  if (failures.length > 0) {
    throw new AggregateError(failures, `${failures.length} of ${devices.length} pushes failed; the event is retried for them`);
  }
  return { status, notificationId: notification.id, pushed: handled.length - removedDevices, removedDevices };
}

/** Delivers to several recipients side by side; every one is attempted before a failure is raised. */
export async function deliverAll(requests: NotificationRequest[], deps: DeliveryDeps, log: Logger): Promise<DeliveryResult[]> {
  const outcomes = await inBatches(requests, pushParallelism, (request) => deliver(request, deps, log.child({ recipient: request.recipient })));
  const failures = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new AggregateError(failures, `${failures.length} of ${requests.length} deliveries failed`);
  return outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
}
