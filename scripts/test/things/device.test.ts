// A simulated device on a fake MQTT link: its publishing schedule, payloads, desired state and shutdown.
import type { DeviceCredentials } from '../../things/credentials';
import { createDevice, type ConnectLink, type DeviceEvent, type DeviceLink, type LinkHandlers } from '../../things/device';
import { seededRandom } from '../../seeded-random';
import { createThermostat } from '../../things/thermostat';

const thingId = '0f8b7e1c-0000-4000-8000-000000000001';
const credentials: DeviceCredentials = {
  mqttUrl: 'mqtt://localhost:1883',
  clientId: thingId,
  username: thingId,
  password: 'pw',
  topics: { telemetry: `things/${thingId}/telemetry`, reported: `things/${thingId}/state/reported`, desired: `things/${thingId}/state/desired` },
};

interface FakeLink extends DeviceLink {
  connected: boolean;
  published: Array<{ topic: string; body: Record<string, unknown>; qos: number }>;
  subscribed: Array<{ topic: string; qos: number }>;
  ended: boolean[];
  handlers: LinkHandlers;
  /** What the next publishes do: settle at once (default), fail, or never settle. */
  publishOutcome: 'ack' | 'fail' | 'hang';
  grant: number;
}

function fakeLink(): { link: FakeLink; connect: ConnectLink; given: DeviceCredentials[] } {
  const given: DeviceCredentials[] = [];
  const link: FakeLink = {
    connected: true,
    published: [],
    subscribed: [],
    ended: [],
    handlers: { message: () => undefined, reconnected: () => undefined, lost: () => undefined, refused: () => undefined },
    publishOutcome: 'ack',
    grant: 1,
    publish(topic, payload, qos) {
      link.published.push({ topic, body: JSON.parse(payload) as Record<string, unknown>, qos });
      if (link.publishOutcome === 'fail') return Promise.reject(new Error('client disconnecting'));
      if (link.publishOutcome === 'hang') return new Promise(() => undefined);
      return Promise.resolve();
    },
    subscribe(topic, qos) {
      link.subscribed.push({ topic, qos });
      return Promise.resolve(link.grant);
    },
    end(force) {
      link.ended.push(force);
      link.connected = false;
      return Promise.resolve();
    },
  };
  const connect: ConnectLink = (creds, handlers) => {
    given.push(creds);
    link.handlers = handlers;
    return Promise.resolve(link);
  };
  return { link, connect, given };
}

const telemetry = (link: FakeLink) => link.published.filter((message) => message.topic === credentials.topics.telemetry);
const reports = (link: FakeLink) => link.published.filter((message) => message.topic === credentials.topics.reported);
const desiredMessage = (body: unknown) => Buffer.from(JSON.stringify(body));

beforeEach(() => {
  jest.useFakeTimers({ now: 1_800_000_000_000 });
});

afterEach(() => {
  jest.useRealTimers();
});

