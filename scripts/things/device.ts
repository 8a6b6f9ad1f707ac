// One simulated device: connects with exactly what its credentials say (URL, client id, username, password,
// topics), publishes thermostat readings at a steady rate from a random phase (so a fleet does not fire all
// at once), subscribes to its desired-state topic and obeys it, reporting what it applied on its reported topic.
// The MQTT client sits behind `DeviceLink` so the schedule and the state handling run on fakes in unit tests;
// `mqttLink` is the real one (mqtt.js). Used by `npm run things:simulate` and the ingest benchmark.
import { connectAsync } from 'mqtt';
import type { DeviceCredentials } from './credentials';
import { createThermostat, type Thermostat } from './thermostat';

export interface LinkHandlers {
  message(topic: string, payload: Buffer): void;
  /** Connected again after a loss (the first connection is the `connect` promise). */
  reconnected(): void;
  /** The connection dropped; the link retries by itself. */
  lost(reason: string): void;
  /** The broker kept refusing the credentials on reconnect: the link gave up (rotated or deleted credentials). */
  refused(reason: string): void;
}

/** The slice of an MQTT client a device needs. */
export interface DeviceLink {
  readonly connected: boolean;
  publish(topic: string, payload: string, qos: 0 | 1): Promise<void>;
  /** Resolves with the granted QoS (128: refused). */
  subscribe(topic: string, qos: 0 | 1): Promise<number>;
  /** Disconnects: politely (DISCONNECT) unless `force`, which drops the socket and anything unacknowledged. */
  end(force: boolean): Promise<void>;
}

export type ConnectLink = (credentials: DeviceCredentials, handlers: LinkHandlers) => Promise<DeviceLink>;

export type DeviceEvent =
  | { type: 'published'; thingId: string; ts: number; payload: Record<string, number> }
  | { type: 'acked'; thingId: string; ts: number; ms: number }
  | { type: 'error'; thingId: string; message: string }
  | { type: 'desired'; thingId: string; version: number | null; reported: Record<string, unknown>; ignored: string[] }
  | { type: 'connection'; thingId: string; state: 'connected' | 'lost' | 'reconnected' | 'refused'; reason?: string };

export interface DeviceStats {
  /** Readings published (handed to the client). */
  sent: number;
  /** Readings the broker acknowledged (PUBACK, QoS 1) or that left the client (QoS 0). */
  acked: number;
  /** Failed publishes and subscriptions, refused or malformed desired state. */
  errors: number;
  /** Readings skipped while the connection was down. */
  skipped: number;
  /** Desired-state messages received. */
  desired: number;
  /** Reported-state messages published. */
  reported: number;
}

export interface DeviceOptions {
  thingId: string;
  credentials: DeviceCredentials;
  /** Readings a second (may be fractional). */
  rate: number;
  qos?: 0 | 1;
  thermostat?: Thermostat;
  connect?: ConnectLink;
  random?: () => number;
  now?: () => number;
  onEvent?: (event: DeviceEvent) => void;
}

export interface SimulatedDevice {
  readonly thingId: string;
  readonly thermostat: Thermostat;
  readonly connected: boolean;
  /** The broker refused this device's credentials on reconnect until its link gave up; `connect` starts over. */
  readonly refused: boolean;
  stats(): DeviceStats;
  /** Connects, subscribes to desired state and reports the device's state; rejects when refused. */
  connect(): Promise<void>;
  /** Publishes readings at `rate` a second from now on (a new rate replaces the old schedule). */
  startPublishing(rate?: number): void;
  stopPublishing(): void;
  /** Stops publishing and disconnects, waiting for outstanding acknowledgements. */
  stop(): Promise<void>;
}

