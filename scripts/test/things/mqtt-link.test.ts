// The simulator's real MQTT link against a bare aedes broker on loopback: a refused first CONNECT fails at once,
// refused reconnects are retried a few times and then given up (no endless CONNECT loop on rotated credentials).
import type net from 'node:net';
import { createServer } from 'node:net';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import type { DeviceCredentials } from '../../things/credentials';
import { mqttLinkWith, type DeviceLink, type LinkHandlers } from '../../things/device';

let broker: Aedes;
let server: net.Server;
let refuse = false;
let attempts = 0;
const clients: Client[] = [];

function credentials(port: number): DeviceCredentials {
  return { mqttUrl: `mqtt://127.0.0.1:${port}`, clientId: 'thing-1', username: 'thing-1', password: 'pw', topics: { telemetry: 't', reported: 'r', desired: 'd' } };
}

function recordingHandlers() {
  const events: string[] = [];
  const handlers: LinkHandlers = {
    message: () => undefined,
    reconnected: () => events.push('reconnected'),
    lost: () => events.push('lost'),
    refused: (reason) => events.push(`refused: ${reason}`),
  };
  return { events, handlers };
}

const port = () => (server.address() as net.AddressInfo).port;
const until = async (check: () => boolean, ms = 5000) => {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
};

beforeAll(async () => {
  broker = await Aedes.createBroker({
    authenticate(client, _username, _password, done) {
      attempts += 1;
      if (!refuse) {
        clients.push(client);
        return done(null, true);
      }
      const error = new Error('Not authorized') as AuthenticateError;
      error.returnCode = 5;
      done(error, false);
    },
  });
  server = createServer((socket) => broker.handle(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await new Promise<void>((resolve) => broker.close(() => resolve()));
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  refuse = false;
  attempts = 0;
});

describe('the MQTT link', () => {
  let link: DeviceLink | null = null;
  afterEach(async () => {
    await link?.end(true);
    link = null;
  });

  it('rejects a first CONNECT the broker refuses', async () => {
    // Prepare
    refuse = true;
    const { handlers } = recordingHandlers();

    // Act
    const attempt = mqttLinkWith({ reconnectPeriodMs: 50 })(credentials(port()), handlers);

    // Assess
    await expect(attempt).rejects.toThrow('Connection refused: Not authorized');
    expect(attempts).toBe(1);
  });

  it('retries refused reconnects, then gives up and stops connecting', async () => {
    // Prepare
    const { events, handlers } = recordingHandlers();
    link = await mqttLinkWith({ reconnectPeriodMs: 50, refusalsBeforeGivingUp: 3 })(credentials(port()), handlers);
    refuse = true;

    // Act: the broker drops the connection (as after a rotation); reconnects are refused.
    clients.at(-1)?.close();
    await until(() => events.some((event) => event.startsWith('refused')));
    const attemptsWhenGivenUp = attempts;
    await new Promise((resolve) => setTimeout(resolve, 300));

    // Assess
    expect(events.filter((event) => event.startsWith('refused'))).toEqual(['refused: Connection refused: Not authorized 3 times in a row']);
    expect(attemptsWhenGivenUp).toBe(1 + 3);
    expect(attempts).toBe(attemptsWhenGivenUp);
    expect(link.connected).toBe(false);
  });

  it('counts only refusals in a row: a reconnect that succeeds starts the count again', async () => {
    // Prepare
    const { events, handlers } = recordingHandlers();
    link = await mqttLinkWith({ reconnectPeriodMs: 50, refusalsBeforeGivingUp: 4 })(credentials(port()), handlers);

    // Act: two refusals (one short of giving up, with a margin for timers), then the broker lets it in again.
    refuse = true;
    clients.at(-1)?.close();
    await until(() => attempts >= 3);
    refuse = false;
    await until(() => events.includes('reconnected'));
    refuse = true;
    clients.at(-1)?.close();
    await until(() => attempts >= 7);
    refuse = false;
    await until(() => events.filter((event) => event === 'reconnected').length === 2);

    // Assess: 3 refusals in all before the first success, 2 after it, and never given up.
    expect(events.some((event) => event.startsWith('refused'))).toBe(false);
    expect(link.connected).toBe(true);
  });
});
