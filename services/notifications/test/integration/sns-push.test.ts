// The SNS mobile-push adapter against a real SNS peer: moto_server (installed on these machines), started
// on a free loopback port for this file and stopped after. It implements platform applications, endpoints,
// their attributes and Publish to an endpoint, including the EndpointDisabled and NotFound answers.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';
import {
  CreatePlatformApplicationCommand,
  CreatePlatformEndpointCommand,
  GetEndpointAttributesCommand,
  SetEndpointAttributesCommand,
  SNSClient,
} from '@aws-sdk/client-sns';
import { platformPayloads, snsPush } from '../../src/adapters/sns-push';
import type { Device } from '../../src/domain/device';
import type { PushGateway } from '../../src/domain/ports';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

let moto: ChildProcess | undefined;
let client: SNSClient;
let push: PushGateway;
let applications: { ios: string; android: string };

beforeAll(async () => {
  const port = await freePort();
  moto = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const deadline = Date.now() + 20_000;
  while (!(await accepts(port))) {
    if (moto.exitCode !== null || Date.now() > deadline) throw new Error('moto_server did not start');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  client = new SNSClient({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', credentials: { accessKeyId: 'moto', secretAccessKey: 'moto' } });
  const ios = await client.send(new CreatePlatformApplicationCommand({ Name: 'photonotes-test-ios', Platform: 'APNS', Attributes: {} }));
  const android = await client.send(new CreatePlatformApplicationCommand({ Name: 'photonotes-test-android', Platform: 'GCM', Attributes: {} }));
  applications = { ios: ios.PlatformApplicationArn as string, android: android.PlatformApplicationArn as string };
  push = snsPush({ applications, client });
}, 30_000);

afterAll(async () => {
  client?.destroy();
  if (moto && moto.exitCode === null) {
    const exited = new Promise((resolve) => moto?.once('exit', resolve));
    moto.kill('SIGTERM');
    await exited;
  }
});

let tokens = 0;
const newToken = () => (++tokens).toString(16).padStart(64, 'c');

async function attributes(endpointArn: string): Promise<Record<string, string>> {
  return (await client.send(new GetEndpointAttributesCommand({ EndpointArn: endpointArn }))).Attributes ?? {};
}

function deviceAt(endpointArn: string | null, token: string): Device {
  return { deviceId: 'd1', userId: 'u1', platform: 'ios', token, appVersion: null, endpointArn, createdAt: '', updatedAt: '' };
}

const message = { notificationId: 'n1', title: 'Your photo is ready', body: 'Processed.', data: { key: 'uploads/u1/k.jpg', type: 'media.ready', notificationId: 'n1' } };

describe('snsPush', () => {
  it('creates one enabled endpoint per token under the platform’s application, and finds it again', async () => {
    // Prepare
    const token = newToken();

    // Act
    const first = await push.registerEndpoint({ platform: 'ios', token }, null);
    const again = await push.registerEndpoint({ platform: 'ios', token }, null);

    // Assess
    expect(first).toMatch(/:endpoint\/APNS\/photonotes-test-ios\//);
    expect(again).toBe(first);
    expect(await attributes(first as string)).toMatchObject({ Token: token, Enabled: 'true' });
  });

  it('uses the GCM application for android tokens', async () => {
    // Prepare
    const token = `fcm_${'x'.repeat(150)}`;

    // Act
    const arn = await push.registerEndpoint({ platform: 'android', token }, null);

    // Assess
    expect(arn).toMatch(/:endpoint\/GCM\/photonotes-test-android\//);
  });

  it('re-enables an endpoint SNS disabled when the app registers its token again', async () => {
    // Prepare
    const token = newToken();
    const arn = (await push.registerEndpoint({ platform: 'ios', token }, null)) as string;
    await client.send(new SetEndpointAttributesCommand({ EndpointArn: arn, Attributes: { Enabled: 'false' } }));

    // Act
    const again = await push.registerEndpoint({ platform: 'ios', token }, arn);

    // Assess
    expect(again).toBe(arn);
    expect(await attributes(arn)).toMatchObject({ Enabled: 'true', Token: token });
  });

  it('reuses the endpoint SNS names when it refuses to create a second one for the token', async () => {
    // Prepare
    const token = newToken();
    const existing = (await client.send(new CreatePlatformEndpointCommand({ PlatformApplicationArn: applications.ios, Token: token, CustomUserData: 'from elsewhere' }))).EndpointArn;

    // Act
    const arn = await push.registerEndpoint({ platform: 'ios', token }, null);

    // Assess
    expect(arn).toBe(existing);
  });

  it('creates a new endpoint when the stored one was deleted', async () => {
    // Prepare
    const token = newToken();
    const arn = (await push.registerEndpoint({ platform: 'ios', token }, null)) as string;
    await push.removeEndpoint(arn);

    // Act
    const replacement = (await push.registerEndpoint({ platform: 'ios', token }, arn)) as string;

    // Assess
    expect(replacement).not.toBe(arn);
    expect(await attributes(replacement)).toMatchObject({ Token: token, Enabled: 'true' });
  });

  it('publishes to an enabled endpoint', async () => {
    // Prepare
    const token = newToken();
    const arn = await push.registerEndpoint({ platform: 'ios', token }, null);

    // Act
    const outcome = await push.send(deviceAt(arn, token), message);

    // Assess
    expect(outcome).toBe('sent');
  });

  it('reports a disabled endpoint as gone (EndpointDisabled)', async () => {
    // Prepare
    const token = newToken();
    const arn = (await push.registerEndpoint({ platform: 'ios', token }, null)) as string;
    await client.send(new SetEndpointAttributesCommand({ EndpointArn: arn, Attributes: { Enabled: 'false' } }));

    // Act
    const outcome = await push.send(deviceAt(arn, token), message);

    // Assess
    expect(outcome).toBe('gone');
  });

  it('reports a deleted endpoint as gone, and deletes idempotently', async () => {
    // Prepare
    const token = newToken();
    const arn = (await push.registerEndpoint({ platform: 'ios', token }, null)) as string;
    await push.removeEndpoint(arn);

    // Act
    const outcome = await push.send(deviceAt(arn, token), message);
    await push.removeEndpoint(arn);

    // Assess
    expect(outcome).toBe('gone');
    await expect(attributes(arn)).rejects.toMatchObject({ name: 'NotFoundException' });
  });

  it('raises other failures, so the event is retried', async () => {
    // Prepare
    const broken = snsPush({ applications: { ios: 'arn:aws:sns:us-east-1:123456789012:app/APNS/missing', android: applications.android }, client });

    // Act
    const attempt = broken.registerEndpoint({ platform: 'ios', token: newToken() }, null);

    // Assess
    await expect(attempt).rejects.toThrow();
  });
});

describe('platformPayloads', () => {
  it('gives APNs an alert with the custom keys beside it and FCM a v1 message with string data', () => {
    // Act
    const payload = JSON.parse(platformPayloads(message)) as Record<string, string>;

    // Assess
    expect(payload.default).toBe('Processed.');
    expect(JSON.parse(payload.APNS as string)).toEqual({ aps: { alert: { title: 'Your photo is ready', body: 'Processed.' }, sound: 'default' }, ...message.data });
    expect(payload.APNS_SANDBOX).toBe(payload.APNS);
    expect(JSON.parse(payload.GCM as string)).toEqual({ fcmV1Message: { message: { notification: { title: 'Your photo is ready', body: 'Processed.' }, data: message.data } } });
  });
});
