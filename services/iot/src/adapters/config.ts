// The service's config from its environment (stage params), read once at cold start: a missing secret or
// endpoint, or a retention that would break rollup recomputes, fails loudly there.
import { optionalEnv, requireEnv } from '@photonotes/shared/env';
import type { IotConfig } from '../domain/deps';
import type { Resolution, Retention } from '../domain/resolutions';
import { checkRetention, defaultRetention } from '../domain/resolutions';

export const configEnv = {
  credentialSecret: 'DEVICE_CREDENTIAL_SECRET',
  mqttUrl: 'DEVICE_MQTT_URL',
  usernameFormat: 'DEVICE_USERNAME_FORMAT',
  retention: { raw: 'TELEMETRY_RETENTION_RAW_DAYS', '1m': 'TELEMETRY_RETENTION_1M_DAYS', '1h': 'TELEMETRY_RETENTION_1H_DAYS', '1d': 'TELEMETRY_RETENTION_1D_DAYS' },
} as const;

const minSecretLength = 32;

function days(level: Resolution): number {
  const name = configEnv.retention[level];
  const text = optionalEnv(name, String(defaultRetention[level]));
  if (!/^[1-9][0-9]{0,4}$/.test(text)) throw new Error(`${name} must be a whole number of days, got "${text}"`);
  return Number(text);
}

export function iotConfigFromEnv(): IotConfig {
  const secret = requireEnv(configEnv.credentialSecret);
  if (secret.length < minSecretLength) throw new Error(`${configEnv.credentialSecret} must be at least ${minSecretLength} characters`);
  const usernameFormat = optionalEnv(configEnv.usernameFormat, '{thingId}');
  if (!usernameFormat.includes('{thingId}')) throw new Error(`${configEnv.usernameFormat} must contain {thingId}`);
  const retention: Retention = { raw: days('raw'), '1m': days('1m'), '1h': days('1h'), '1d': days('1d') };
  return {
    retention: checkRetention(retention),
    endpoint: { mqttUrl: requireEnv(configEnv.mqttUrl), usernameFormat },
    credentialKeys: { secret },
  };
}
