// The local AWS IoT Core twin end to end, on loopback ports: the broker, rules engine and data plane from
// scripts/platform/iot, a stand-in for serverless-offline's invoke API running the authorizer and the rule
// targets, a real MQTT client and the real @aws-sdk/client-iot-data-plane; given-up events in a real
// dead-letter store, replayed by the redrive.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DeleteConnectionCommand, GetRetainedMessageCommand, IoTDataPlaneClient, ListRetainedMessagesCommand, PublishCommand } from '@aws-sdk/client-iot-data-plane';
import type { MqttClient } from 'mqtt';
import { loadConsumers } from '../platform/delivery/consumers';
import { DeadLetterStore } from '../platform/delivery/dead-letters';
import { localLambdaInvoker } from '../platform/delivery/lambda-invoke';
import { redriveLocal } from '../platform/delivery/redrive-local';
import { passwordAuthorizer } from './support/fake-lambda-api';
import { closed, eventually, fn, startTestTwin, type TestTwin } from './support/iot-twin';

const serverlessYml = `
service: photonotes-iot
functions:
  iotAuthorizer:
    handler: src/functions/iot-authorizer.handler
  ingestTelemetry:
    handler: src/functions/ingest-telemetry.handler
    events:
      - iot:
          sql: "SELECT *, topic(2) AS thingId, timestamp() AS receivedAt, clientid() AS clientId FROM 'things/+/telemetry'"
  reportState:
    handler: src/functions/report-state.handler
    events:
      - iot:
          sql: "SELECT *, topic(2) AS thingId FROM 'things/+/state/reported' WHERE reported.mode <> 'off'"
  presence:
    handler: src/functions/presence.handler
    events:
      - iot:
          sql: "SELECT * FROM '$aws/events/presence/+/+'"
  broken:
    handler: src/functions/broken.handler
    maximumRetryAttempts: 1
    events:
      - iot:
          sql: "SELECT * FROM 'things/+/state/reported' WHERE broken = true"
resources:
  Resources:
    ThingsAuthorizer:
      Type: AWS::IoT::Authorizer
      Properties:
        AuthorizerName: \${self:service}-\${sls:stage}-things
        AuthorizerFunctionArn: !GetAtt IotAuthorizerLambdaFunction.Arn
        SigningDisabled: true
`;

let setup: TestTwin;
let dataPlane: IoTDataPlaneClient;
const deadLetterDir = mkdtempSync(path.join(os.tmpdir(), 'iot-dead-letters-'));
const deadLetters = new DeadLetterStore(deadLetterDir);
const clients: MqttClient[] = [];
let reportAttempts = 0;
let brokenFixed = false;
const twin = () => setup.twin;
const lambda = () => setup.lambda;

async function connect(thingId: string, options: Parameters<TestTwin['connect']>[1] = {}): Promise<MqttClient> {
  const client = await setup.connect(thingId, options);
  clients.push(client);
  return client;
}

const presenceOf = (clientId: string, eventType: string) =>
  lambda().eventsOf(fn('presence')).filter((e) => (e as { clientId?: string; eventType?: string }).clientId === clientId && (e as { eventType?: string }).eventType === eventType) as Array<Record<string, unknown>>;

/** An MQTT 3.1.1 CONNECT (clean session, username, password) written by hand, to play a device that then falls silent. */
function connectPacket(clientId: string, username: string, password: string, keepAliveSeconds: number): Buffer {
  const field = (text: string) => {
    const bytes = Buffer.from(text, 'utf8');
    return Buffer.concat([Buffer.from([bytes.length >> 8, bytes.length & 0xff]), bytes]);
  };
  const body = Buffer.concat([field('MQTT'), Buffer.from([4, 0xc2, keepAliveSeconds >> 8, keepAliveSeconds & 0xff]), field(clientId), field(username), field(password)]);
  return Buffer.concat([Buffer.from([0x10, body.length]), body]);
}

beforeAll(async () => {
  setup = await startTestTwin(
    serverlessYml,
    {
      [fn('iotAuthorizer')]: passwordAuthorizer,
      [fn('ingestTelemetry')]: () => null,
      [fn('reportState')]: () => {
        reportAttempts += 1;
        if (reportAttempts === 1) throw new Error('first attempt fails');
        return null;
      },
      [fn('presence')]: () => null,
      [fn('broken')]: () => {
        if (!brokenFixed) throw new Error('always broken');
        return null;
      },
    },
    { retryDelaysMs: [50, 100], deadLetters },
  );
  dataPlane = new IoTDataPlaneClient({ endpoint: twin().dataPlaneUrl, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.endAsync(true).catch(() => undefined)));
});

