// The three reads as the HTTP chain serves them: for the admins group only, their query strings checked, every day
// of the range in the answer.
import { http, ok } from '@photonotes/shared/http';
import type { HttpHandler } from '@photonotes/shared/http';
import { apiEvent, lambdaContext } from '@photonotes/shared/testing/api-event';
import { createLogger } from '@photonotes/shared/log';
import { fakeVerifier } from '@photonotes/shared/testing/fake-verifier';
import { readEventReport } from '../../src/domain/event-report';
import { resolveRange } from '../../src/domain/read-range';
import { readRetention } from '../../src/domain/retention';
import { readSummary } from '../../src/domain/summary';
import { readEventReportRoute } from '../../src/routes/read-event-report';
import { readRetentionRoute } from '../../src/routes/read-retention';
import { readSummaryRoute } from '../../src/routes/read-summary';
import { FakeAggregates } from './support/fake-aggregates';
import { exactSketches } from './support/exact-sketch';

const verifier = fakeVerifier({ admin: { userId: 'u-admin', email: null, groups: ['admins'] }, user: { userId: 'u-user', email: null } });
const now = new Date('2026-11-30T12:00:00.000Z');
const reader = new FakeAggregates();

// What src/functions/read-*.ts serve, with a test verifier, the fake store and no log lines in the test output.
const logger = createLogger({ service: 'analytics', level: 'silent' });
const handlers: Record<string, HttpHandler> = {
  summary: http(readSummaryRoute, { verifier, logger }).handler(async ({ query }) => ok(await readSummary(resolveRange(query, now), { reader, sketches: exactSketches }))),
  events: http(readEventReportRoute, { verifier, logger }).handler(async ({ path, query }) => ok(await readEventReport(path.type, resolveRange(query, now), query.by, reader))),
  retention: http(readRetentionRoute, { verifier, logger }).handler(async ({ query }) => ok(await readRetention(resolveRange(query, now), query.period, reader))),
};

async function call(route: string, input: Parameters<typeof apiEvent>[0]) {
  const result = await (handlers[route] as HttpHandler)(apiEvent(input), lambdaContext());
  return { status: result.statusCode, body: JSON.parse(result.body ?? '{}') as Record<string, unknown> };
}

describe('the admin reads', () => {
  it.each([
    ['summary', { path: '/analytics/summary' }],
    ['events', { path: '/analytics/events/photo.taken', pathParameters: { type: 'photo.taken' } }],
    ['retention', { path: '/analytics/retention' }],
  ])('%s: 200 for an admin, 403 for anyone else signed in, 401 without a token', async (route, input) => {
    // Act
    const admin = await call(route, { ...input, token: 'admin' });
    const user = await call(route, { ...input, token: 'user' });
    const anonymous = await call(route, input);

    // Assess
    expect(admin.status).toBe(200);
    expect(user).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    expect(anonymous).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED' } } });
  });

  it('lists the last 30 days by default, zeros included', async () => {
    // Act
    const { status, body } = await call('summary', { path: '/analytics/summary', token: 'admin' });

    // Assess
    expect(status).toBe(200);
    const days = body.days as Array<{ date: string }>;
    expect(days).toHaveLength(30);
    expect(days[0]).toEqual({ date: '2026-11-01', activeUsers: 0, newUsers: 0, sessions: 0, events: 0 });
    expect(days[29]?.date).toBe('2026-11-30');
    expect(body.totals).toEqual({ activeUsers: 0, sessions: 0, events: 0 });
  });

  it.each([
    ['summary', { path: '/analytics/summary', query: { from: '2026-02-30' } }, 'from'],
    ['summary', { path: '/analytics/summary', query: { from: '2025-01-01', to: '2026-01-02' } }, 'from'],
    ['events', { path: '/analytics/events/x', pathParameters: { type: 'x' }, query: { by: 'no spaces' } }, 'by'],
    ['events', { path: '/analytics/events/a b', pathParameters: { type: 'a b' } }, 'type'],
    ['retention', { path: '/analytics/retention', query: { period: 'month' } }, 'period'],
  ])('%s answers 400 VALIDATION_FAILED on a bad %j', async (route, input, field) => {
    // Act
    const { status, body } = await call(route, { ...input, token: 'admin' });

    // Assess
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: { code: 'VALIDATION_FAILED', details: [{ path: field }] } });
  });
});
