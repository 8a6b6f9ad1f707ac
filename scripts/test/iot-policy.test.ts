// The local IoT policy evaluator and the custom authorizer contract: what a policy allows (topic vs topicfilter
// ARNs, IAM wildcards, Deny wins, policy variables), and which authorizer answers refuse a connection.
import { authorizerEvent, readAuthorizerAnswer } from '../platform/iot/authorizer';
import { iotArn, isAllowed, parsePolicy, PolicyError, type IotAction, type PolicyDocument } from '../platform/iot/policy';

const arn = (resource: string) => iotArn('us-east-1', '000000000000', resource);
const prefix = 'arn:aws:iot:us-east-1:000000000000';

/** The shape the iot service's authorizer is expected to return for thing t1. */
const thingPolicy = parsePolicy({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: 'iot:Connect', Resource: `${prefix}:client/t1` },
    { Effect: 'Allow', Action: 'iot:Publish', Resource: [`${prefix}:topic/things/t1/telemetry`, `${prefix}:topic/things/t1/state/reported`] },
    { Effect: 'Allow', Action: 'iot:Subscribe', Resource: `${prefix}:topicfilter/things/t1/state/desired` },
    { Effect: 'Allow', Action: 'iot:Receive', Resource: `${prefix}:topic/things/t1/state/desired` },
  ],
});

const check = (policies: PolicyDocument[], action: IotAction, resource: string, clientId = 't1') => isAllowed(policies, action, arn(resource), { clientId });

describe('IoT policy evaluation', () => {
  it("allows exactly a thing's own topics", () => {
    expect(check([thingPolicy], 'iot:Connect', 'client/t1')).toBe(true);
    expect(check([thingPolicy], 'iot:Connect', 'client/t2', 't2')).toBe(false);
    expect(check([thingPolicy], 'iot:Publish', 'topic/things/t1/telemetry')).toBe(true);
    expect(check([thingPolicy], 'iot:Publish', 'topic/things/t2/telemetry')).toBe(false);
    expect(check([thingPolicy], 'iot:Publish', 'topic/things/t1/state/desired')).toBe(false);
    expect(check([thingPolicy], 'iot:RetainPublish', 'topic/things/t1/telemetry')).toBe(false);
  });

  it('keeps topic and topicfilter ARNs apart', () => {
    expect(check([thingPolicy], 'iot:Subscribe', 'topicfilter/things/t1/state/desired')).toBe(true);
    expect(check([thingPolicy], 'iot:Subscribe', 'topic/things/t1/state/desired')).toBe(false);
    expect(check([thingPolicy], 'iot:Receive', 'topicfilter/things/t1/state/desired')).toBe(false);
    expect(check([thingPolicy], 'iot:Receive', 'topic/things/t1/state/desired')).toBe(true);
  });

  it('reads MQTT wildcards in a topicfilter ARN as plain characters', () => {
    expect(check([thingPolicy], 'iot:Subscribe', 'topicfilter/things/+/state/desired')).toBe(false);
    expect(check([thingPolicy], 'iot:Subscribe', 'topicfilter/things/t1/#')).toBe(false);
    const plusOnly = parsePolicy({ Statement: { Effect: 'Allow', Action: 'iot:Subscribe', Resource: `${prefix}:topicfilter/things/+/state/desired` } });
    expect(check([plusOnly], 'iot:Subscribe', 'topicfilter/things/+/state/desired')).toBe(true);
    expect(check([plusOnly], 'iot:Subscribe', 'topicfilter/things/t1/state/desired')).toBe(false);
  });

  it("matches IAM wildcards: * across slashes, ? one character, actions in any case", () => {
    const broad = parsePolicy({ Statement: [{ Effect: 'Allow', Action: ['IOT:pub*'], Resource: [`${prefix}:topic/things/*`, `arn:aws:iot:*:*:topic/dev?ce`] }] });
    expect(check([broad], 'iot:Publish', 'topic/things/t9/state/reported')).toBe(true);
    expect(check([broad], 'iot:Publish', 'topic/device')).toBe(true);
    expect(check([broad], 'iot:Publish', 'topic/devices')).toBe(false);
    expect(check([broad], 'iot:Subscribe', 'topicfilter/things/t9')).toBe(false);
    expect(check([broad], 'iot:Publish', 'topic/other')).toBe(false);
  });

  it('lets an explicit Deny win over any Allow, across policies', () => {
    const allowAll = parsePolicy({ Statement: { Effect: 'Allow', Action: 'iot:*', Resource: '*' } });
    const denyAlerts = parsePolicy(JSON.stringify({ Statement: { Effect: 'Deny', Action: 'iot:Publish', Resource: `${prefix}:topic/alerts/*` } }));
    expect(check([allowAll, denyAlerts], 'iot:Publish', 'topic/alerts/fire')).toBe(false);
    expect(check([denyAlerts, allowAll], 'iot:Publish', 'topic/alerts/fire')).toBe(false);
    expect(check([allowAll, denyAlerts], 'iot:Publish', 'topic/things/t1/telemetry')).toBe(true);
    expect(check([], 'iot:Connect', 'client/t1')).toBe(false);
  });

  it('supports NotAction and NotResource', () => {
    const policy = parsePolicy({ Statement: [{ Effect: 'Allow', NotAction: 'iot:Connect', NotResource: `${prefix}:topic/secret` }] });
    expect(check([policy], 'iot:Publish', 'topic/open')).toBe(true);
    expect(check([policy], 'iot:Publish', 'topic/secret')).toBe(false);
    expect(check([policy], 'iot:Connect', 'client/t1')).toBe(false);
  });

  it('fills in ${iot:ClientId} literally and matches nothing for an unknown variable', () => {
    const byClient = parsePolicy({
      Statement: [
        { Effect: 'Allow', Action: 'iot:Publish', Resource: `${prefix}:topic/things/\${iot:ClientId}/telemetry` },
        { Effect: 'Allow', Action: 'iot:Subscribe', Resource: `${prefix}:topicfilter/things/\${iot:Connection.Thing.ThingName}/#` },
      ],
    });
    expect(check([byClient], 'iot:Publish', 'topic/things/t1/telemetry', 't1')).toBe(true);
    expect(check([byClient], 'iot:Publish', 'topic/things/t2/telemetry', 't1')).toBe(false);
    // A client id with IAM wildcard characters is not a pattern.
    expect(check([byClient], 'iot:Publish', 'topic/things/abc/telemetry', '*')).toBe(false);
    expect(check([byClient], 'iot:Subscribe', 'topicfilter/things/t1/#', 't1')).toBe(false);
  });

  it.each([
    [{}, /Statement/],
    [{ Statement: [{ Effect: 'Maybe', Action: 'iot:*', Resource: '*' }] }, /Effect/],
    [{ Statement: [{ Effect: 'Allow', Resource: '*' }] }, /Action/],
    [{ Statement: [{ Effect: 'Allow', Action: 'iot:*' }] }, /Resource/],
    [{ Statement: [{ Effect: 'Allow', Action: 'iot:*', Resource: '*', Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } } }] }, /Condition/],
    ['{not json', /JSON/],
  ])('refuses a malformed policy %#', (policy, message) => {
    expect(() => parsePolicy(policy)).toThrow(PolicyError);
    expect(() => parsePolicy(policy)).toThrow(message);
  });
});