afterAll(async () => {
  dataPlane?.destroy();
  await setup?.stop();
  rmSync(deadLetterDir, { recursive: true, force: true });
});

describe('connecting', () => {
  it('accepts good credentials, asking the authorizer with the AWS event', async () => {
    // Act
    const client = await connect('thing-a');

    // Assess
    expect(client.connected).toBe(true);
    const authorizations = lambda().eventsOf(fn('iotAuthorizer')) as Array<{ protocolData: { mqtt: { username: string; password: string; clientId: string } } }>;
    expect(authorizations.at(-1)).toEqual({
      signatureVerified: false,
      protocols: ['mqtt'],
      protocolData: { mqtt: { username: 'thing-a', password: Buffer.from('pw-thing-a').toString('base64'), clientId: 'thing-a' } },
      connectionMetadata: { id: expect.stringMatching(/^[0-9a-f-]{36}$/) },
    });
    expect(twin().mqttUrl).toMatch(/^mqtt:\/\/localhost:\d+$/);
  });

  it('refuses a wrong password, and a client id the policy does not allow', async () => {
    await expect(connect('thing-a', { password: 'wrong' })).rejects.toMatchObject({ code: 5, message: 'Connection refused: Not authorized' });
    await expect(connect('thing-b', { username: 'thing-a', password: 'pw-thing-a' })).rejects.toMatchObject({ code: 5 });
    expect(setup.log.some((line) => line.includes('iot:Connect on client/thing-b'))).toBe(true);
  });

  it('asks the authorizer on every connection (nothing cached)', async () => {
    const before = lambda().eventsOf(fn('iotAuthorizer')).length;
    await (await connect('thing-c')).endAsync();
    await connect('thing-c');
    expect(lambda().eventsOf(fn('iotAuthorizer')).length).toBe(before + 2);
  });
});

describe('authorisation on a live connection', () => {
  it("closes the connection of a thing publishing to another thing's topic, and delivers nothing", async () => {
    // Prepare
    const client = await connect('thing-d');
    const telemetryBefore = lambda().eventsOf(fn('ingestTelemetry')).length;

    // Act
    client.publish('things/thing-e/telemetry', JSON.stringify({ metrics: { temp: 1 } }), { qos: 1 });

    // Assess
    await closed(client);
    await twin().rules.idle();
    expect(lambda().eventsOf(fn('ingestTelemetry')).length).toBe(telemetryBefore);
    const disconnect = await eventually(() => presenceOf('thing-d', 'disconnected')[0], 'the disconnected event');
    expect(disconnect).toMatchObject({ disconnectReason: 'AUTH_ERROR', clientInitiatedDisconnect: false });
  });

  it("answers a subscription to another thing's topic with 0x80 and keeps the connection", async () => {
    const client = await connect('thing-f');
    await expect(client.subscribeAsync('things/thing-g/state/desired', { qos: 1 })).rejects.toMatchObject({ packet: { granted: [128] } });
    await expect(client.subscribeAsync('things/thing-f/state/desired', { qos: 1 })).resolves.toEqual([{ topic: 'things/thing-f/state/desired', qos: 1 }]);
    expect(client.connected).toBe(true);
  });
});

