// Domain dependencies for unit tests: in-memory stores, a recording device plane and alert publisher, a
// recorder of thing events, a clock that moves only when told, predictable ids, a fixed credential secret, and no retry pauses.
import type { ThingStateData, ThingTelemetryData } from '@photonotes/shared/contracts/thing-events';
import { fakeMetrics } from '@photonotes/shared/metrics';
import type { FakeMetrics } from '@photonotes/shared/metrics';
import type { FiredAlert } from '../../../src/domain/alerts';
import type { IotDeps } from '../../../src/domain/deps';
import type { DesiredMessage } from '../../../src/domain/state';
import { defaultRetention } from '../../../src/domain/resolutions';
import { FakeTelemetry } from './fake-telemetry';
import { FakeIot } from './fake-things';

export const owner = { userId: 'owner-1' };
export const stranger = { userId: 'stranger-1' };

export class RecordingPlane {
  readonly retained = new Map<string, DesiredMessage>();
  readonly published: Array<{ thingId: string; message: DesiredMessage }> = [];
  readonly disconnected: string[] = [];
  readonly cleared: string[] = [];
  failDisconnect = false;

  async publishDesired(thingId: string, message: DesiredMessage): Promise<void> {
    this.published.push({ thingId, message: structuredClone(message) });
    this.retained.set(thingId, structuredClone(message));
  }

  async clearDesired(thingId: string): Promise<void> {
    this.cleared.push(thingId);
    this.retained.delete(thingId);
  }

  async disconnect(thingId: string): Promise<void> {
    if (this.failDisconnect) throw new Error('data plane unreachable');
    this.disconnected.push(thingId);
  }
}

export class RecordingPublisher {
  readonly published: FiredAlert[] = [];
  /** Publishing fails this many more times. */
  failures = 0;

  async publish(alert: FiredAlert): Promise<void> {
    if (this.failures > 0) {
      this.failures--;
      throw new Error('topic unreachable');
    }
    this.published.push(structuredClone(alert));
  }
}

/** thing.state and thing.telemetry as published, in order; a failure can be scheduled for either. */
export class RecordingThingEvents {
  readonly states: ThingStateData[] = [];
  readonly readings: ThingTelemetryData[] = [];
  /** The next this-many publishes of each kind fail. */
  failures = { state: 0, telemetry: 0 };

  async state(data: ThingStateData): Promise<void> {
    if (this.failures.state > 0) {
      this.failures.state--;
      throw new Error('topic unreachable');
    }
    this.states.push(structuredClone(data));
  }

  async telemetry(data: ThingTelemetryData): Promise<void> {
    if (this.failures.telemetry > 0) {
      this.failures.telemetry--;
      throw new Error('topic unreachable');
    }
    this.readings.push(structuredClone(data));
  }
}

export const testSecret = 'unit-test-device-credential-secret';

export interface TestDeps {
  /** With the metrics the telemetry ingest records. */
  deps: IotDeps & { metrics: FakeMetrics };
  store: FakeIot;
  telemetry: FakeTelemetry;
  plane: RecordingPlane;
  publisher: RecordingPublisher;
  thingEvents: RecordingThingEvents;
  clock: { now: Date; advance(ms: number): void };
  metrics: FakeMetrics;
}

export function testDeps(start = '2026-11-28T09:00:00.000Z'): TestDeps {
  const store = new FakeIot();
  const telemetry = new FakeTelemetry((thingId) => store.ruleItems.get(thingId));
  const plane = new RecordingPlane();
  const publisher = new RecordingPublisher();
  const thingEvents = new RecordingThingEvents();
  const clock = {
    now: new Date(start),
    advance(ms: number) {
      clock.now = new Date(clock.now.getTime() + ms);
    },
  };
  let ids = 0;
  let random = 0;
  const metrics = fakeMetrics();
  const deps: IotDeps & { metrics: FakeMetrics } = {
    things: store.things,
    devices: store.devices,
    states: store.states,
    alertRules: store.alertRules,
    telemetry,
    plane,
    alerts: publisher,
    thingEvents,
    config: {
      retention: defaultRetention,
      endpoint: { mqttUrl: 'mqtt://localhost:1883', usernameFormat: '{thingId}' },
      credentialKeys: { secret: testSecret, random: (size) => Buffer.alloc(size, ++random) },
    },
    now: () => clock.now,
    newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
    pause: async () => {},
    metrics,
  };
  return { deps, store, telemetry, plane, publisher, thingEvents, clock, metrics };
}

export { seededRandom, shuffle } from '../../support/random';

export async function thrownBy(action: () => Promise<unknown>): Promise<unknown> {
  try {
    await action();
  } catch (err) {
    return err;
  }
  throw new Error('expected the action to throw');
}
