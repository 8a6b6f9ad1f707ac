// Device credentials. The password is an HMAC of the thing id, the credential generation and a random
// nonce under the service's secret: 256 bits that need no slow hash, because they cannot be guessed.
// Only a verifier is stored, itself an HMAC of the password bound to the thing and the generation, so a
// leaked table row neither reveals a password nor works for another thing or an older generation.
// Rotation bumps the generation and replaces the verifier: the old password stops matching.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface CredentialRecord {
  generation: number;
  /** base64url HMAC-SHA256, 32 bytes. */
  verifier: string;
}

export interface CredentialKeys {
  /** The stage's device-credential secret (a stage param; never logged). */
  secret: string;
  /** Random bytes; injected so tests are repeatable. */
  random?: (size: number) => Buffer;
}

export interface IssuedCredential {
  password: string;
  record: CredentialRecord;
}

const verifierBytes = 32;
// Compared against when the thing is unknown, so an unknown id costs the same HMAC and comparison.
const absentVerifier = Buffer.alloc(verifierBytes);

function mac(secret: string, purpose: string, thingId: string, generation: number, data: Buffer | string): Buffer {
  // Fields are separated by a byte that none of them can contain before `data`, which comes last.
  return createHmac('sha256', secret).update(`${purpose}\n${thingId}\n${generation}\n`).update(data).digest();
}

export function issueCredential(thingId: string, generation: number, keys: CredentialKeys): IssuedCredential {
  const nonce = (keys.random ?? randomBytes)(16);
  const password = mac(keys.secret, 'password', thingId, generation, nonce).toString('base64url');
  return { password, record: { generation, verifier: mac(keys.secret, 'verifier', thingId, generation, password).toString('base64url') } };
}

/**
 * Constant-time in the password: one HMAC and one 32-byte comparison whether or not the thing exists
 * and whatever the password's length.
 */
export function verifyPassword(thingId: string, record: CredentialRecord | undefined, password: Buffer, keys: CredentialKeys): boolean {
  const stored = record ? Buffer.from(record.verifier, 'base64url') : absentVerifier;
  const expected = stored.length === verifierBytes ? stored : absentVerifier;
  const actual = mac(keys.secret, 'verifier', thingId, record?.generation ?? 0, password);
  const equal = timingSafeEqual(actual, expected);
  return equal && record !== undefined && expected !== absentVerifier;
}

export interface ThingTopics {
  telemetry: string;
  reported: string;
  desired: string;
}

export const thingTopics = (thingId: string): ThingTopics => ({
  telemetry: `things/${thingId}/telemetry`,
  reported: `things/${thingId}/state/reported`,
  desired: `things/${thingId}/state/desired`,
});

/** Where devices connect, from the stage's config. */
export interface DeviceEndpoint {
  /** `mqtt://<host>:1883` locally, `mqtts://<endpoint>:443` deployed. */
  mqttUrl: string;
  /** `{thingId}` is replaced; deployed it may add the authorizer's name as a query suffix. */
  usernameFormat: string;
}

export interface Credentials {
  mqttUrl: string;
  clientId: string;
  username: string;
  password: string;
  topics: ThingTopics;
}

export const usernameFor = (thingId: string, endpoint: DeviceEndpoint): string => endpoint.usernameFormat.split('{thingId}').join(thingId);

export function credentialsResponse(thingId: string, password: string, endpoint: DeviceEndpoint): Credentials {
  return { mqttUrl: endpoint.mqttUrl, clientId: thingId, username: usernameFor(thingId, endpoint), password, topics: thingTopics(thingId) };
}
