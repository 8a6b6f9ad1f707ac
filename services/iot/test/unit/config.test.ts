import path from 'node:path';
import { readYaml, repoRoot } from '../../../../scripts/platform/service-definitions';
import { configEnv, iotConfigFromEnv } from '../../src/adapters/config';
import { defaultRetention, resolutions } from '../../src/domain/resolutions';

const names = [configEnv.credentialSecret, configEnv.mqttUrl, configEnv.usernameFormat, ...Object.values(configEnv.retention)];
const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));

function setEnv(values: Record<string, string | undefined>): void {
  for (const name of names) delete process.env[name];
  for (const [name, value] of Object.entries(values)) if (value !== undefined) process.env[name] = value;
}

afterEach(() => setEnv(saved));

const secret = 's'.repeat(32);

describe('iotConfigFromEnv', () => {
  it('reads the endpoint and secret, defaulting the username format and the contract retention', () => {
    // Prepare
    setEnv({ [configEnv.credentialSecret]: secret, [configEnv.mqttUrl]: 'mqtt://localhost:1883' });

    // Act
    const config = iotConfigFromEnv();

    // Assess
    expect(config).toEqual({
      retention: { raw: 30, '1m': 30, '1h': 400, '1d': 400 },
      endpoint: { mqttUrl: 'mqtt://localhost:1883', usernameFormat: '{thingId}' },
      credentialKeys: { secret },
    });
  });

  it('takes stage retention and a deployed username format', () => {
    // Prepare
    setEnv({
      [configEnv.credentialSecret]: secret,
      [configEnv.mqttUrl]: 'mqtts://abc-ats.iot.eu-west-1.amazonaws.com:443',
      [configEnv.usernameFormat]: '{thingId}?x-amz-customauthorizer-name=devices',
      [configEnv.retention.raw]: '7',
      [configEnv.retention['1m']]: '14',
    });

    // Act
    const config = iotConfigFromEnv();

    // Assess
    expect(config.retention).toEqual({ raw: 7, '1m': 14, '1h': 400, '1d': 400 });
    expect(config.endpoint.usernameFormat).toBe('{thingId}?x-amz-customauthorizer-name=devices');
  });

  it.each([
    ['no secret', { [configEnv.mqttUrl]: 'mqtt://x' }],
    ['a short secret', { [configEnv.credentialSecret]: 'short', [configEnv.mqttUrl]: 'mqtt://x' }],
    ['no endpoint', { [configEnv.credentialSecret]: secret }],
    ['a username format without the thing id', { [configEnv.credentialSecret]: secret, [configEnv.mqttUrl]: 'mqtt://x', [configEnv.usernameFormat]: 'device' }],
    ['a retention that is not whole days', { [configEnv.credentialSecret]: secret, [configEnv.mqttUrl]: 'mqtt://x', [configEnv.retention.raw]: '1.5' }],
    ['minutes kept shorter than raw readings', { [configEnv.credentialSecret]: secret, [configEnv.mqttUrl]: 'mqtt://x', [configEnv.retention['1m']]: '7' }],
  ])('fails at cold start with %s', (_case, values) => {
    // Prepare
    setEnv(values);

    // Act
    const act = () => iotConfigFromEnv();

    // Assess
    expect(act).toThrow();
  });
});

describe('the retention stage params', () => {
  const common = readYaml<{ params: Record<string, Record<string, unknown>> }>(path.join(repoRoot, 'serverless.common.yml'));
  const service = readYaml<{ custom: { env: { all: Record<string, unknown> } } }>(path.join(repoRoot, 'services', 'iot', 'serverless.yml'));
  const paramOf = { raw: 'telemetryRetentionRawDays', '1m': 'telemetryRetention1mDays', '1h': 'telemetryRetention1hDays', '1d': 'telemetryRetention1dDays' } as const;

  it.each(['default', 'local'])('in %s are the domain default retention, as text config.ts accepts', (stage) => {
    // Act
    const given = Object.fromEntries(resolutions.map((level) => [level, common.params[stage]?.[paramOf[level]]]));

    // Assess
    expect(given).toEqual(Object.fromEntries(resolutions.map((level) => [level, String(defaultRetention[level])])));
  });

  it('reach the iot functions under the names config.ts reads', () => {
    // Act
    const passed = Object.fromEntries(resolutions.map((level) => [configEnv.retention[level], service.custom.env.all[configEnv.retention[level]]]));

    // Assess
    expect(passed).toEqual(Object.fromEntries(resolutions.map((level) => [configEnv.retention[level], `\${param:${paramOf[level]}}`])));
  });
});