describe('topic rules', () => {
  it("invokes the rule's function with the projected payload", async () => {
    // Prepare
    const client = await connect('thing-h');

    // Act
    await client.publishAsync('things/thing-h/telemetry', JSON.stringify({ ts: 1700000000000, metrics: { temp: 21.5 } }), { qos: 1 });

    // Assess
    const event = await eventually(() => lambda().eventsOf(fn('ingestTelemetry')).find((e) => (e as { thingId?: string }).thingId === 'thing-h'), 'the telemetry rule');
    expect(event).toEqual({ ts: 1700000000000, metrics: { temp: 21.5 }, thingId: 'thing-h', clientId: 'thing-h', receivedAt: expect.any(Number) });
  });

  it('does not invoke for a payload that is not JSON, and counts it', async () => {
    const client = await connect('thing-i');
    const before = twin().rules.stats().undeliverable;
    await client.publishAsync('things/thing-i/telemetry', Buffer.from([0xde, 0xad]), { qos: 1 });
    await eventually(() => twin().rules.stats().undeliverable === before + 1, 'the undeliverable count');
    await twin().rules.idle();
    expect(lambda().eventsOf(fn('ingestTelemetry')).some((e) => (e as { thingId?: string }).thingId === 'thing-i')).toBe(false);
  });

  it('retries a function error like an asynchronous Lambda invocation, and dead-letters the event after its retries', async () => {
    // reportState fails its first attempt; broken always fails (maximumRetryAttempts: 1).
    // Prepare
    const client = await connect('thing-j');

    // Act
    await client.publishAsync('things/thing-j/state/reported', JSON.stringify({ reported: { mode: 'eco' } }), { qos: 1 });
    await client.publishAsync('things/thing-j/state/reported', JSON.stringify({ broken: true }), { qos: 1 });

    // Assess
    await eventually(() => twin().rules.stats().deadLettered === 1, 'the given-up event');
    await twin().rules.idle();
    expect(lambda().eventsOf(fn('reportState'))).toEqual([
      { reported: { mode: 'eco' }, thingId: 'thing-j' },
      { reported: { mode: 'eco' }, thingId: 'thing-j' },
    ]);
    expect(lambda().eventsOf(fn('broken'))).toHaveLength(2);
    const letters = await deadLetters.list();
    expect(letters).toEqual([
      expect.objectContaining({
        id: expect.stringMatching(/^iot-[0-9a-f]{16}$/),
        source: 'iot',
        consumer: 'iot.broken',
        functionName: fn('broken'),
        status: 'pending',
        condition: 'RetriesExhausted',
        attempts: 2,
        error: { type: 'Error', message: 'always broken' },
        event: { broken: true },
        summary: 'message on things/thing-j/state/reported (topic rule BrokenIotTopicRule1)',
      }),
    ]);
  });

  it("replays a rule target's dead letter to the function through the redrive, once", async () => {
    // Prepare: a message broken gives up on, then broken is fixed.
    brokenFixed = false;
    const client = await connect('thing-z');
    const given = twin().rules.stats().deadLettered;
    await client.publishAsync('things/thing-z/state/reported', JSON.stringify({ broken: true, thing: 'z' }), { qos: 1 });
    await eventually(() => twin().rules.stats().deadLettered === given + 1, 'the given-up event');
    await twin().rules.idle();
    const letter = (await deadLetters.list()).find((l) => (l.event as { thing?: string }).thing === 'z');
    expect(letter).toMatchObject({ consumer: 'iot.broken', status: 'pending' });
    brokenFixed = true;
    const invoker = localLambdaInvoker([setup.service]);
    const consumers = loadConsumers([setup.service]);
    const before = lambda().eventsOf(fn('broken')).length;

    try {
      // Act
      const [result] = await redriveLocal({ store: deadLetters, invoke: invoker.invoke, consumers, ids: [letter?.id as string] });
      const [again] = await redriveLocal({ store: deadLetters, invoke: invoker.invoke, consumers, ids: [letter?.id as string] });

      // Assess: the event as the function first received it, once; the letter is done.
      expect(result).toEqual({ id: letter?.id, consumer: 'iot.broken', summary: 'message on things/thing-z/state/reported (topic rule BrokenIotTopicRule1)', outcome: 'redriven' });
      expect(again).toMatchObject({ outcome: 'skipped' });
      expect(lambda().eventsOf(fn('broken')).slice(before)).toEqual([{ broken: true, thing: 'z' }]);
      expect(await deadLetters.get(letter?.id as string)).toMatchObject({ status: 'redriven', redrives: [{ ok: true }] });
    } finally {
      invoker.destroy();
    }
  });
});

