// The route-description helpers (src/openapi.ts, src/health-route.ts) and raw, non-JSON answers of the HTTP chain
// (docs page, assets).
import * as z from 'zod/mini';
import { serviceHealthRoute } from '../src/health-route';
import { http, raw } from '../src/http';
import { apiSchemas, describes, named } from '../src/openapi';
import { apiEvent, lambdaContext } from '../src/testing/api-event';
import { captureLogger } from './support/log-capture';

describe('describes', () => {
  test('accepts a schema whose output is the type, and refuses one that differs (compile time)', () => {
    // Prepare
    interface Thing {
      id: string;
      count: number;
    }

    // Act
    const schema = describes<Thing>()(z.object({ id: z.string(), count: z.number() }));
    // @ts-expect-error -- a field is missing
    describes<Thing>()(z.object({ id: z.string() }));
    // @ts-expect-error -- a field has another type
    describes<Thing>()(z.object({ id: z.string(), count: z.string() }));

    // Assess
    expect(z.parse(schema, { id: 'a', count: 1 })).toEqual({ id: 'a', count: 1 });
  });
});

describe('named', () => {
  test('one name, one schema', () => {
    // Prepare
    const first = named('OnlyOnce', z.object({ a: z.string() }));

    // Act
    const again = () => named('OnlyOnce', z.object({ b: z.string() }));

    // Assess
    expect(named('OnlyOnce', first)).toBe(first);
    expect(again).toThrow(/Two schemas are named OnlyOnce/);
    expect(apiSchemas.get(first)).toEqual({ id: 'OnlyOnce' });
  });
});

test('serviceHealthRoute describes a public per-service probe', () => {
  // Act
  const route = serviceHealthRoute('core-api');

  // Assess
  expect(route).toMatchObject({ service: 'core-api', method: 'GET', path: '/health/core-api', operationId: 'healthCoreApi', auth: false });
  expect(Object.keys(route.responses)).toEqual(['200', '503']);
});

describe('raw answers', () => {
  const handlerFor = (body: string | Uint8Array, contentType: string) =>
    http({ service: 'test', auth: false }, { logger: captureLogger().logger }).handler(async () => raw(200, body, contentType, { 'cache-control': 'no-cache' }));

  test('text goes out as it is, with its content type and the request id', async () => {
    // Act
    const result = await handlerFor('<!doctype html><p>hi</p>', 'text/html; charset=utf-8')(apiEvent({ requestId: 'req-9' }), lambdaContext());

    // Assess
    expect(result).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache', 'x-request-id': 'req-9' },
      body: '<!doctype html><p>hi</p>',
      isBase64Encoded: false,
    });
  });

  test('bytes go out base64-encoded', async () => {
    // Act
    const result = await handlerFor(Buffer.from([0x89, 0x50, 0x4e, 0x47]), 'image/png')(apiEvent(), lambdaContext());

    // Assess
    expect(result.isBase64Encoded).toBe(true);
    expect(Buffer.from(String(result.body), 'base64')).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    expect(result.headers?.['content-type']).toBe('image/png');
  });
});
