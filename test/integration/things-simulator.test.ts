// `npm run things:simulate` and the seed's thermostat against the test platform: the simulator module signs in,
// registers its things, connects them over MQTT with the credentials the API handed out, and its readings are
// stored and readable; a desired targetTemp is obeyed and reported back; a second run reuses the things; the
// seed registers one thermostat however often it runs, and its credentials file drives a device.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { seed } from '../../scripts/seed';
import { parseSimulateArgs, type SimulateOptions } from '../../scripts/things/args';
import { startSimulation, type Simulation } from '../../scripts/things/simulate';
import { api, baseUrl } from '../support/api';
import { eventually } from '../support/eventually';
import { createTestUser, type TestUser } from '../support/users';

jest.setTimeout(120_000);

interface ThingBody {
  thingId: string;
  name: string;
  online: boolean;
  state: { desired: Record<string, unknown>; reported: Record<string, unknown>; delta: Record<string, unknown>; version: number };
}
type TelemetryPage = { items: Array<{ at: string; value: number }> };

function options(argv: string[]): SimulateOptions {
  const parsed = parseSimulateArgs([...argv, '--api', baseUrl()], {});
  if (parsed === 'help') throw new Error('unexpected help');
  return parsed;
}

const running: Simulation[] = [];
async function simulate(argv: string[], log: string[] = []): Promise<Simulation> {
  const simulation = await startSimulation(options(argv), { log: (line) => log.push(line) });
  running.push(simulation);
  return simulation;
}

const telemetry = (user: { accessToken: string }, thingId: string, metric: string) => api<TelemetryPage>(`/things/${thingId}/telemetry?metric=${metric}&resolution=raw`, { token: user.accessToken });
const getThing = (user: { accessToken: string }, thingId: string) => api<ThingBody>(`/things/${thingId}`, { token: user.accessToken });

afterEach(async () => {
  await Promise.all(running.splice(0).map((simulation) => simulation.stop()));
});

describe('npm run things:simulate', () => {
  let user: TestUser;
  beforeAll(async () => {
    user = await createTestUser('simulator');
  });

  test('registers its things, stores their readings and obeys desired state', async () => {
    // Prepare
    const log: string[] = [];
    const simulation = await simulate(['--things', '3', '--rate', '2', '--email', user.email, '--password', user.password], log);
    const [first] = simulation.things;
    if (!first) throw new Error('no things');

    // Act
    const listed = await api<{ items: Array<{ thingId: string; name: string }> }>('/things', { token: user.accessToken });
    const stored = await eventually(() => telemetry(user, first.thingId, 'temp'), (res) => (res.body.items?.length ?? 0) >= 3, 20_000);
    const humidity = await telemetry(user, first.thingId, 'humidity');
    const put = await api<ThingBody['state']>(`/things/${first.thingId}/state/desired`, { method: 'PUT', token: user.accessToken, body: { desired: { targetTemp: 26.5 } } });
    const obeyed = await eventually(() => getThing(user, first.thingId), (res) => res.body.state?.reported?.targetTemp === 26.5, 20_000);
    await simulation.stop();

    // Assess
    expect(log.join('\n')).toContain('3 thing(s) registered, 0 reused');
    expect(listed.body.items.map((thing) => thing.name).sort()).toEqual(['sim-thermostat-1', 'sim-thermostat-2', 'sim-thermostat-3']);
    expect(stored.body.items.length).toBeGreaterThanOrEqual(3);
    for (const item of stored.body.items) expect(Math.abs(item.value - 21)).toBeLessThan(3);
    expect(humidity.body.items.length).toBeGreaterThanOrEqual(1);
    expect(put.status).toBe(200);
    expect(obeyed.body.state.reported).toMatchObject({ targetTemp: 26.5, model: 'photonotes-sim-thermostat' });
    expect(obeyed.body.state.delta).toEqual({});
    expect(simulation.devices[0]?.thermostat.setpoint).toBe(26.5);
    const totals = simulation.totals();
    expect(totals.sent).toBeGreaterThan(0);
    expect(totals).toMatchObject({ acked: totals.sent, errors: 0, online: 0 });
  });

  test('a second run reuses the things with new credentials', async () => {
    // Prepare
    const log: string[] = [];
    const before = await api<{ items: Array<{ thingId: string }> }>('/things', { token: user.accessToken });

    // Act
    const simulation = await simulate(['--things', '3', '--rate', '1', '--email', user.email, '--password', user.password], log);
    const online = await eventually(() => getThing(user, simulation.things[2]?.thingId ?? ''), (res) => res.body.online === true);

    // Assess
    expect(log.join('\n')).toContain('0 thing(s) registered, 3 reused');
    expect(simulation.things.map((thing) => thing.thingId).sort()).toEqual(before.body.items.map((thing) => thing.thingId).sort());
    expect(online.body.online).toBe(true);
    expect(simulation.totals().online).toBe(3);
  });
});

describe('the seed thermostat', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'seed-thermostat-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('is registered once however often the seed runs, and its credentials file drives a device', async () => {
    // Prepare
    const file = path.join(dir, 'thermostat.json');
    await seed({ baseUrl: baseUrl(), thermostatFile: file, log: () => undefined });
    const written = readFileSync(file, 'utf8');

    // Act
    const secondLog: string[] = [];
    await seed({ baseUrl: baseUrl(), thermostatFile: file, log: (line) => secondLog.push(line) });
    const simulation = await simulate(['--credentials', file, '--rate', '2']);
    const thingId = simulation.things[0]?.thingId ?? '';
    const alice = await api<{ accessToken: string }>('/auth/login', { method: 'POST', body: { email: 'alice@example.com', password: 'photonotes1' } });
    const stored = await eventually(() => telemetry(alice.body, thingId, 'temp'), (res) => (res.body.items?.length ?? 0) >= 2, 20_000);
    const things = await api<{ items: Array<{ name: string }> }>('/things', { token: alice.body.accessToken });

    // Assess
    expect(readFileSync(file, 'utf8')).toBe(written);
    expect(secondLog.join('\n')).toContain('thing "Living room thermostat" already there');
    expect(things.body.items.filter((thing) => thing.name === 'Living room thermostat')).toHaveLength(1);
    expect(simulation.things[0]?.name).toBe('Living room thermostat');
    expect(stored.body.items.length).toBeGreaterThanOrEqual(2);
  });
});
