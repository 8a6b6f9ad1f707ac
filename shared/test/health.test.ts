import { checkTimeoutMs, runHealthChecks, healthHandler } from '../src/health';
import { serviceHealthRoute } from '../src/health-route';
import { apiEvent, lambdaContext } from '../src/testing/api-event';

describe('runHealthChecks', () => {
  it('reports ok when every check resolves', async () => {
    // Prepare
    const checks = { table: async () => 'fine', bucket: async () => undefined };
    // Act
    const health = await runHealthChecks(checks, () => undefined);
    // Assess
    expect(health).toEqual({ status: 'ok', checks: { table: 'ok', bucket: 'ok' } });
  });

  it('marks the failing check down and names it to the failure callback', async () => {
    const failures: string[] = [];
    const health = await runHealthChecks({ table: async () => undefined, bucket: async () => Promise.reject(new Error('no bucket')) }, (name) => failures.push(name));
    expect(health).toEqual({ status: 'down', checks: { table: 'ok', bucket: 'down' } });
    expect(failures).toEqual(['bucket']);
  });

  it('treats a check that never answers as down', async () => {
    jest.useFakeTimers();
    try {
      const pending = runHealthChecks({ hangs: () => new Promise(() => undefined) }, () => undefined);
      await jest.advanceTimersByTimeAsync(4500);
      await expect(pending).resolves.toEqual({ status: 'down', checks: { hangs: 'down' } });
    } finally {
      jest.useRealTimers();
    }
  });

  it('asks a check that did not answer in its first window once more: a cold first request is not an outage', async () => {
    jest.useFakeTimers();
    try {
      // Prepare: the first call takes 3 s (a cold client), the next answers at once.
      let calls = 0;
      const slowFirst = () => (++calls === 1 ? new Promise((resolve) => setTimeout(resolve, 3000)) : Promise.resolve());
      const failures: string[] = [];

      // Act
      const pending = runHealthChecks({ table: slowFirst }, (name) => failures.push(name));
      await jest.advanceTimersByTimeAsync(checkTimeoutMs + 10);

      // Assess
      await expect(pending).resolves.toEqual({ status: 'ok', checks: { table: 'ok' } });
      expect([calls, failures]).toEqual([2, []]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('does not ask again a check that failed rather than timed out', async () => {
    // Prepare
    let calls = 0;
    const refused = async () => {
      calls++;
      throw new Error('connect ECONNREFUSED');
    };
    // Act
    const health = await runHealthChecks({ table: refused }, () => undefined);
    // Assess
    expect([health.status, calls]).toEqual(['down', 1]);
  });
});

describe('healthHandler', () => {
  beforeAll(() => {
    process.env.LOG_LEVEL = 'silent';
  });

  it('answers 200 without a token when healthy', async () => {
    const handler = healthHandler(serviceHealthRoute('svc'), { table: async () => undefined });
    const result = await handler(apiEvent({ method: 'GET', path: '/health/svc' }), lambdaContext());
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body ?? '')).toEqual({ status: 'ok', checks: { table: 'ok' } });
    expect(result.headers?.['x-request-id']).toBeTruthy();
  });

  it('answers 503 when a check fails, without leaking the error', async () => {
    const handler = healthHandler(serviceHealthRoute('svc'), { table: async () => Promise.reject(new Error('ResourceNotFoundException: secret detail')) });
    const result = await handler(apiEvent({ method: 'GET', path: '/health/svc' }), lambdaContext());
    expect(result.statusCode).toBe(503);
    expect(result.body).not.toContain('secret detail');
    expect(JSON.parse(result.body ?? '')).toEqual({ status: 'down', checks: { table: 'down' } });
  });
});
