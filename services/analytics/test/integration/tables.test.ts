// The aggregates adapters against DynamoDB Local (the platform's), on a table of their own created from the YAML in
// TABLES.md: the counter transactions with their markers, conditional extremes, versioned sketches, first days,
// markers and rehoming, the key-range reads, and the install rate window, which fakes cannot vouch for. The domain runs on top, so these
// are the unit tests' scenarios on real storage.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { parse } from 'yaml';
import { readYaml } from '../../../../scripts/platform/service-definitions';
import { aggregatesReads } from '../../src/adapters/aggregates-reads';
import { aggregatesWrites } from '../../src/adapters/aggregates-writes';
import { eventClaimsTable } from '../../src/adapters/event-claims';
import { installRatesTable } from '../../src/adapters/install-rates';
import { eventAggregates } from '../../src/domain/aggregates';
import type { EventRow } from '../../src/domain/batch';
import { daysOf } from '../../src/domain/days';
import { readEventReport } from '../../src/domain/event-report';
import { readRetention } from '../../src/domain/retention';
import { hyperLogLogSketches } from '../../src/domain/sketch';
import { readSummary } from '../../src/domain/summary';
import { appEvent, row } from '../unit/support/rows';

jest.setTimeout(120_000);

const tableName = `analytics-aggregates-test-${randomUUID().slice(0, 8)}`;
const raw = new DynamoDBClient({ endpoint: `http://127.0.0.1:${process.env.DYNAMODB_PORT ?? '8000'}`, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
const client = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });

type TableResource = { Properties: CreateTableCommandInput & Record<string, unknown> };

function declaredTable(): TableResource {
  const text = readFileSync(path.join(__dirname, '..', '..', 'TABLES.md'), 'utf8');
  const block = /```yaml\n([\s\S]*?)```/.exec(text)?.[1];
  if (!block) throw new Error('TABLES.md has no yaml block');
  return (parse(block) as { AggregatesTable: TableResource }).AggregatesTable;
}

const store = aggregatesWrites({ tableName, client });
const reader = aggregatesReads({ tableName, client });
const aggregates = eventAggregates({ store, sketches: hyperLogLogSketches });
const session = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

beforeAll(async () => {
  const { AttributeDefinitions, KeySchema, BillingMode } = declaredTable().Properties;
  await raw.send(new CreateTableCommand({ TableName: tableName, AttributeDefinitions, KeySchema, BillingMode }));
});

afterAll(async () => {
  await raw.send(new DeleteTableCommand({ TableName: tableName }));
  client.destroy();
});

it('serverless.yml declares the aggregates table of TABLES.md', () => {
  // Prepare
  const stack = readYaml<{ resources: { Resources: Record<string, unknown> } }>(path.join(__dirname, '..', '..', 'serverless.yml'));

  // Act, Assess
  expect(stack.resources.Resources.AggregatesTable).toEqual(declaredTable());
});

