import type * as NodeCrypto from 'node:crypto';
import { authorizeConnect, principalIdFor, thingPolicy } from '../../src/domain/authorizer';
import type { StoredCredential } from '../../src/domain/authorizer';
import { credentialsResponse, issueCredential, verifyPassword } from '../../src/domain/credentials';

// Counting calls into node:crypto shows the work per attempt (the constant-time property is structural:
// the same HMAC and the same fixed-size comparison whatever is presented).
jest.mock('node:crypto', () => {
  const actual = jest.requireActual<typeof NodeCrypto>('node:crypto');
  return { ...actual, createHmac: jest.fn(actual.createHmac), timingSafeEqual: jest.fn(actual.timingSafeEqual) };
});
const crypto = jest.requireMock<{ createHmac: jest.Mock; timingSafeEqual: jest.Mock }>('node:crypto');

const thingId = '0f8fad5b-d9cb-469f-a165-70867728950e';
const otherId = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const keys = { secret: 'unit-test-secret' };
const context = { region: 'eu-west-1', accountId: '123456789012' };
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

function registered(id = thingId, generation = 1): { password: string; stored: StoredCredential } {
  const issued = issueCredential(id, generation, keys);
  return { password: issued.password, stored: { thingId: id, credential: issued.record } };
}

describe('credentials', () => {
  it('issues a high-entropy password and keeps only a verifier that does not contain it', () => {
    // Act
    const first = issueCredential(thingId, 1, keys);
    const second = issueCredential(thingId, 1, keys);

    // Assess
    expect(first.password).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.password).not.toBe(second.password);
    expect(first.record.generation).toBe(1);
    expect(Buffer.from(first.record.verifier, 'base64url')).toHaveLength(32);
    expect(JSON.stringify(first.record)).not.toContain(first.password);
  });

  it('verifies the password only for its thing, generation and secret', () => {
    // Prepare
    const { password, record } = issueCredential(thingId, 3, keys);
    const bytes = Buffer.from(password);

    // Act
    const results = {
      right: verifyPassword(thingId, record, bytes, keys),
      otherThing: verifyPassword(otherId, record, bytes, keys),
      olderGeneration: verifyPassword(thingId, { ...record, generation: 2 }, bytes, keys),
      otherSecret: verifyPassword(thingId, record, bytes, { secret: 'another-secret' }),
      truncated: verifyPassword(thingId, record, bytes.subarray(1), keys),
      unknown: verifyPassword(thingId, undefined, bytes, keys),
      corruptVerifier: verifyPassword(thingId, { ...record, verifier: 'short' }, bytes, keys),
    };

    // Assess
    expect(results).toEqual({ right: true, otherThing: false, olderGeneration: false, otherSecret: false, truncated: false, unknown: false, corruptVerifier: false });
  });

  it('stops accepting the old password once the generation is rotated', () => {
    // Prepare
    const old = issueCredential(thingId, 1, keys);
    const rotated = issueCredential(thingId, 2, keys);

    // Act
    const oldWithNew = verifyPassword(thingId, rotated.record, Buffer.from(old.password), keys);
    const newWithNew = verifyPassword(thingId, rotated.record, Buffer.from(rotated.password), keys);

    // Assess
    expect([oldWithNew, newWithNew]).toEqual([false, true]);
  });

  it('answers with everything a device needs, the username as the stage formats it', () => {
    // Act
    const local = credentialsResponse(thingId, 'pw', { mqttUrl: 'mqtt://localhost:1883', usernameFormat: '{thingId}' });
    const deployed = credentialsResponse(thingId, 'pw', { mqttUrl: 'mqtts://abc-ats.iot.eu-west-1.amazonaws.com:443', usernameFormat: '{thingId}?x-amz-customauthorizer-name=photonotes-dev-devices' });

    // Assess
    expect(local).toEqual({
      mqttUrl: 'mqtt://localhost:1883',
      clientId: thingId,
      username: thingId,
      password: 'pw',
      topics: { telemetry: `things/${thingId}/telemetry`, reported: `things/${thingId}/state/reported`, desired: `things/${thingId}/state/desired` },
    });
    expect(deployed.username).toBe(`${thingId}?x-amz-customauthorizer-name=photonotes-dev-devices`);
  });
});