describe('the custom authorizer contract', () => {
  it('sends the MQTT username, the password in base64 and the client id, with signing off', () => {
    // Act
    const event = authorizerEvent({ username: 't1?x-amz-customauthorizer-name=things', password: Buffer.from('s3cret'), clientId: 't1', connectionId: 'c-1' });

    // Assess
    expect(event).toEqual({
      signatureVerified: false,
      protocols: ['mqtt'],
      protocolData: { mqtt: { username: 't1?x-amz-customauthorizer-name=things', password: Buffer.from('s3cret').toString('base64'), clientId: 't1' } },
      connectionMetadata: { id: 'c-1' },
    });
  });

  it('leaves out what the device did not send', () => {
    expect(authorizerEvent({ username: undefined, password: undefined, clientId: '', connectionId: 'c' }).protocolData.mqtt).toEqual({});
  });

  const good = { isAuthenticated: true, principalId: 'thingT1', policyDocuments: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iot:Connect', Resource: '*' }] }], disconnectAfterInSeconds: 3600, refreshAfterInSeconds: 300 };

  it('accepts a well-formed answer, policies as objects or JSON text', () => {
    const answer = readAuthorizerAnswer({ ...good, policyDocuments: [good.policyDocuments[0], JSON.stringify(good.policyDocuments[0])] });
    expect(answer).toEqual({ authenticated: true, decision: expect.objectContaining({ principalId: 'thingT1', disconnectAfterSeconds: 3600, refreshAfterSeconds: 300 }) });
    if (answer.authenticated) expect(answer.decision.policies).toHaveLength(2);
  });

  it('defaults the connection lifetime to 24 h and no refresh', () => {
    const { disconnectAfterInSeconds: _d, refreshAfterInSeconds: _r, ...minimal } = good;
    expect(readAuthorizerAnswer(minimal)).toEqual({ authenticated: true, decision: expect.objectContaining({ disconnectAfterSeconds: 86_400, refreshAfterSeconds: null }) });
  });

  it.each([
    [{ ...good, isAuthenticated: false }, /isAuthenticated: false/],
    [{ ...good, isAuthenticated: 'yes' }, /isAuthenticated/],
    [null, /object/],
    [{ ...good, principalId: 'thing-t1' }, /principalId/],
    [{ ...good, principalId: 'x'.repeat(129) }, /principalId/],
    [{ ...good, policyDocuments: [] }, /policyDocuments/],
    [{ ...good, policyDocuments: Array.from({ length: 11 }, () => good.policyDocuments[0]) }, /more than 10/],
    [{ ...good, policyDocuments: [{ Statement: [{ Effect: 'Allow', Action: 'iot:Connect', Resource: 'r'.repeat(2100) }] }] }, /2048/],
    [{ ...good, disconnectAfterInSeconds: 60 }, /disconnectAfterInSeconds/],
    [{ ...good, refreshAfterInSeconds: 100_000 }, /refreshAfterInSeconds/],
    [{ ...good, policyDocuments: [{ Statement: [{ Effect: 'Allow', Action: 'iot:*' }] }] }, /Resource/],
  ])('refuses the connection for answer %#, saying why', (payload, reason) => {
    const answer = readAuthorizerAnswer(payload);
    expect(answer.authenticated).toBe(false);
    if (!answer.authenticated) expect(answer.reason).toMatch(reason);
  });
});
