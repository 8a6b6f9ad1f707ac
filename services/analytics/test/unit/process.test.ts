import type { AcceptedBatch } from '../../src/domain/batch';
import { archiveKey, partitionOf, processBatches, workIdOf } from '../../src/domain/process';
import { FakeArchive, FakeClaims, RecordingAggregates } from './support/fakes';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function batch(batchId: string, events: Array<{ n: number; at: string; type?: string }>, actor = 'i_install'): AcceptedBatch {
  return {
    batchId,
    receivedAt: '2026-11-30T12:00:00.000Z',
    installId: 'install',
    actor,
    platform: 'web',
    appVersion: null,
    events: events.map(({ n, at, type }) => ({ id: id(n), type: type ?? 'opened', at, sessionId: null, attributes: { n: String(n) }, metrics: {} })),
  };
}

function setup() {
  return { claims: new FakeClaims(), archive: new FakeArchive(), aggregates: new RecordingAggregates() };
}

describe('processBatches', () => {
  test('rows are archived once per dt/hr of their `at`, sorted by time, in objects named by the work', async () => {
    // Prepare
    const deps = setup();
    const batches = [batch('b1', [{ n: 1, at: '2026-11-30T10:30:00.000Z' }, { n: 2, at: '2026-11-29T23:59:59.000Z' }]), batch('b2', [{ n: 3, at: '2026-11-30T10:00:00.000Z' }])];

    // Act
    const outcome = await processBatches(batches, 'work-1', deps);

    // Assess
    expect(outcome.archived).toEqual([archiveKey('dt=2026-11-29/hr=23', 'work-1'), archiveKey('dt=2026-11-30/hr=10', 'work-1')]);
    expect(deps.archive.objects.get('events/dt=2026-11-30/hr=10/work-1.json.gz')?.map((row) => row.id)).toEqual([id(3), id(1)]);
    expect(deps.archive.objects.get('events/dt=2026-11-29/hr=23/work-1.json.gz')).toEqual([{
      id: id(2),
      type: 'opened',
      at: '2026-11-29T23:59:59.000Z',
      received_at: '2026-11-30T12:00:00.000Z',
      install_id: 'install',
      actor: 'i_install',
      session_id: null,
      platform: 'web',
      app_version: null,
      attributes: { n: '2' },
      metrics: {},
    }]);
    expect(deps.aggregates.applied.get('work-1')?.map((row) => row.id).sort()).toEqual([id(1), id(2), id(3)]);
  });

  test('an event id repeated within the work, or seen by an earlier work, is archived and aggregated once', async () => {
    // Prepare
    const deps = setup();
    await processBatches([batch('b1', [{ n: 1, at: '2026-11-30T10:00:00.000Z' }])], 'work-1', deps);

    // Act
    const outcome = await processBatches(
      [batch('b2', [{ n: 1, at: '2026-11-30T10:00:00.000Z' }, { n: 2, at: '2026-11-30T10:00:00.000Z' }]), batch('b3', [{ n: 2, at: '2026-11-30T10:00:00.000Z' }])],
      'work-2',
      deps,
    );

    // Assess
    expect(outcome).toMatchObject({ received: 3, repeats: 2 });
    expect(deps.archive.rows().map((row) => row.id).sort()).toEqual([id(1), id(2)]);
    expect(deps.aggregates.applied.get('work-2')?.map((row) => row.id)).toEqual([id(2)]);
  });

  test('a retry of the same work after the aggregates failed archives the same objects and hands the aggregates the same rows', async () => {
    // Prepare
    const deps = setup();
    const batches = [batch('b1', [{ n: 1, at: '2026-11-30T10:00:00.000Z' }, { n: 2, at: '2026-11-30T11:00:00.000Z' }])];
    deps.aggregates.failNext = true;
    await expect(processBatches(batches, 'work-1', deps)).rejects.toThrow('aggregates unavailable');
    const archivedBefore = new Map(deps.archive.objects);

    // Act
    await processBatches(batches, 'work-1', deps);

    // Assess
    expect(deps.archive.objects).toEqual(archivedBefore);
    expect(deps.aggregates.applied.get('work-1')?.map((row) => row.id)).toEqual([id(1), id(2)]);
  });

  test('a work with only repeats writes nothing', async () => {
    // Prepare
    const deps = setup();
    await processBatches([batch('b1', [{ n: 1, at: '2026-11-30T10:00:00.000Z' }])], 'work-1', deps);
    const writes = deps.archive.writes;

    // Act
    const outcome = await processBatches([batch('b2', [{ n: 1, at: '2026-11-30T10:00:00.000Z' }])], 'work-2', deps);

    // Assess
    expect(outcome.archived).toEqual([]);
    expect(deps.archive.writes).toBe(writes);
    expect(deps.aggregates.calls).toBe(1);
  });
});

describe('workIdOf and partitionOf', () => {
  test('the work id depends on the records covered, and only on them', () => {
    // Act
    const ids = [workIdOf(['100', '101', '102']), workIdOf(['100', '101', '102']), workIdOf(['100', '102']), workIdOf(['101', '102'])];

    // Assess
    expect(ids[0]).toBe(ids[1]);
    expect(new Set(ids).size).toBe(3);
    expect(ids[0]).toMatch(/^[0-9a-f]{32}$/);
  });

  test('the partition is the UTC date and hour of `at`', () => {
    // Act / Assess
    expect(partitionOf('2026-11-30T09:59:59.999Z')).toBe('dt=2026-11-30/hr=09');
  });
});
