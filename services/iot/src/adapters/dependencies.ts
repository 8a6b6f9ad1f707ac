// How the iot functions get their dependencies (README, "Wiring a service"): a getter per capability, built on
// first use and kept for the container's life, each reading its own environment variables. Getters are function
// declarations, so esbuild drops the ones a function does not use (the read routes never bundle the data plane).
import { randomUUID } from 'node:crypto';
import { dependencies } from '@photonotes/shared/dependencies';
import { requireEnv } from '@photonotes/shared/env';
import { emfMetrics } from '@photonotes/shared/metrics-emf';
import type { IotConfig, IotDeps } from '../domain/deps';
import type { AlertPublisher, AlertRulesStore, DevicePlane, DevicesStore, StateStore, TelemetryStore, ThingEventsPublisher, ThingsStore } from '../domain/ports';
import { thingEventsTopic } from './alert-publisher';
import { alertRulesStore } from './alert-rules-store';
import { iotConfigFromEnv } from './config';
import { dataPlaneClient, devicePlane } from './device-plane';
import { deviceStore } from './device-store';
import { stateStore } from './state-store';
import { telemetryTable } from './telemetry-table';
import { thingEventsPublisher } from './thing-events-publisher';
import { thingsTable } from './things-table';

export function thingsTableName(): string {
  return requireEnv('THINGS_TABLE');
}

export function telemetryTableName(): string {
  return requireEnv('TELEMETRY_TABLE');
}

let things: ThingsStore | undefined;
export function thingsStoreFromEnv(): ThingsStore {
  return (things ??= thingsTable({ tableName: thingsTableName() }));
}

let devices: DevicesStore | undefined;
export function devicesStoreFromEnv(): DevicesStore {
  return (devices ??= deviceStore({ tableName: thingsTableName() }));
}

let states: StateStore | undefined;
export function stateStoreFromEnv(): StateStore {
  return (states ??= stateStore({ tableName: thingsTableName() }));
}

let alertRules: AlertRulesStore | undefined;
export function alertRulesStoreFromEnv(): AlertRulesStore {
  return (alertRules ??= alertRulesStore({ tableName: thingsTableName() }));
}

let telemetry: TelemetryStore | undefined;
export function telemetryStoreFromEnv(): TelemetryStore {
  return (telemetry ??= telemetryTable({ thingsTableName: thingsTableName(), telemetryTableName: telemetryTableName() }));
}

let plane: DevicePlane | undefined;
/** IOT_DATA_ENDPOINT: the account's iot:Data-ATS endpoint deployed, the platform's IoT twin locally. */
export function devicePlaneFromEnv(): DevicePlane {
  return (plane ??= devicePlane(dataPlaneClient(requireEnv('IOT_DATA_ENDPOINT'))));
}

let alerts: AlertPublisher | undefined;
export function alertPublisherFromEnv(): AlertPublisher {
  return (alerts ??= thingEventsTopic(requireEnv('THING_EVENTS_TOPIC_ARN')));
}

let thingEvents: ThingEventsPublisher | undefined;
export function thingEventsPublisherFromEnv(): ThingEventsPublisher {
  return (thingEvents ??= thingEventsPublisher(requireEnv('THING_EVENTS_TOPIC_ARN')));
}

let config: IotConfig | undefined;
export function iotConfig(): IotConfig {
  return (config ??= iotConfigFromEnv());
}

const clock = () => () => new Date();
const ids = () => () => randomUUID();

/** The registry's part: things, their device records, state, rules and telemetry reads. */
export function registryDeps() {
  return dependencies({
    things: thingsStoreFromEnv,
    devices: devicesStoreFromEnv,
    states: stateStoreFromEnv,
    alertRules: alertRulesStoreFromEnv,
    telemetry: telemetryStoreFromEnv,
    config: iotConfig,
    now: clock,
    newId: ids,
  });
}

/** POST /things: the registry and the thing.state announcement of the new thing. */
export function creationDeps() {
  return dependencies({
    things: thingsStoreFromEnv,
    thingEvents: thingEventsPublisherFromEnv,
    config: iotConfig,
    now: clock,
    newId: ids,
  });
}

/** The telemetry purge of a removed thing: its registry record (is it really gone?), its series, and its thing.state `deleted`. */
export function purgeDeps() {
  return dependencies({
    things: thingsStoreFromEnv,
    telemetry: telemetryStoreFromEnv,
    thingEvents: thingEventsPublisherFromEnv,
  });
}

/** The telemetry rule's function: what storing a device message takes, and the metrics it records. */
export function ingestDeps() {
  return dependencies({
    devices: devicesStoreFromEnv,
    telemetry: telemetryStoreFromEnv,
    alerts: alertPublisherFromEnv,
    thingEvents: thingEventsPublisherFromEnv,
    config: iotConfig,
    metrics: () => emfMetrics({ service: 'iot' }),
  });
}

/** Everything, for the routes and consumers that touch devices (the data plane) or publish alerts. */
export function iotDeps(): IotDeps {
  return dependencies({
    things: thingsStoreFromEnv,
    devices: devicesStoreFromEnv,
    states: stateStoreFromEnv,
    alertRules: alertRulesStoreFromEnv,
    telemetry: telemetryStoreFromEnv,
    plane: devicePlaneFromEnv,
    alerts: alertPublisherFromEnv,
    thingEvents: thingEventsPublisherFromEnv,
    config: iotConfig,
    now: clock,
    newId: ids,
  });
}
