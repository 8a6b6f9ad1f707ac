// The realtime channel's thing messages (API.md "Realtime"), built from the thing-events contracts:
// thing.state for the owner's connections (numbered with the user's seq by the fan-out), thing.telemetry for the
// connections that subscribed to the thing (no seq).
import type { ThingStateData, ThingTelemetryData } from '@photonotes/shared/contracts/thing-events';

type Picture = Exclude<ThingStateData, { change: 'deleted' }>;

export interface ThingStateMessage {
  type: 'thing.state';
  thingId: string;
  online: boolean;
  state: Picture['state'];
}

export interface ThingTelemetryMessage {
  type: 'thing.telemetry';
  thingId: string;
  at: string;
  metrics: Record<string, number>;
}

export function thingStateMessage(picture: Picture): ThingStateMessage {
  return { type: 'thing.state', thingId: picture.thingId, online: picture.online, state: picture.state };
}

export function thingTelemetryMessage(data: ThingTelemetryData): ThingTelemetryMessage {
  const metrics: Record<string, number> = {};
  // defineProperty, so a metric named "__proto__" is an ordinary key of the message (and of its JSON).
  for (const { name, value } of data.metrics) Object.defineProperty(metrics, name, { value, enumerable: true, writable: true, configurable: true });
  return { type: 'thing.telemetry', thingId: data.thingId, at: data.at, metrics };
}
