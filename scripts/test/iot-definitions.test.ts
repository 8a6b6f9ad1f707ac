// How the local IoT twin finds the authorizer and the topic rules in a service's serverless.yml, and how it
// refuses what it cannot emulate: at platform start, naming the file, the function and the construct.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { lambdaLogicalId, loadIotDefinitions } from '../platform/iot/definitions';
import type { ServiceDefinition } from '../platform/service-definitions';

let root: string;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'iot-definitions-'));
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function service(yaml: string, name = 'iot'): ServiceDefinition {
  const dir = path.join(root, 'services', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'serverless.yml'), yaml);
  return { name, serviceName: `photonotes-${name}`, dir, httpPort: 3106, lambdaPort: 3206, websocketPort: null, routes: [], cognitoTriggers: {}, topics: [] };
}

const iotService = `
service: photonotes-iot
functions:
  iotAuthorizer:
    handler: src/functions/iot-authorizer.handler
  ingestTelemetry:
    handler: src/functions/ingest-telemetry.handler
    maximumRetryAttempts: 1
    events:
      - iot:
          sql: "SELECT *, topic(2) AS thingId, timestamp() AS receivedAt, clientid() AS clientId FROM 'things/+/telemetry'"
          sqlVersion: '2016-03-23'
  presence:
    handler: src/functions/presence.handler
    events:
      - iot:
          sql: "SELECT * FROM '$aws/events/presence/+/+'"
      - iot:
          sql: "SELECT * FROM 'things/+/old'"
          enabled: false
  reportState:
    handler: src/functions/report-state.handler
    events:
      - httpApi: { method: GET, path: /things }
resources:
  Resources:
    ThingsAuthorizer:
      Type: AWS::IoT::Authorizer
      Properties:
        AuthorizerName: \${self:service}-\${sls:stage}-things
        AuthorizerFunctionArn: !GetAtt IotAuthorizerLambdaFunction.Arn
        SigningDisabled: true
        Status: ACTIVE
`;

describe('reading IoT from serverless.yml', () => {
  it('finds the authorizer function and every enabled rule with its target and retry policy', () => {
    // Act
    const definitions = loadIotDefinitions([service(iotService)]);

    // Assess
    expect(definitions.authorizers).toEqual([
      { service: 'iot', name: 'photonotes-iot-local-things', logicalId: 'ThingsAuthorizer', target: { lambdaPort: 3206, functionName: 'photonotes-iot-local-iotAuthorizer' } },
    ]);
    expect(definitions.rules.map((rule) => [rule.ruleId, rule.target.functionName, rule.statement.topicFilter, rule.retry])).toEqual([
      ['IngestTelemetryIotTopicRule1', 'photonotes-iot-local-ingestTelemetry', 'things/+/telemetry', { maximumRetryAttempts: 1, maximumEventAgeSeconds: 21_600 }],
      ['PresenceIotTopicRule1', 'photonotes-iot-local-presence', '$aws/events/presence/+/+', { maximumRetryAttempts: 2, maximumEventAgeSeconds: 21_600 }],
    ]);
  });

  it('names functions as the framework names their logical ids', () => {
    expect(lambdaLogicalId('iotAuthorizer')).toBe('IotAuthorizerLambdaFunction');
    expect(lambdaLogicalId('iot-authorizer_v2')).toBe('IotDashauthorizerUnderscorev2LambdaFunction');
  });

  it('accepts the long forms of GetAtt', () => {
    const yaml = iotService.replace('!GetAtt IotAuthorizerLambdaFunction.Arn', "{ 'Fn::GetAtt': [IotAuthorizerLambdaFunction, Arn] }");
    expect(loadIotDefinitions([service(yaml)]).authorizers[0]?.target.functionName).toBe('photonotes-iot-local-iotAuthorizer');
  });

  it('starts nothing for services without IoT', () => {
    expect(loadIotDefinitions([service('service: photonotes-users\nfunctions:\n  health:\n    handler: h.handler\n', 'users')])).toEqual({ authorizers: [], rules: [] });
  });

  it.each([
    [iotService.replace("FROM 'things/+/telemetry'", "FROM 'things/+/telemetry' WHERE get(metrics, 'temp') > 3"), /services\/iot\/serverless\.yml: function ingestTelemetry, iot event 1: the local IoT rules engine does not support get\(\)/],
    [iotService.replace('SELECT *, topic(2)', 'SELECT *, principal() AS p, topic(2)'), /function ingestTelemetry.*principal\(\)/],
    [iotService.replace("sqlVersion: '2016-03-23'", "sqlVersion: '2020-01-01'"), /sqlVersion/],
    [iotService.replace('SigningDisabled: true', 'SigningDisabled: false'), /ThingsAuthorizer.*SigningDisabled: true/],
    [iotService.replace('!GetAtt IotAuthorizerLambdaFunction.Arn', 'arn:aws:lambda:us-east-1:123:function:elsewhere'), /AuthorizerFunctionArn must be !GetAtt/],
    [iotService.replace('!GetAtt IotAuthorizerLambdaFunction.Arn', '!GetAtt MissingLambdaFunction.Arn'), /AuthorizerFunctionArn/],
  ])('fails loudly for what it cannot emulate %#', (yaml, message) => {
    expect(() => loadIotDefinitions([service(yaml)])).toThrow(message);
  });

  it('skips an inactive authorizer', () => {
    expect(loadIotDefinitions([service(iotService.replace('Status: ACTIVE', 'Status: INACTIVE'))]).authorizers).toEqual([]);
  });
});
