// The authorizer's timers on a live connection: the twin asks the authorizer again every refreshAfterInSeconds
// (a refusal ends the connection) and closes it after disconnectAfterInSeconds. An authorizer second lasts
// 1 ms here (msPerSecond), so 300 s is 0.3 s.
import { thingPolicy } from './support/fake-lambda-api';
import { closed, eventually, fn, startTestTwin, type TestTwin } from './support/iot-twin';

const serverlessYml = `
service: photonotes-iot
functions:
  iotAuthorizer:
    handler: src/functions/iot-authorizer.handler
  presence:
    handler: src/functions/presence.handler
    events:
      - iot:
          sql: "SELECT * FROM '$aws/events/presence/disconnected/+'"
resources:
  Resources:
    ThingsAuthorizer:
      Type: AWS::IoT::Authorizer
      Properties:
        AuthorizerFunctionArn: !GetAtt IotAuthorizerLambdaFunction.Arn
        SigningDisabled: true
`;

let setup: TestTwin;
const calls = new Map<string, number>();

beforeAll(async () => {
  setup = await startTestTwin(
    serverlessYml,
    {
      [fn('iotAuthorizer')]: (event) => {
        const thingId = (event as { protocolData: { mqtt: { username: string } } }).protocolData.mqtt.username;
        const call = (calls.get(thingId) ?? 0) + 1;
        calls.set(thingId, call);
        // thing-revoked: its credentials are rotated after it connected.
        if (thingId === 'thing-revoked' && call > 1) return { isAuthenticated: false };
        const lifetime = thingId === 'thing-short' ? 900 : 86_400;
        return { isAuthenticated: true, principalId: thingId.replace(/-/g, ''), policyDocuments: [thingPolicy(thingId)], refreshAfterInSeconds: 300, disconnectAfterInSeconds: lifetime };
      },
      [fn('presence')]: () => null,
    },
    { msPerSecond: 1 },
  );
});

afterAll(async () => {
  await setup?.stop();
});

const disconnectReason = (clientId: string) =>
  (setup.lambda.eventsOf(fn('presence')) as Array<{ clientId: string; disconnectReason: string }>).find((event) => event.clientId === clientId)?.disconnectReason;

it('asks the authorizer again after refreshAfterInSeconds and ends the connection when it now refuses', async () => {
  // Act
  const started = Date.now();
  const client = await setup.connect('thing-revoked');
  await closed(client);

  // Assess
  expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  expect(calls.get('thing-revoked')).toBe(2);
  expect(await eventually(() => disconnectReason('thing-revoked'), 'the disconnected event')).toBe('AUTH_ERROR');
});

it('keeps refreshing an accepted connection and closes it after disconnectAfterInSeconds', async () => {
  // Act
  const started = Date.now();
  const client = await setup.connect('thing-short');
  await closed(client);

  // Assess
  expect(Date.now() - started).toBeGreaterThanOrEqual(890);
  expect(calls.get('thing-short')).toBeGreaterThanOrEqual(3);
  expect(await eventually(() => disconnectReason('thing-short'), 'the disconnected event')).toBe('SERVER_INITIATED_DISCONNECT');
});