describe('aggregates on DynamoDB', () => {
  // Its own days, so the tests share the table without seeing each other's counts.
  const rowsOf = (base: number): EventRow[] => {
    const day = (offset: number) => daysOf('2026-01-01', '2026-12-31')[base + offset] as string;
    return [
      appEvent('u_a', day(0), { session_id: session(1), metrics: { ms: 30 }, attributes: { camera: 'front' } }),
      appEvent('u_b', day(0), { session_id: session(2), metrics: { ms: 10 }, attributes: { camera: 'back' } }),
      ...Array.from({ length: 130 }, (_, index) => appEvent('u_c', day(1), { type: 'screen.view', attributes: { screen: `s${index}` } })),
      row({ type: 'server.note.created', at: `${day(1)}T10:00:00.000Z`, actor: 'u_a', metrics: { tags: 3 } }),
      appEvent('u_a', day(2), { session_id: session(3), metrics: { ms: 20 }, attributes: { camera: 'front' } }),
    ];
  };

  it('counts a work once across a replay, and reads it back in every shape', async () => {
    // Prepare
    const rows = rowsOf(100);
    const [from, , to] = daysOf('2026-04-11', '2026-04-13');

    // Act
    await aggregates.apply('work-a', rows);
    await aggregates.apply('work-a', [...rows].reverse());
    const summary = await readSummary({ from: from as string, to: to as string }, { reader, sketches: hyperLogLogSketches });
    const report = await readEventReport('photo.taken', { from: from as string, to: to as string }, 'camera', reader);
    const screens = await readEventReport('screen.view', { from: from as string, to: to as string }, 'screen', reader);
    const retention = await readRetention({ from: from as string, to: to as string }, 'day', reader);

    // Assess
    expect(summary).toEqual({
      days: [
        { date: '2026-04-11', activeUsers: 2, newUsers: 2, sessions: 2, events: 2 },
        { date: '2026-04-12', activeUsers: 1, newUsers: 1, sessions: 0, events: 130 },
        { date: '2026-04-13', activeUsers: 1, newUsers: 0, sessions: 1, events: 1 },
      ],
      totals: { activeUsers: 3, sessions: 3, events: 133 },
      topEvents: [
        { type: 'screen.view', count: 130 },
        { type: 'photo.taken', count: 3 },
        { type: 'server.note.created', count: 1 },
      ],
    });
    expect(report.days).toEqual([
      { date: '2026-04-11', count: 2, metrics: { ms: { sum: 40, min: 10, max: 30 } } },
      { date: '2026-04-12', count: 0, metrics: {} },
      { date: '2026-04-13', count: 1, metrics: { ms: { sum: 20, min: 20, max: 20 } } },
    ]);
    expect(report.by).toEqual([
      { value: 'front', count: 2 },
      { value: 'back', count: 1 },
    ]);
    expect(screens.by).toHaveLength(50);
    expect(retention.cohorts).toEqual([
      { start: '2026-04-11', size: 2, retained: [2, 0, 1] },
      { start: '2026-04-12', size: 1, retained: [1, 0] },
      { start: '2026-04-13', size: 0, retained: [0] },
    ]);
  });

  it('applies after a crash between counter chunks only what the crash left out', async () => {
    // Prepare: the first of two chunks lands, then the work dies
    const rows = rowsOf(200);
    const [from, , to] = daysOf('2026-07-20', '2026-07-22');
    const crashing = eventAggregates({
      store: { ...store, addCounters: async (workId, chunk, deltas) => (chunk === 0 ? store.addCounters(workId, chunk, deltas) : Promise.reject(new Error('crash'))) },
      sketches: hyperLogLogSketches,
    });

    // Act
    await expect(crashing.apply('work-b', rows)).rejects.toThrow('crash');
    const partial = await reader.typeCounts(from as string, to as string);
    await aggregates.apply('work-b', rows);
    const summary = await readSummary({ from: from as string, to: to as string }, { reader, sketches: hyperLogLogSketches });

    // Assess
    expect(partial).toEqual([]);
    expect(summary.totals).toEqual({ activeUsers: 3, sessions: 3, events: 133 });
    expect(summary.topEvents[0]).toEqual({ type: 'screen.view', count: 130 });
  });

  it('moves a first day earlier with its markers, also under concurrent works', async () => {
    // Prepare: u_d seen Thursday and the next Monday; then, concurrently, a late Tuesday and the Thursday again
    await aggregates.apply('work-c', [appEvent('u_d', '2026-10-08'), appEvent('u_d', '2026-10-12')]);

    // Act
    await Promise.all([aggregates.apply('work-d', [appEvent('u_d', '2026-10-06')]), aggregates.apply('work-e', [appEvent('u_d', '2026-10-08'), appEvent('u_e', '2026-10-08')])]);
    const daily = await readRetention({ from: '2026-10-06', to: '2026-10-12' }, 'day', reader);
    const weekly = await readRetention({ from: '2026-10-05', to: '2026-10-12' }, 'week', reader);
    const summary = await readSummary({ from: '2026-10-06', to: '2026-10-12' }, { reader, sketches: hyperLogLogSketches });
    const [state] = await store.readActors([{ actor: 'u_d', markers: [] }]);

    // Assess
    expect(state).toEqual({ actor: 'u_d', firstDay: '2026-10-06', rehomePending: false, markers: [] });
    expect(daily.cohorts[0]).toEqual({ start: '2026-10-06', size: 1, retained: [1, 0, 1, 0, 0, 0, 1] });
    expect(daily.cohorts[2]).toEqual({ start: '2026-10-08', size: 1, retained: [1, 0, 0, 0, 0] });
    expect(weekly.cohorts).toEqual([
      { start: '2026-10-05', size: 2, retained: [2, 1] },
      { start: '2026-10-12', size: 0, retained: [0] },
    ]);
    expect(summary.days.map((day) => [day.date, day.newUsers, day.activeUsers]).filter(([, n, a]) => n !== 0 || a !== 0)).toEqual([
      ['2026-10-06', 1, 1],
      ['2026-10-08', 1, 2],
      ['2026-10-12', 0, 1],
    ]);
  });
});