export function createDevice(options: DeviceOptions): SimulatedDevice {
  const { thingId, credentials } = options;
  const qos = options.qos ?? 1;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const thermostat = options.thermostat ?? createThermostat({ random });
  const connect = options.connect ?? mqttLink;
  const emit = options.onEvent ?? (() => undefined);
  const stats: DeviceStats = { sent: 0, acked: 0, errors: 0, skipped: 0, desired: 0, reported: 0 };
  let link: DeviceLink | null = null;
  let refused = false;
  let timer: NodeJS.Timeout | null = null;
  let rate = options.rate;
  let lastTs = 0;
  const pending = new Set<Promise<void>>();

  const fail = (message: string) => {
    stats.errors += 1;
    emit({ type: 'error', thingId, message });
  };

  const track = (promise: Promise<void>) => {
    pending.add(promise);
    void promise.finally(() => pending.delete(promise));
  };

  const report = (reported: Record<string, unknown>) => {
    if (!link?.connected || Object.keys(reported).length === 0) return;
    stats.reported += 1;
    track(link.publish(credentials.topics.reported, JSON.stringify({ reported }), 1).catch((error: unknown) => fail(`report: ${describe(error)}`)));
  };

  const onMessage = (topic: string, payload: Buffer) => {
    if (topic !== credentials.topics.desired) return;
    stats.desired += 1;
    // An empty retained message is how the desired document is removed (the thing was deleted): nothing to apply.
    if (payload.length === 0) return;
    let message: unknown;
    try {
      message = JSON.parse(payload.toString('utf8'));
    } catch {
      return fail('desired state that is not JSON');
    }
    const body = typeof message === 'object' && message !== null ? (message as { version?: unknown; desired?: unknown }) : {};
    if (body.desired === undefined) return fail('desired state without a "desired" document');
    const outcome = thermostat.applyDesired(body.desired);
    if (outcome.ignored.length > 0) fail(`desired ${outcome.ignored.map((item) => `${item.key || 'state'}: ${item.reason}`).join('; ')}`);
    emit({ type: 'desired', thingId, version: typeof body.version === 'number' ? body.version : null, reported: outcome.reported, ignored: outcome.ignored.map((item) => item.key) });
    report(outcome.reported);
  };

  const publishReading = () => {
    if (!link?.connected) {
      stats.skipped += 1;
      return;
    }
    // A reading is identified by (thing, metric, ts): two in the same millisecond would be one.
    const ts = Math.max(now(), lastTs + 1);
    lastTs = ts;
    const reading = thermostat.read(ts);
    const payload = { temp: reading.temp, humidity: reading.humidity };
    stats.sent += 1;
    emit({ type: 'published', thingId, ts, payload });
    const started = now();
    track(
      link.publish(credentials.topics.telemetry, JSON.stringify({ ts, metrics: payload }), qos).then(
        () => {
          stats.acked += 1;
          emit({ type: 'acked', thingId, ts, ms: now() - started });
        },
        (error: unknown) => fail(`publish: ${describe(error)}`),
      ),
    );
  };

  const schedule = (periodMs: number, firstInMs: number) => {
    // Ticks are placed on a fixed grid from the first one, so timer lateness does not lower the rate.
    const origin = now() + firstInMs;
    let tick = 0;
    const next = () => {
      const due = origin + tick * periodMs;
      timer = setTimeout(() => {
        tick += 1;
        publishReading();
        next();
      }, Math.max(0, due - now()));
    };
    next();
  };

  return {
    thingId,
    thermostat,
    get connected() {
      return link?.connected ?? false;
    },
    get refused() {
      return refused;
    },
    stats: () => ({ ...stats }),
    async connect() {
      refused = false;
      link = await connect(credentials, {
        message: onMessage,
        reconnected: () => emit({ type: 'connection', thingId, state: 'reconnected' }),
        lost: (reason) => emit({ type: 'connection', thingId, state: 'lost', reason }),
        refused: (reason) => {
          refused = true;
          stats.errors += 1;
          emit({ type: 'connection', thingId, state: 'refused', reason });
        },
      });
      emit({ type: 'connection', thingId, state: 'connected' });
      const granted = await link.subscribe(credentials.topics.desired, 1);
      if (granted === 128) fail(`subscription to ${credentials.topics.desired} refused`);
      report(thermostat.reportedState());
    },
    startPublishing(next = rate) {
      if (!(next > 0) || !Number.isFinite(next)) throw new RangeError(`rate must be a positive number of readings a second, got ${next}`);
      this.stopPublishing();
      rate = next;
      const periodMs = 1000 / rate;
      schedule(periodMs, random() * periodMs);
    },
    stopPublishing() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
    async stop() {
      this.stopPublishing();
      // Outstanding acknowledgements get a moment; on a dead connection they never come.
      const settled = await Promise.race([Promise.allSettled([...pending]).then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), stopGraceMs).unref())]);
      const current = link;
      link = null;
      await current?.end(!settled || !current.connected);
    },
  };
}

const stopGraceMs = 3000;

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export interface MqttLinkOptions {
  /** Refused reconnects in a row before the link gives up (default 5). */
  refusalsBeforeGivingUp?: number;
  /** Between reconnects (default 2 s). */
  reconnectPeriodMs?: number;
}

/** CONNACK codes of refused credentials: MQTT 3.1.1 (4, 5) and 5 (134, 135). */
const refusalCodes = new Set([4, 5, 134, 135]);

/**
 * The real link: mqtt.js with a clean session, reconnecting every 2 s after a loss. A refused first CONNECT
 * rejects at once (wrong credentials). A refused reconnect is tried again a few times, as an authorizer can time out
 * under load, then the link gives up: rotated or deleted credentials stop a device instead of hammering the broker.
 */
export function mqttLinkWith(options: MqttLinkOptions = {}): ConnectLink {
  const refusalsBeforeGivingUp = options.refusalsBeforeGivingUp ?? 5;
  const reconnectPeriod = options.reconnectPeriodMs ?? 2000;
  return async (credentials, handlers) => {
    const client = await connectAsync(
      credentials.mqttUrl,
      {
        clientId: credentials.clientId,
        username: credentials.username,
        password: credentials.password,
        clean: true,
        keepalive: 30,
        reconnectPeriod,
        connectTimeout: 10_000,
        reconnectOnConnackError: true,
      },
      false,
    );
    let lostReason = 'connection closed';
    let refusals = 0;
    client.on('error', (error) => {
      lostReason = error.message;
      const code = (error as { code?: unknown }).code;
      if (typeof code !== 'number' || !refusalCodes.has(code)) return;
      refusals += 1;
      if (refusals < refusalsBeforeGivingUp) return;
      client.end(true);
      handlers.refused(`${error.message} ${refusals} times in a row`);
    });
    client.on('close', () => {
      handlers.lost(lostReason);
      lostReason = 'connection closed';
    });
    client.on('connect', () => {
      refusals = 0;
      handlers.reconnected();
    });
    client.on('message', (topic, payload) => handlers.message(topic, payload));
    return {
      get connected() {
        return client.connected;
      },
      async publish(topic, payload, qos) {
        await client.publishAsync(topic, payload, { qos });
      },
      async subscribe(topic, qos) {
        try {
          const [grant] = await client.subscribeAsync(topic, { qos });
          return grant?.qos ?? 128;
        } catch (error) {
          // mqtt.js rejects a subscription whose SUBACK carries the failure code.
          const granted = (error as { packet?: { granted?: number[] } }).packet?.granted;
          if (granted?.[0] === 128) return 128;
          throw error;
        }
      },
      async end(force) {
        await client.endAsync(force);
      },
    };
  };
}

export const mqttLink: ConnectLink = mqttLinkWith();
