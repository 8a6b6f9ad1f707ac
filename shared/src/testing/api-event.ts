// Test-only builders for API Gateway HTTP API (payload v2) events and Lambda contexts, shared by service tests.
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';

export interface ApiEventInput {
  method?: string;
  /** Raw path, e.g. '/notes/n1'. */
  path?: string;
  routeKey?: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  pathParameters?: Record<string, string>;
  /** Strings are sent as-is; anything else is JSON-encoded with content-type application/json. */
  body?: unknown;
  isBase64Encoded?: boolean;
  /** Adds `authorization: Bearer <token>`. */
  token?: string;
  requestId?: string;
}

export function apiEvent(input: ApiEventInput = {}): APIGatewayProxyEventV2 {
  const method = input.method ?? 'GET';
  const path = input.path ?? '/';
  const headers: Record<string, string> = {};
  let body: string | undefined;
  if (typeof input.body === 'string') {
    body = input.body;
  } else if (input.body !== undefined) {
    body = JSON.stringify(input.body);
    headers['content-type'] = 'application/json';
  }
  if (input.token !== undefined) headers.authorization = `Bearer ${input.token}`;
  Object.assign(headers, input.headers);
  const rawQueryString = new URLSearchParams(input.query ?? {}).toString();
  return {
    version: '2.0',
    routeKey: input.routeKey ?? `${method} ${path}`,
    rawPath: path,
    rawQueryString,
    headers,
    ...(input.query ? { queryStringParameters: input.query } : {}),
    ...(input.pathParameters ? { pathParameters: input.pathParameters } : {}),
    ...(body !== undefined ? { body } : {}),
    isBase64Encoded: input.isBase64Encoded ?? false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: input.requestId ?? 'apigw-request-id-1',
      routeKey: input.routeKey ?? `${method} ${path}`,
      stage: '$default',
      time: '28/Nov/2026:09:00:00 +0000',
      timeEpoch: 1_795_856_400_000,
    },
  };
}

export function lambdaContext(overrides: Partial<Context> = {}): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'test-function',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:test-function',
    memoryLimitInMB: '1024',
    awsRequestId: 'lambda-request-id-1',
    logGroupName: '/aws/lambda/test-function',
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
    ...overrides,
  };
}