describe('the ingest side on real storage', () => {
  const rates = installRatesTable({ tableName, client });
  const claims = eventClaimsTable({ tableName, client });

  it('the rate window admits 10 batches of an install in a second, refuses the 11th with Retry-After 1, opens the next second, and counts installs apart', async () => {
    // Prepare
    const install = randomUUID();
    const second = Date.parse('2026-11-30T10:00:00.000Z');
    const within = await Promise.all(Array.from({ length: 10 }, (_, n) => rates.admit(install, second + n * 50, 10)));

    // Act
    const eleventh = await rates.admit(install, second + 900, 10);
    const late = await rates.admit(install, second - 1000, 10);
    const next = await rates.admit(install, second + 1000, 10);
    const other = await rates.admit(randomUUID(), second + 900, 10);

    // Assess
    expect(within.every((admission) => admission.admitted)).toBe(true);
    expect(eleventh).toEqual({ admitted: false, retryAfterSeconds: 1 });
    // A batch of an earlier second that arrives after a later one opened is let through uncounted.
    expect([late.admitted, next.admitted, other.admitted]).toEqual([true, true, true]);
  });

  it('20 concurrent batches of one install in one second: exactly 10 admitted', async () => {
    // Prepare
    const install = randomUUID();
    const second = Date.parse('2026-11-30T11:00:00.000Z');

    // Act
    const admissions = await Promise.all(Array.from({ length: 20 }, (_, n) => rates.admit(install, second + n, 10)));

    // Assess
    expect(admissions.filter((admission) => admission.admitted)).toHaveLength(10);
  });

  it('an event id is claimed once: its claimer finds it again on a retry, another work does not get it', async () => {
    // Prepare
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    const first = await claims.claim(ids.slice(0, 2), 'work-a');

    // Act
    const retry = await claims.claim(ids.slice(0, 2), 'work-a');
    const other = await claims.claim(ids, 'work-b');

    // Assess
    expect([...first].sort()).toEqual(ids.slice(0, 2).sort());
    expect([...retry].sort()).toEqual(ids.slice(0, 2).sort());
    expect([...other]).toEqual([ids[2]]);
  });
});

describe('install rate window on DynamoDB', () => {
  it('passes 10 batches of an install in a second, side by side, and refuses the rest; the next second and another install start afresh', async () => {
    // Prepare
    const rates = installRatesTable({ tableName, client });
    const second = Date.parse('2026-11-30T12:00:00.000Z');

    // Act
    const within = await Promise.all(Array.from({ length: 13 }, (_, index) => rates.admit('6F1C1C8E-3C55-4BB6-9A43-2A7D0C1E5A10', second + index * 70, 10)));
    const next = await rates.admit('6f1c1c8e-3c55-4bb6-9a43-2a7d0c1e5a10', second + 1000, 10);
    const other = await rates.admit('7f1c1c8e-3c55-4bb6-9a43-2a7d0c1e5a10', second + 999, 10);

    // Assess
    expect(within.filter((admission) => admission.admitted)).toHaveLength(10);
    expect(within.filter((admission) => !admission.admitted)).toEqual(Array.from({ length: 3 }, () => ({ admitted: false, retryAfterSeconds: 1 })));
    expect(next).toEqual({ admitted: true });
    expect(other).toEqual({ admitted: true });
  });
});
