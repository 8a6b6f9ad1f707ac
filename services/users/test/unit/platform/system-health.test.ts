// GET /health (the platform's aggregate health): every service's own probe, asked over the API.
import { apiEvent, lambdaContext } from '@photonotes/shared/testing/api-event';
import { checkBudgetMs } from '@photonotes/shared/health';
import { httpServiceProbe, probeTimeoutMs } from '../../../src/platform/adapters/service-health-probe';
import { serviceNames, systemHealth } from '../../../src/platform/domain/system-health';
import type { ServiceName, ServiceStatus } from '../../../src/platform/domain/system-health';
import type { HttpHandler } from '@photonotes/shared/http';

describe('systemHealth', () => {
  test('ok when every service is ok', async () => {
    // Act
    const health = await systemHealth(async () => 'ok');

    // Assess
    expect(health).toEqual({ status: 'ok', services: Object.fromEntries(serviceNames.map((name) => [name, 'ok'])) });
  });

  test('degraded, naming the service that is down or whose probe throws', async () => {
    // Prepare
    const probe = async (service: ServiceName): Promise<ServiceStatus> => {
      if (service === 'search') return 'down';
      if (service === 'thumbnails') throw new Error('ECONNREFUSED');
      return 'ok';
    };

    // Act
    const health = await systemHealth(probe);

    // Assess
    expect(health.status).toBe('degraded');
    expect(health.services).toMatchObject({ users: 'ok', search: 'down', thumbnails: 'down' });
  });
});

describe('httpServiceProbe', () => {
  test("asks the service's own health route on the API and reads its status", async () => {
    // Prepare
    const urls: string[] = [];
    const fetchImpl = (async (url: string | URL | Request) => {
      urls.push(String(url));
      return new Response('{}', { status: String(url).endsWith('/search') ? 503 : 200 });
    }) as typeof fetch;
    const probe = httpServiceProbe('http://api.test', fetchImpl);

    // Act
    const statuses = [await probe('users'), await probe('search')];

    // Assess
    expect(urls).toEqual(['http://api.test/health/users', 'http://api.test/health/search']);
    expect(statuses).toEqual(['ok', 'down']);
  });

  test('waits for a slow service past its own checks (a cold start), and gives up on one that hangs', async () => {
    // Prepare: a service that never answers, and a probe with a short limit for the test.
    const hanging = ((_url: string | URL | Request, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)))) as typeof fetch;
    const probe = httpServiceProbe('http://api.test', hanging, 50);

    // Act
    const status = await systemHealth(async (service) => (service === 'iot' ? probe(service) : 'ok'));

    // Assess: a service's own health takes up to its checks' limit, then its start; the probe allows both.
    expect(status.services.iot).toBe('down');
    expect(probeTimeoutMs).toBeGreaterThanOrEqual(checkBudgetMs + 2000);
  });
});

describe('the catch-all route', () => {
  test('answers an unknown path or method with the API error body, without a token', async () => {
    // Prepare
    process.env.LOG_LEVEL = 'silent';
    let handler: HttpHandler | undefined;
    jest.isolateModules(() => {
      handler = jest.requireActual<{ handler: HttpHandler }>('../../../src/platform/functions/not-found').handler;
    });

    // Act
    const result = await handler?.(apiEvent({ method: 'DELETE', path: '/nowhere', requestId: 'req-404' }), lambdaContext());

    // Assess
    expect(result?.statusCode).toBe(404);
    expect(JSON.parse(String(result?.body))).toEqual({ error: { code: 'NOT_FOUND', message: 'No route for DELETE /nowhere', requestId: 'req-404' } });
  });
});
