// A small ledgered traffic generator for the fault drills (faults.test.ts), until the load part's workload
// (support/workload.ts) takes its place: a few users create, edit and share notes over HTTP as an offline-first app
// does (a client-chosen id, every write retried until it is acknowledged), a few things publish QoS 1 telemetry.
// Every answer is classified by whether an outage was under way when it came; every acknowledged write is in the
// ledger, and `check` reads it back from every read model it must reach.
import { randomUUID } from 'node:crypto';
import { connect, type MqttClient } from 'mqtt';
import { baseUrl, type ApiResponse } from '../../support/api';
import type { TestUser } from '../../support/users';

/** An answer slower than this is a hang (well under the 10 s function timeout plus the gateway's own). */
export const hangMs = 10_000;

export interface Answer {
  status: number;
  ms: number;
  /** A JSON error body with the contract's shape and an x-request-id header. */
  wellFormed: boolean;
  duringOutage: boolean;
  label: string;
}

export interface NoteLedger {
  id: string;
  owner: TestUser;
  /** A word only this note has, to find it through search. */
  word: string;
  title: string;
  sharedWith: TestUser | null;
}

export interface ThingLedger {
  thingId: string;
  owner: TestUser;
  /** Epoch ms of every reading the broker acknowledged (PUBACK). */
  acknowledged: number[];
}

/** Is an outage (or its recovery) under way now? Set by the drill. */
export interface OutageClock {
  active(): boolean;
}

export interface Traffic {
  answers: Answer[];
  notes: NoteLedger[];
  things: ThingLedger[];
  mqttPublishes: number;
  /** Device connections refused or failed (while the broker or the authorizer's service was down). */
  refusedConnects: number;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function wellFormedError(response: ApiResponse): boolean {
  const body = response.body as { error?: { code?: unknown; requestId?: unknown } } | undefined;
  return typeof body?.error?.code === 'string' && typeof body.error.requestId === 'string' && response.headers.get('x-request-id') === body.error.requestId;
}

export interface TrafficOptions {
  users: TestUser[];
  things: Array<{ thingId: string; owner: TestUser; credentials: { clientId: string; username: string; password: string; topics: { telemetry: string } } }>;
  outage: OutageClock;
  random: () => number;
  /** Pause between one user's writes. */
  thinkMs?: number;
}

export async function startTraffic(options: TrafficOptions): Promise<Traffic> {
  const answers: Answer[] = [];
  const notes: NoteLedger[] = [];
  const thingLedgers: ThingLedger[] = options.things.map((t) => ({ thingId: t.thingId, owner: t.owner, acknowledged: [] }));
  let running = true;
  let mqttPublishes = 0;
  let refusedConnects = 0;

  /** One request, timed and classified; a hang is cut at twice the limit and recorded as status 0. */
  async function call(label: string, path: string, init: { method: string; token: string; body?: unknown }): Promise<ApiResponse | null> {
    const duringOutage = options.outage.active();
    const started = Date.now();
    try {
      const response = await fetch(`${baseUrl()}${path}`, {
        method: init.method,
        headers: { authorization: `Bearer ${init.token}`, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        signal: AbortSignal.timeout(hangMs * 2),
      });
      const text = await response.text();
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = undefined;
      }
      const result: ApiResponse = { status: response.status, headers: response.headers, body, text };
      answers.push({ status: response.status, ms: Date.now() - started, wellFormed: response.status < 400 || wellFormedError(result), duringOutage: duringOutage || options.outage.active(), label });
      return result;
    } catch {
      answers.push({ status: 0, ms: Date.now() - started, wellFormed: false, duringOutage: duringOutage || options.outage.active(), label });
      return null;
    }
  }

  /** Repeats a write until it is acknowledged, as an offline-first app does (each write is idempotent). */
  // A write once sent is repeated until acknowledged, even after stop(): one that was applied but not acknowledged
  // would otherwise leave the ledger behind the data.
  async function untilAcknowledged(label: string, path: string, init: { method: string; token: string; body: unknown }, ok: number[]): Promise<boolean> {
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      const response = await call(label, path, init);
      if (response && ok.includes(response.status)) return true;
      if (response && response.status >= 400 && response.status < 500 && response.status !== 429) throw new Error(`${label} answered ${response.status}: ${response.text}`);
      await sleep(500);
    }
    throw new Error(`${label} was not acknowledged within 120 s`);
  }

