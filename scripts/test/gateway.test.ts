import http, { type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRouter, isHealthPath, maxInFlightPerService, offlineRefusal, startGateway } from '../platform/gateway';
import type { ServiceDefinition } from '../platform/service-definitions';

function service(name: string, routes: Array<[string, string]>): ServiceDefinition {
  return { name, serviceName: `photonotes-${name}`, dir: name, httpPort: 1, lambdaPort: 2, websocketPort: null, routes: routes.map(([method, path]) => ({ method, path })), cognitoTriggers: {}, topics: [] };
}

describe('gateway router', () => {
  const users = service('users', [
    ['GET', '/users/me'],
    ['GET', '/users/{userId}'],
    ['GET', '/health'],
    ['*', '*'],
  ]);
  const notes = service('core-api', [
    ['POST', '/notes'],
    ['GET', '/notes/{id}'],
  ]);
  const media = service('thumbnails', [['GET', '/media/{key+}']]);
  const route = createRouter([users, notes, media]);

  it('prefers a literal segment over a path parameter', () => {
    expect(route('GET', '/users/me')?.name).toBe('users');
    expect(route('GET', '/users/abc')?.name).toBe('users');
  });

  it('routes by method and path to the owning service', () => {
    expect(route('POST', '/notes')?.name).toBe('core-api');
    expect(route('GET', '/notes/123')?.name).toBe('core-api');
  });

  it('matches greedy parameters across slashes', () => {
    expect(route('GET', '/media/uploads/u1/abc.jpg')?.name).toBe('thumbnails');
  });

  it('sends unknown paths and methods to the catch-all route', () => {
    expect(route('DELETE', '/notes')?.name).toBe('users');
    expect(route('GET', '/nope/nothing')?.name).toBe('users');
  });

  it('answers null when no service has a catch-all', () => {
    const withoutCatchAll = createRouter([notes]);
    expect(withoutCatchAll('GET', '/unknown')).toBeNull();
    expect(withoutCatchAll('GET', '/notes/1/extra')).toBeNull();
  });
});

describe('serverless-offline refusals through the gateway', () => {
  it('turns hapi\'s 400 for an unreadable Content-Type into the 415 the chain gives a wrong content type', () => {
    // Act
    const refusal = offlineRefusal(400, '{"statusCode":400,"error":"Bad Request","message":"Invalid content-type header"}');

    // Assess
    expect(refusal).toEqual({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Content-Type must be application/json' });
  });

  it('keeps the status of other 4xx refusals with the contract\'s code', () => {
    // Act
    const badRequest = offlineRefusal(400, '{"statusCode":400,"error":"Bad Request","message":"Invalid request payload JSON format"}');
    const tooLarge = offlineRefusal(413, '{"statusCode":413}');

    // Assess
    expect(badRequest).toEqual({ status: 400, code: 'VALIDATION_FAILED', message: 'The request could not be read' });
    expect(tooLarge).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('leaves a crash (a 200 or 502 without the request id) to be answered as a 500', () => {
    // Act and Assess
    expect(offlineRefusal(200, '{"errorMessage":"boom"}')).toBeNull();
    expect(offlineRefusal(502, '')).toBeNull();
  });
});

describe('the gateway’s admission of health requests', () => {
  it('lets a health check through while the service’s other requests fill its queue', async () => {
    // Prepare: a service that holds every request but its health route, and more held requests than it may run at once.
    const held: ServerResponse[] = [];
    let released = false;
    const answer = (res: ServerResponse) => res.writeHead(200, { 'x-request-id': 'r' }).end('{}');
    const upstream = http.createServer((req, res) => {
      if (req.url === '/health/core-api' || released) answer(res);
      else held.push(res);
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const target = { ...service('core-api', [['GET', '/notes'], ['GET', '/health/core-api']]), httpPort: (upstream.address() as AddressInfo).port };
    const gateway = await startGateway({ port: 0, host: '127.0.0.1', services: [target], fallbackHealth: async () => ({ status: 503, body: {} }) });
    const base = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
    const busy = Array.from({ length: maxInFlightPerService + 2 }, () => fetch(`${base}/notes`).catch(() => undefined));
    try {
      while (held.length < maxInFlightPerService) await new Promise((resolve) => setTimeout(resolve, 10));

      // Act
      const health = await fetch(`${base}/health/core-api`, { signal: AbortSignal.timeout(2000) });

      // Assess
      expect(health.status).toBe(200);
      expect(held).toHaveLength(maxInFlightPerService);
    } finally {
      released = true;
      held.forEach(answer);
      await Promise.all(busy);
      await new Promise((resolve) => gateway.close(resolve));
      await new Promise((resolve) => upstream.close(resolve));
    }
  });

  it('knows the aggregate and each service’s health route, and nothing else', () => {
    expect(['/health', '/health/core-api', '/health/search'].map(isHealthPath)).toEqual([true, true, true]);
    expect(['/healthz', '/health/core-api/x', '/notes', '/health/'].map(isHealthPath)).toEqual([false, false, false, false]);
  });
});