describe('lifecycle events', () => {
  it('publishes connected and disconnected with the session, principal and reason', async () => {
    // Act
    const client = await connect('thing-k');
    await client.endAsync();

    // Assess
    const connected = await eventually(() => presenceOf('thing-k', 'connected')[0], 'the connected event');
    const disconnected = await eventually(() => presenceOf('thing-k', 'disconnected')[0], 'the disconnected event');
    expect(connected).toEqual({ clientId: 'thing-k', timestamp: expect.any(Number), eventType: 'connected', sessionIdentifier: expect.any(String), principalIdentifier: 'thingk', ipAddress: '127.0.0.1', versionNumber: expect.any(Number) });
    expect(disconnected).toEqual({
      clientId: 'thing-k',
      timestamp: expect.any(Number),
      eventType: 'disconnected',
      sessionIdentifier: connected.sessionIdentifier,
      principalIdentifier: 'thingk',
      clientInitiatedDisconnect: true,
      disconnectReason: 'CLIENT_INITIATED_DISCONNECT',
      versionNumber: connected.versionNumber,
    });
  });

  it('disconnects a silent client after 1.5 × its keep-alive, as MQTT_KEEP_ALIVE_TIMEOUT', async () => {
    // Prepare
    const socket = net.connect(Number(new URL(twin().mqttUrl).port), '127.0.0.1');
    const ended = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now())));
    await new Promise((resolve) => socket.once('connect', resolve));

    // Act: CONNECT with a 1 s keep-alive, then nothing.
    const start = Date.now();
    socket.write(connectPacket('thing-l', 'thing-l', 'pw-thing-l', 1));
    socket.resume();

    // Assess
    const closedAt = await ended;
    expect(closedAt - start).toBeGreaterThanOrEqual(1400);
    const disconnected = await eventually(() => presenceOf('thing-l', 'disconnected')[0], 'the disconnected event');
    expect(disconnected).toMatchObject({ disconnectReason: 'MQTT_KEEP_ALIVE_TIMEOUT', clientInitiatedDisconnect: false });
  });

  it('reports a second connection with the same client id as DUPLICATE_CLIENTID for the first', async () => {
    const first = await connect('thing-m');
    const firstClosed = closed(first);
    await connect('thing-m');
    await firstClosed;
    const disconnected = await eventually(() => presenceOf('thing-m', 'disconnected')[0], 'the disconnected event');
    expect(disconnected.disconnectReason).toBe('DUPLICATE_CLIENTID');
    expect(presenceOf('thing-m', 'connected')).toHaveLength(2);
  });
});