describe('a simulated device', () => {
  it('connects with exactly its credentials, subscribes to its desired topic and reports its state', async () => {
    // Prepare
    const { link, connect, given } = fakeLink();
    const device = createDevice({ thingId, credentials, rate: 1, connect, thermostat: createThermostat({ setpoint: 20 }) });

    // Act
    await device.connect();

    // Assess
    expect(given).toEqual([credentials]);
    expect(link.subscribed).toEqual([{ topic: credentials.topics.desired, qos: 1 }]);
    expect(reports(link).map((message) => message.body)).toEqual([{ reported: { targetTemp: 20, model: 'photonotes-sim-thermostat', firmware: '1.0.0' } }]);
  });

  it('publishes readings at its rate from a random phase, each with its own increasing ts', async () => {
    // Prepare
    const { link, connect } = fakeLink();
    const events: DeviceEvent[] = [];
    const device = createDevice({ thingId, credentials, rate: 2, connect, random: () => 0.5, onEvent: (event) => events.push(event) });
    await device.connect();
    const started = Date.now();

    // Act
    device.startPublishing();
    await jest.advanceTimersByTimeAsync(2000);

    // Assess: the first after half a period (250 ms), then every 500 ms.
    const sent = telemetry(link);
    expect(sent.map((message) => (message.body.ts as number) - started)).toEqual([250, 750, 1250, 1750]);
    expect(sent.every((message) => message.qos === 1)).toBe(true);
    expect(Object.keys(sent[0]?.body.metrics as object).sort()).toEqual(['humidity', 'temp']);
    expect(device.stats()).toMatchObject({ sent: 4, acked: 4, errors: 0, skipped: 0 });
    expect(events.filter((event) => event.type === 'acked')).toHaveLength(4);
  });

  it('keeps its rate when a new one replaces it, and stops publishing when told', async () => {
    // Prepare
    const { link, connect } = fakeLink();
    const device = createDevice({ thingId, credentials, rate: 1, connect, random: () => 0 });
    await device.connect();
    device.startPublishing();
    await jest.advanceTimersByTimeAsync(1000);

    // Act
    device.startPublishing(10);
    await jest.advanceTimersByTimeAsync(1000);
    device.stopPublishing();
    const before = telemetry(link).length;
    await jest.advanceTimersByTimeAsync(5000);

    // Assess
    // At 0 and 1000 ms at one a second, then from 1000 to 2000 ms at ten a second.
    expect(before).toBe(2 + 11);
    expect(telemetry(link)).toHaveLength(before);
  });

  it('obeys desired state: a new targetTemp moves its setpoint and is reported back', async () => {
    // Prepare
    const { link, connect } = fakeLink();
    const events: DeviceEvent[] = [];
    const device = createDevice({ thingId, credentials, rate: 1, connect, thermostat: createThermostat({ setpoint: 21, random: seededRandom(1) }), onEvent: (event) => events.push(event) });
    await device.connect();

    // Act
    link.handlers.message(credentials.topics.desired, desiredMessage({ version: 3, desired: { targetTemp: 25 } }));

    // Assess
    expect(device.thermostat.setpoint).toBe(25);
    expect(reports(link).at(-1)?.body).toEqual({ reported: { targetTemp: 25 } });
    expect(events).toContainEqual({ type: 'desired', thingId, version: 3, reported: { targetTemp: 25 }, ignored: [] });
    expect(device.stats()).toMatchObject({ desired: 1, reported: 2, errors: 0 });
  });

  it('counts desired state it cannot apply as an error and reports the setpoint it keeps', async () => {
    // Prepare
    const { link, connect } = fakeLink();
    const device = createDevice({ thingId, credentials, rate: 1, connect, thermostat: createThermostat({ setpoint: 21 }) });
    await device.connect();

    // Act
    link.handlers.message(credentials.topics.desired, desiredMessage({ version: 4, desired: { targetTemp: 99 } }));
    link.handlers.message(credentials.topics.desired, Buffer.from('not json'));
    link.handlers.message(credentials.topics.desired, desiredMessage({ version: 5 }));
    link.handlers.message(credentials.topics.desired, Buffer.alloc(0));

    // Assess: the empty retained message (desired state removed) is no error.
    expect(device.thermostat.setpoint).toBe(21);
    expect(reports(link).at(-1)?.body).toEqual({ reported: { targetTemp: 21 } });
    expect(device.stats()).toMatchObject({ desired: 4, errors: 3 });
  });

  it('ignores messages on other topics', async () => {
    // Prepare
    const { link, connect } = fakeLink();
    const device = createDevice({ thingId, credentials, rate: 1, connect });
    await device.connect();

    // Act
    link.handlers.message('things/other/state/desired', desiredMessage({ version: 1, desired: { targetTemp: 30 } }));

    // Assess
    expect(device.thermostat.setpoint).toBe(21);
    expect(device.stats().desired).toBe(0);
  });

  it('counts a refused subscription, failed publishes and readings skipped while offline', async () => {
    // Prepare
    const { link, connect } = fakeLink();
    link.grant = 128;
    const device = createDevice({ thingId, credentials, rate: 1, connect, random: () => 0 });
    await device.connect();
    device.startPublishing();

    // Act
    link.publishOutcome = 'fail';
    await jest.advanceTimersByTimeAsync(1500);
    link.connected = false;
    await jest.advanceTimersByTimeAsync(2000);

    // Assess
    expect(device.stats()).toMatchObject({ sent: 2, acked: 0, errors: 1 + 2, skipped: 2 });
  });

  it('tells when its link gave up on refused credentials, and connects afresh when asked', async () => {
    // Prepare
    const { link, connect, given } = fakeLink();
    const events: DeviceEvent[] = [];
    const device = createDevice({ thingId, credentials, rate: 1, connect, onEvent: (event) => events.push(event) });
    await device.connect();

    // Act
    link.connected = false;
    link.handlers.refused('Connection refused: Not authorized 5 times in a row');
    const refusedBefore = device.refused;
    link.connected = true;
    await device.connect();

    // Assess
    expect(refusedBefore).toBe(true);
    expect(events).toContainEqual({ type: 'connection', thingId, state: 'refused', reason: 'Connection refused: Not authorized 5 times in a row' });
    expect(device.stats().errors).toBe(1);
    expect(device.refused).toBe(false);
    expect(given).toHaveLength(2);
  });

  it('stops by waiting for its acknowledgements and disconnecting politely', async () => {
    // Prepare
    const { link, connect } = fakeLink();
    const device = createDevice({ thingId, credentials, rate: 1, connect, random: () => 0 });
    await device.connect();
    device.startPublishing();
    await jest.advanceTimersByTimeAsync(10);

    // Act
    await device.stop();
    await jest.advanceTimersByTimeAsync(5000);

    // Assess
    expect(link.ended).toEqual([false]);
    expect(telemetry(link)).toHaveLength(1);
  });

  it('drops the connection after a grace period when acknowledgements never come', async () => {
    // Prepare
    const { link, connect } = fakeLink();
    const device = createDevice({ thingId, credentials, rate: 1, connect, random: () => 0 });
    await device.connect();
    link.publishOutcome = 'hang';
    device.startPublishing();
    await jest.advanceTimersByTimeAsync(10);

    // Act
    const stopping = device.stop();
    await jest.advanceTimersByTimeAsync(3000);
    await stopping;

    // Assess
    expect(link.ended).toEqual([true]);
  });

  it('refuses a rate that is not a positive number', async () => {
    // Prepare
    const { connect } = fakeLink();
    const device = createDevice({ thingId, credentials, rate: 1, connect });
    await device.connect();

    // Act, Assess
    expect(() => device.startPublishing(0)).toThrow('rate must be a positive number of readings a second, got 0');
    expect(() => device.startPublishing(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});
