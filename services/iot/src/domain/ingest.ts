// A telemetry message from a device: parsed, admitted by the thing's rate window, then its metrics stored and
// judged against the thing's alert rules in one write (series.ts), and the firings published. Whatever is
// wrong with a message drops it with a reason (counted and logged by the caller); it never throws for bad
// input, so a malformed message cannot stall the ones behind it. It throws only when storage or publishing
// fails, and then the redelivery stores nothing twice and publishes what is still pending. A message that stored
// something is then published as thing.telemetry for apps watching the thing live (best effort, see below).
import type { Metrics } from '@photonotes/shared/metrics';
import type { FiredAlert } from './alerts';
import type { IotDeps } from './deps';
import type { DropReason } from './device-message';
import { maxMessagesPerSecond } from './rate-limit';
import type { ReadingOutcome } from './series';
import { recordReadings } from './series';
import { parseTelemetryMessage } from './telemetry-message';
import { normaliseThingId } from './thing';

export interface DeviceMessage {
  /** From the topic (`things/{thingId}/...`). */
  thingId: string;
  payload: string | Uint8Array;
  /** Epoch ms at the broker. */
  receivedAt: number;
}

export type Dropped = { status: 'dropped'; reason: DropReason; detail?: string };

/** `streamed`: the message went out as thing.telemetry (false when it stored nothing new, or the publish failed). */
export type IngestOutcome = Dropped | { status: 'stored'; readings: Record<ReadingOutcome, number>; published: number; streamed: boolean; streamError?: unknown };

/** `metrics`: TelemetryStored and TelemetryDropped, per device message (only this function records them, so only it bundles them). */
export type IngestDeps = Pick<IotDeps, 'devices' | 'telemetry' | 'alerts' | 'thingEvents' | 'config' | 'pause'> & { metrics: Metrics };

/** Counts every message as TelemetryStored or TelemetryDropped once its outcome is known (a throw counts neither: it is delivered again). */
export async function ingestTelemetry(message: DeviceMessage, deps: IngestDeps): Promise<IngestOutcome> {
  const outcome = await ingest(message, deps);
  deps.metrics.count(outcome.status === 'stored' ? 'TelemetryStored' : 'TelemetryDropped');
  return outcome;
}

async function ingest(message: DeviceMessage, deps: IngestDeps): Promise<IngestOutcome> {
  const thingId = normaliseThingId(message.thingId);
  if (thingId === undefined) return { status: 'dropped', reason: 'unknown_thing' };
  const parsed = parseTelemetryMessage(message.payload, { receivedAt: message.receivedAt, retention: deps.config.retention });
  if (!parsed.ok) return { status: 'dropped', reason: parsed.reason, ...(parsed.detail === undefined ? {} : { detail: parsed.detail }) };
  const admission = await deps.devices.admit(thingId, message.receivedAt, maxMessagesPerSecond);
  if (!admission.admitted) return { status: 'dropped', reason: admission.reason };

  const { ts, metrics } = parsed.value;
  const recorded = await recordReadings(
    { thingId, ownerId: admission.ownerId, ts, receivedAt: message.receivedAt, readings: metrics.map(({ name, value }) => ({ metric: name, value })) },
    deps,
  );

  const readings: Record<ReadingOutcome, number> = { inserted: 0, replaced: 0, unchanged: 0 };
  let published = 0;
  for (const { metric, outcome, toPublish } of recorded) {
    readings[outcome]++;
    if (toPublish.length === 0) continue;
    await publishAll(toPublish, deps);
    await deps.telemetry.acknowledge({ thingId, metric }, toPublish.map((fired) => fired.id));
    published += toPublish.length;
  }
  if (readings.inserted + readings.replaced === 0) return { status: 'stored', readings, published, streamed: false };
  // One thing.telemetry per stored message, whether or not anyone watches: iot cannot know (who is watching is the
  // notifications service's), and SNS bills a publish (≤ 64 KB) at about a fifth of this message's Lambda invocation
  // plus its four-plus-item write. The cheaper design, for when telemetry volume makes it worth a contract: a watch
  // lease (notifications announces "thing X watched until T" when an app subscribes; iot keeps it on the device record,
  // which admit() already updates, and publishes only inside the lease). Not built yet: it needs a topic notifications
  // publishes and iot reads, while notifications already reads iot's thing-events (the stacks would import each
  // other's exports), and a lease that lapses while an app watches. After the store and the alerts, and best
  // effort: a failure is reported, not thrown, since a redelivery would store nothing new and so stream nothing either.
  try {
    await deps.thingEvents.telemetry({ thingId, ownerId: admission.ownerId, at: new Date(ts).toISOString(), metrics: metrics.map(({ name, value }) => ({ name, value })) });
    return { status: 'stored', readings, published, streamed: true };
  } catch (err) {
    return { status: 'stored', readings, published, streamed: false, streamError: err };
  }
}

async function publishAll(alerts: FiredAlert[], deps: Pick<IotDeps, 'alerts'>): Promise<void> {
  for (const alert of alerts) await deps.alerts.publish(alert);
}
