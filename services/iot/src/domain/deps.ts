// What every iot operation is given: stores, the device plane, the alert and thing-event publishers, config, and the clock
// and id source (injected so unit tests control them).
import type { CredentialKeys, DeviceEndpoint } from './credentials';
import type { AlertPublisher, AlertRulesStore, DevicePlane, DevicesStore, StateStore, TelemetryStore, ThingEventsPublisher, ThingsStore } from './ports';
import type { Retention } from './resolutions';

export interface IotConfig {
  retention: Retention;
  endpoint: DeviceEndpoint;
  credentialKeys: CredentialKeys;
}

export interface IotDeps {
  things: ThingsStore;
  devices: DevicesStore;
  states: StateStore;
  alertRules: AlertRulesStore;
  telemetry: TelemetryStore;
  plane: DevicePlane;
  alerts: AlertPublisher;
  /** What apps see of things, live (the notifications service's realtime channel). */
  thingEvents: ThingEventsPublisher;
  config: IotConfig;
  now(): Date;
  /** A random UUID. */
  newId(): string;
  /** Waits before retrying a write that lost a race; defaults to a short jittered pause. */
  pause?(attempt: number): Promise<void>;
}

export interface Caller {
  userId: string;
}

/** Optimistic writes retry after losing a race; a record that keeps changing this often fails the request. */
export const maxWriteAttempts = 10;

export async function pauseBeforeRetry(deps: Pick<IotDeps, 'pause'>, attempt: number): Promise<void> {
  if (deps.pause) return deps.pause(attempt);
  // Full jitter, so writers that collided do not collide again in step.
  await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(200, 10 * 2 ** attempt)));
}
