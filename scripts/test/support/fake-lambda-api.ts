// A stand-in for serverless-offline's Lambda invoke API (POST /2015-03-31/functions/<name>/invocations) on a
// loopback port: each function is a small async handler; every invocation is recorded. A handler that throws
// answers as Lambda does for a function error (200, X-Amz-Function-Error: Unhandled, errorType/errorMessage).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeHandler = (event: unknown) => unknown;

export interface Invocation {
  functionName: string;
  event: unknown;
}

export interface FakeLambdaApi {
  port: number;
  invocations: Invocation[];
  /** The events a function received so far. */
  eventsOf(functionName: string): unknown[];
  close(): Promise<void>;
}

export async function startFakeLambdaApi(handlers: Record<string, FakeHandler>): Promise<FakeLambdaApi> {
  const invocations: Invocation[] = [];
  const server = http.createServer((req, res) => {
    const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(req.url ?? '');
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const functionName = decodeURIComponent(match?.[1] ?? '');
      const handler = handlers[functionName];
      if (req.method !== 'POST' || !handler) {
        res.writeHead(404, { 'x-amzn-errortype': 'ResourceNotFoundException' }).end(JSON.stringify({ Message: `Function not found: ${functionName}` }));
        return;
      }
      const event = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as unknown;
      invocations.push({ functionName, event });
      Promise.resolve()
        .then(() => handler(event))
        .then(
          (result) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result ?? null)),
          (error: unknown) =>
            res
              .writeHead(200, { 'content-type': 'application/json', 'x-amz-function-error': 'Unhandled' })
              .end(JSON.stringify({ errorType: 'Error', errorMessage: error instanceof Error ? error.message : String(error) })),
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    invocations,
    eventsOf: (functionName) => invocations.filter((i) => i.functionName === functionName).map((i) => i.event),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The policy the iot service's authorizer is meant to return for a thing: its own topics, nothing else. */
export function thingPolicy(thingId: string, arnPrefix = 'arn:aws:iot:us-east-1:000000000000'): object {
  return {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'iot:Connect', Resource: `${arnPrefix}:client/${thingId}` },
      { Effect: 'Allow', Action: 'iot:Publish', Resource: [`${arnPrefix}:topic/things/${thingId}/telemetry`, `${arnPrefix}:topic/things/${thingId}/state/reported`] },
      { Effect: 'Allow', Action: 'iot:Subscribe', Resource: `${arnPrefix}:topicfilter/things/${thingId}/state/desired` },
      { Effect: 'Allow', Action: 'iot:Receive', Resource: `${arnPrefix}:topic/things/${thingId}/state/desired` },
    ],
  };
}

/** A trivial authorizer: the password of thing `t` is `pw-t`. */
export function passwordAuthorizer(event: unknown): unknown {
  const mqtt = (event as { protocolData?: { mqtt?: { username?: string; password?: string; clientId?: string } } }).protocolData?.mqtt ?? {};
  const thingId = mqtt.username ?? '';
  const password = Buffer.from(mqtt.password ?? '', 'base64').toString('utf8');
  if (!/^[A-Za-z0-9-]+$/.test(thingId) || password !== `pw-${thingId}`) return { isAuthenticated: false };
  return { isAuthenticated: true, principalId: thingId.replace(/-/g, ''), policyDocuments: [thingPolicy(thingId)], disconnectAfterInSeconds: 3600, refreshAfterInSeconds: 300 };
}