  async function user(owner: TestUser): Promise<void> {
    const others = options.users.filter((u) => u !== owner);
    let mine: NoteLedger[] = [];
    while (running) {
      const roll = options.random();
      const note = mine[Math.floor(options.random() * mine.length)];
      if (!note || roll < 0.4) {
        const word = `zq${randomUUID().replace(/-/g, '').slice(0, 10)}`;
        const created: NoteLedger = { id: randomUUID(), owner, word, title: `Drill ${word} one`, sharedWith: null };
        if (await untilAcknowledged('POST /notes', '/notes', { method: 'POST', token: owner.accessToken, body: { id: created.id, title: created.title, body: 'written during a fault drill' } }, [200, 201])) {
          notes.push(created);
          mine = [...mine, created];
        }
      } else if (roll < 0.8 || note.sharedWith || others.length === 0) {
        const title = `Drill ${note.word} edit ${Math.floor(options.random() * 1000)}`;
        if (await untilAcknowledged('PATCH /notes/{id}', `/notes/${note.id}`, { method: 'PATCH', token: owner.accessToken, body: { title } }, [200])) note.title = title;
      } else {
        const with_ = others[Math.floor(options.random() * others.length)] as TestUser;
        if (await untilAcknowledged('PATCH /notes/{id} sharedWith', `/notes/${note.id}`, { method: 'PATCH', token: owner.accessToken, body: { sharedWith: [with_.userId] } }, [200])) note.sharedWith = with_;
      }
      await sleep(options.thinkMs ?? 400);
    }
  }

  const devices: MqttClient[] = [];
  async function thing(index: number): Promise<void> {
    const spec = options.things[index] as TrafficOptions['things'][number];
    const ledger = thingLedgers[index] as ThingLedger;
    const mqttUrl = `mqtt://127.0.0.1:${process.env.MQTT_PORT ?? '1883'}`;
    // A device keeps trying, also when a connection is refused: with the iot service down, its authorizer cannot
    // answer and the broker refuses the CONNECT (as IoT Core does when a custom authorizer fails).
    // Not waited for: the first CONNECT may be refused too (the authorizer's first, cold invocation on a busy
    // machine); readings wait in the device's backlog until it is connected.
    const device = connect(mqttUrl, { clientId: spec.credentials.clientId, username: spec.credentials.username, password: spec.credentials.password, reconnectPeriod: 500, connectTimeout: 5000, clean: false, reconnectOnConnackError: true });
    device.on('error', () => void refusedConnects++);
    devices.push(device);
    const pending: Array<Promise<void>> = [];
    // Readings taken while the device is offline wait in its own backlog and go out at most `perTick` a second once
    // it is back: the contract drops what a thing sends beyond 10 messages a second, so a device that flushed a
    // 20-second backlog at once would lose most of it (the first run of this drill did exactly that).
    const backlog: number[] = [];
    const perTick = 5;
    const sendSome = () => {
      for (let sent = 0; sent < perTick && device.connected && backlog.length > 0; sent++) {
        const ts = backlog.shift() as number;
        // A QoS 1 message in flight when the connection drops is kept by mqtt.js and sent again on reconnect; the
        // reading counts once the broker acknowledges it.
        pending.push(
          device.publishAsync(spec.credentials.topics.telemetry, JSON.stringify({ ts, metrics: { drill: ts % 1000 } }), { qos: 1 }).then(
            () => void ledger.acknowledged.push(ts),
            () => undefined,
          ),
        );
      }
    };
    while (running) {
      backlog.push(Date.now());
      mqttPublishes++;
      sendSome();
      await sleep(1000);
    }
    // What is still in the backlog goes out at the same pace (for at most 15 s).
    for (const drainUntil = Date.now() + 15_000; backlog.length > 0 && Date.now() < drainUntil; await sleep(1000)) sendSome();
    // Give queued readings the chance to be acknowledged once the broker is back.
    await Promise.race([Promise.all(pending), sleep(15_000)]);
  }

  const loops = [...options.users.map((u) => user(u)), ...options.things.map((_, i) => thing(i))];
  return {
    answers,
    notes,
    things: thingLedgers,
    get mqttPublishes() {
      return mqttPublishes;
    },
    get refusedConnects() {
      return refusedConnects;
    },
    async stop() {
      running = false;
      await Promise.all(loops);
      await Promise.all(devices.map((d) => d.endAsync(true).catch(() => undefined)));
    },
  };
}