describe('authorizeConnect', () => {
  it('allows exactly the thing own connect, publish, subscribe and receive', () => {
    // Prepare
    const { password, stored } = registered();

    // Act
    const response = authorizeConnect({ clientId: thingId, username: thingId, password: b64(password) }, stored, keys, context);

    // Assess
    const arn = 'arn:aws:iot:eu-west-1:123456789012';
    expect(response).toEqual({
      isAuthenticated: true,
      principalId: '0f8fad5bd9cb469fa16570867728950e',
      disconnectAfterInSeconds: 86_400,
      refreshAfterInSeconds: 300,
      policyDocuments: [
        {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: 'iot:Connect', Resource: [`${arn}:client/${thingId}`] },
            { Effect: 'Allow', Action: 'iot:Publish', Resource: [`${arn}:topic/things/${thingId}/telemetry`, `${arn}:topic/things/${thingId}/state/reported`] },
            { Effect: 'Allow', Action: 'iot:Subscribe', Resource: [`${arn}:topicfilter/things/${thingId}/state/desired`] },
            { Effect: 'Allow', Action: 'iot:Receive', Resource: [`${arn}:topic/things/${thingId}/state/desired`] },
          ],
        },
      ],
    });
    expect(JSON.stringify(response.policyDocuments[0]).length).toBeLessThanOrEqual(2048);
    expect(response.principalId).toMatch(/^[A-Za-z0-9]{1,128}$/);
  });

  it('accepts a username carrying the authorizer name as a query suffix', () => {
    // Prepare
    const { password, stored } = registered();

    // Act
    const response = authorizeConnect({ clientId: thingId, username: `${thingId}?x-amz-customauthorizer-name=devices`, password: b64(password) }, stored, keys, context);

    // Assess
    expect(response.isAuthenticated).toBe(true);
  });

  it.each([
    ['a wrong password', { password: b64('wrong') }],
    ['no password', { password: undefined }],
    ['the password not base64-encoded', { password: 'raw' }],
    ['another thing as client id', { clientId: otherId }],
    ['another thing as username', { username: otherId }],
    ['no client id', { clientId: undefined }],
  ])('refuses %s', (_case, change) => {
    // Prepare
    const { password, stored } = registered();

    // Act
    const response = authorizeConnect({ clientId: thingId, username: thingId, password: b64(password), ...change }, stored, keys, context);

    // Assess
    expect(response).toMatchObject({ isAuthenticated: false, policyDocuments: [] });
    expect(response.principalId).toMatch(/^[A-Za-z0-9]{1,128}$/);
  });

  it('refuses another thing own credentials presented under its id', () => {
    // Prepare: the other thing's valid password, with this thing's stored record
    const other = registered(otherId);
    const mine = registered();

    // Act
    const response = authorizeConnect({ clientId: thingId, username: thingId, password: b64(other.password) }, mine.stored, keys, context);

    // Assess
    expect(response.isAuthenticated).toBe(false);
  });

  it('refuses when the stored record is of another thing than the client id', () => {
    // Prepare
    const other = registered(otherId);

    // Act
    const response = authorizeConnect({ clientId: thingId, username: thingId, password: b64(other.password) }, other.stored, keys, context);

    // Assess
    expect(response.isAuthenticated).toBe(false);
  });

  it('does the same work for an unknown thing, a wrong password and a right one: one HMAC, one 32-byte comparison', () => {
    // Prepare
    const { password, stored } = registered();
    const hmac = crypto.createHmac;
    const compare = crypto.timingSafeEqual;
    const attempts = [
      { attempt: { clientId: thingId, username: thingId, password: b64(password) }, stored },
      { attempt: { clientId: thingId, username: thingId, password: b64('x'.repeat(43)) }, stored },
      { attempt: { clientId: otherId, username: otherId, password: b64(password) }, stored: undefined },
      { attempt: { clientId: 'not-a-thing', username: 'nobody', password: b64('') }, stored: undefined },
    ];

    // Act
    const work = attempts.map(({ attempt, stored: record }) => {
      hmac.mockClear();
      compare.mockClear();
      const response = authorizeConnect(attempt, record, keys, context);
      const compared = compare.mock.calls.map(([a, b]) => [(a as Buffer).length, (b as Buffer).length]);
      return { authenticated: response.isAuthenticated, hmacs: hmac.mock.calls.length, compared };
    });

    // Assess
    expect(work).toEqual([
      { authenticated: true, hmacs: 1, compared: [[32, 32]] },
      { authenticated: false, hmacs: 1, compared: [[32, 32]] },
      { authenticated: false, hmacs: 1, compared: [[32, 32]] },
      { authenticated: false, hmacs: 1, compared: [[32, 32]] },
    ]);
  });

  it('builds ARNs for other partitions and passes the timers through', () => {
    // Act
    const policy = thingPolicy(thingId, { partition: 'aws-cn', region: 'cn-north-1', accountId: '210987654321' });
    const response = authorizeConnect({ clientId: thingId, username: thingId, password: b64(registered().password) }, registered().stored, keys, {
      ...context,
      disconnectAfterInSeconds: 3600,
      refreshAfterInSeconds: 600,
    });

    // Assess
    expect(policy.Statement[0]?.Resource).toEqual([`arn:aws-cn:iot:cn-north-1:210987654321:client/${thingId}`]);
    expect(response).toMatchObject({ disconnectAfterInSeconds: 3600, refreshAfterInSeconds: 600 });
    expect(principalIdFor('---')).toBe('thing');
  });
});