describe('the data plane, through @aws-sdk/client-iot-data-plane', () => {
  it('DeleteConnection cuts a live client, and answers 404 for an unknown one', async () => {
    // Prepare
    const client = await connect('thing-n');
    const gone = closed(client);

    // Act
    await dataPlane.send(new DeleteConnectionCommand({ clientId: 'thing-n' }));

    // Assess
    await gone;
    const disconnected = await eventually(() => presenceOf('thing-n', 'disconnected')[0], 'the disconnected event');
    expect(disconnected.disconnectReason).toBe('API_INITIATED_DISCONNECT');
    await expect(dataPlane.send(new DeleteConnectionCommand({ clientId: 'thing-n' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it("publishes a device's will when its connection is lost, unless DeleteConnection prevents it", async () => {
    // Prepare
    const will = (thingId: string) => ({ topic: `things/${thingId}/telemetry`, payload: Buffer.from(JSON.stringify({ will: thingId })), qos: 1 as const, retain: false });
    const prevented = await connect('thing-r', { will: will('thing-r') });
    const lost = await connect('thing-s', { will: will('thing-s') });
    const wills = () => lambda().eventsOf(fn('ingestTelemetry')).filter((e) => (e as { will?: string }).will !== undefined);

    // Act
    const goneR = closed(prevented);
    await dataPlane.send(new DeleteConnectionCommand({ clientId: 'thing-r', preventWillMessage: true }));
    await goneR;
    const goneS = closed(lost);
    lost.stream.destroy();
    await goneS;

    // Assess
    await eventually(() => wills().length > 0, 'the will');
    await eventually(() => presenceOf('thing-s', 'disconnected')[0], 'the disconnected event');
    await twin().rules.idle();
    expect(wills()).toEqual([{ will: 'thing-s', thingId: 'thing-s', clientId: 'thing-s', receivedAt: expect.any(Number) }]);
    expect(presenceOf('thing-s', 'disconnected')[0]?.disconnectReason).toBe('CONNECTION_LOST');
  });

  it('Publish with retain stores the desired state a device gets as soon as it subscribes; an empty one clears it', async () => {
    // Prepare
    const desired = JSON.stringify({ version: 3, desired: { target: 21 } });

    // Act
    await dataPlane.send(new PublishCommand({ topic: 'things/thing-o/state/desired', payload: Buffer.from(desired), qos: 1, retain: true }));
    const client = await connect('thing-o');
    const received = new Promise<{ topic: string; payload: string; retain: boolean }>((resolve) =>
      client.once('message', (topic, payload, packet) => resolve({ topic, payload: payload.toString('utf8'), retain: packet.retain })),
    );
    await client.subscribeAsync('things/thing-o/state/desired', { qos: 1 });

    // Assess
    expect(await received).toEqual({ topic: 'things/thing-o/state/desired', payload: desired, retain: true });
    const stored = await dataPlane.send(new GetRetainedMessageCommand({ topic: 'things/thing-o/state/desired' }));
    expect({ topic: stored.topic, payload: Buffer.from(stored.payload ?? new Uint8Array()).toString('utf8'), qos: stored.qos }).toEqual({ topic: 'things/thing-o/state/desired', payload: desired, qos: 1 });
    expect(stored.lastModifiedTime).toEqual(expect.any(Number));
    const listed = await dataPlane.send(new ListRetainedMessagesCommand({}));
    expect(listed.retainedTopics?.map((t) => t.topic)).toContain('things/thing-o/state/desired');

    await dataPlane.send(new PublishCommand({ topic: 'things/thing-o/state/desired', payload: new Uint8Array(), qos: 1, retain: true }));
    await expect(dataPlane.send(new GetRetainedMessageCommand({ topic: 'things/thing-o/state/desired' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('delivers a live Publish to a subscribed device, and runs rules on it with clientid() n/a', async () => {
    const client = await connect('thing-p');
    await client.subscribeAsync('things/thing-p/state/desired', { qos: 1 });
    const received = new Promise<string>((resolve) => client.once('message', (_topic, payload) => resolve(payload.toString('utf8'))));
    await dataPlane.send(new PublishCommand({ topic: 'things/thing-p/state/desired', payload: Buffer.from('{"desired":{}}'), qos: 1 }));
    expect(await received).toBe('{"desired":{}}');

    await dataPlane.send(new PublishCommand({ topic: 'things/thing-p/telemetry', payload: Buffer.from('{"metrics":{"temp":3}}'), qos: 0 }));
    const event = await eventually(() => lambda().eventsOf(fn('ingestTelemetry')).find((e) => (e as { thingId?: string }).thingId === 'thing-p'), 'the rule');
    expect(event).toMatchObject({ clientId: 'n/a' });
  });

  it('refuses wildcards, QoS 2 and oversized payloads as IoT Core does', async () => {
    await expect(dataPlane.send(new PublishCommand({ topic: 'things/+/state/desired', payload: Buffer.from('{}') }))).rejects.toMatchObject({ name: 'InvalidRequestException' });
    await expect(dataPlane.send(new PublishCommand({ topic: 'things/x/state/desired', payload: Buffer.from('{}'), qos: 2 }))).rejects.toMatchObject({ name: 'InvalidRequestException' });
    await expect(dataPlane.send(new PublishCommand({ topic: 'things/x/state/desired', payload: Buffer.alloc(128 * 1024 + 1) }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 413 } });
  });
});

describe('a broker outage (fault drills: stopBroker, startBroker)', () => {
  it('drops every device and refuses connections while down, then takes a reconnect and the QoS 1 message queued meanwhile', async () => {
    // Prepare
    const device = await connect('thing-drill', { reconnectPeriod: 100, clean: false });
    const dropped = closed(device);

    // Act: the broker goes down; the device publishes while it is away.
    await twin().stopBroker();
    await dropped;
    const health = twin().health();
    const refused = await new Promise<boolean>((resolve) => {
      const socket = net.connect(Number(new URL(twin().mqttUrl).port), '127.0.0.1');
      socket.once('error', () => resolve(true));
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
    });
    const queued = device.publishAsync('things/thing-drill/telemetry', JSON.stringify({ ts: 1700000000001, metrics: { temp: 19 } }), { qos: 1 });
    await twin().startBroker();
    await queued;

    // Assess
    expect(health).toBe('down');
    expect(refused).toBe(true);
    expect(twin().health()).toBe('ok');
    expect(device.connected).toBe(true);
    const event = await eventually(() => lambda().eventsOf(fn('ingestTelemetry')).find((e) => (e as { thingId?: string }).thingId === 'thing-drill'), 'the reading published during the outage');
    expect(event).toMatchObject({ ts: 1700000000001, metrics: { temp: 19 } });
  });
});
