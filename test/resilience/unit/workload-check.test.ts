// The resilience check's judgements on fabricated ledgers and read-model pages: a late read model, a /sync change
// twice, an analytics event counted twice, a stray push, a QoS 1 publish left unanswered.
import { drillClock, publishFailureVerdict, type OutageClock } from '../support/outage';
import { judgeAnalytics, judgeInboxAndPush, judgeLag, readSyncFeed, type ExpectedNotification, type Finding, type NoteView, type Round } from '../support/workload-check';
import type { LedgerEvent } from '../support/workload';

const stop = Date.parse('2026-12-01T06:00:00.000Z');
const at = (seconds: number) => stop + seconds * 1000;
const miss: Finding = { kind: 'lost', text: 'note n1 missing' };
const note = (id: string, version: number): NoteView => ({ id, title: `title ${version}`, version, photo: null });

describe('judgeLag', () => {
  it('takes a read model that agreed on the first look as on time, whenever that look was', () => {
    // Prepare
    const rounds: Round[] = [{ at: at(40), findings: [] }];

    // Act
    const lag = judgeLag('inbox and push', stop, rounds, 5, 2);

    // Assess
    expect(lag).toEqual({ seconds: 0 });
  });

  it('counts from the load stop, not from the start of the section, and fails a miss seen past bound plus grace', () => {
    // Prepare: the section began 30 s after the stop (search took that long) and still found a write missing.
    const rounds: Round[] = [
      { at: at(30), findings: [miss] },
      { at: at(33), findings: [] },
    ];

    // Act
    const lag = judgeLag('thumbnails', stop, rounds, 5, 2);

    // Assess
    expect(lag.seconds).toBe(33);
    expect(lag.late?.kind).toBe('late');
    expect(lag.late?.text).toContain('still missing 30 s after the load stopped (bound 5 s + 2 s');
  });

  it('passes a miss seen within bound plus grace', () => {
    // Prepare
    const rounds: Round[] = [
      { at: at(6.5), findings: [miss] },
      { at: at(9), findings: [] },
    ];

    // Act
    const lag = judgeLag('thumbnails', stop, rounds, 5, 2);

    // Assess
    expect(lag).toEqual({ seconds: 9 });
  });

  it('does not take a duplicate for lag', () => {
    // Prepare
    const rounds: Round[] = [{ at: at(50), findings: [{ kind: 'duplicated', text: 'twice' }] }];

    // Act
    const lag = judgeLag('inbox and push', stop, rounds, 5, 2);

    // Assess
    expect(lag).toEqual({ seconds: 0 });
  });

  it('fails a read model still missing a write at its last look', () => {
    // Prepare
    const rounds: Round[] = [
      { at: at(1), findings: [miss] },
      { at: at(70), findings: [miss] },
    ];

    // Act
    const lag = judgeLag('telemetry', stop, rounds, 60, 2);

    // Assess
    expect(lag.seconds).toBe(70);
    expect(lag.late?.kind).toBe('late');
  });
});

describe('readSyncFeed', () => {
  it('keeps each note once, at its latest change, when it changed between pages', () => {
    // Prepare: n1 edited while the pages were read (a newer version later), n2 deleted meanwhile.
    const changes = [
      { op: 'upsert' as const, note: note('n1', 1) },
      { op: 'upsert' as const, note: note('n2', 1) },
      { op: 'upsert' as const, note: note('n1', 2) },
      { op: 'delete' as const, id: 'n2' },
    ];

    // Act
    const feed = readSyncFeed(changes);

    // Assess
    expect(feed.duplicates).toEqual([]);
    expect(feed.state.get('n1')?.version).toBe(2);
    expect(feed.state.get('n2')).toBeNull();
  });

  it('finds a change listed twice: the same version again, or anything after a delete', () => {
    // Prepare
    const changes = [
      { op: 'upsert' as const, note: note('n1', 3) },
      { op: 'upsert' as const, note: note('n1', 3) },
      { op: 'delete' as const, id: 'n2' },
      { op: 'delete' as const, id: 'n2' },
      { op: 'upsert' as const, note: note('n3', 2) },
      { op: 'upsert' as const, note: note('n3', 1) },
    ];

    // Act
    const feed = readSyncFeed(changes);

    // Assess
    expect(feed.duplicates).toEqual([
      '/sync lists note n1 at version 3 after version 3',
      '/sync lists note n2 again after its delete (delete)',
      '/sync lists note n3 at version 1 after version 2',
    ]);
  });
});

describe('judgeInboxAndPush', () => {
  const share: ExpectedNotification = { what: 'note.shared n1', landed: 'yes', match: (item) => item.type === 'note.shared' && item.data.noteId === 'n1' };
  const inbox = [{ id: 'i1', type: 'note.shared', data: { noteId: 'n1' } }];

  it('accepts one inbox item and one push per device', () => {
    // Prepare
    const pushes = [
      { deviceId: 'd1', data: { notificationId: 'i1' } },
      { deviceId: 'd2', data: { notificationId: 'i1' } },
    ];

    // Act
    const findings = judgeInboxAndPush('user 0', ['d1', 'd2'], [share], inbox, pushes);

    // Assess
    expect(findings).toEqual([]);
  });

  it('flags a push of no inbox item and a push to a device the user never registered', () => {
    // Prepare
    const pushes = [
      { deviceId: 'd1', data: { notificationId: 'i1' } },
      { deviceId: 'd1', data: { notificationId: 'i-unknown' } },
      { deviceId: 'd9', data: { notificationId: 'i1' } },
    ];

    // Act
    const findings = judgeInboxAndPush('user 0', ['d1'], [share], inbox, pushes);

    // Assess
    expect(findings.map((finding) => finding.kind)).toEqual(['duplicated', 'duplicated']);
    expect(findings[0]?.text).toContain('notification i-unknown, which is not in the inbox');
    expect(findings[1]?.text).toContain('device d9, which the user never registered');
  });

  it('counts a push sent three times to one device as two duplicates, and a device without it as lost', () => {
    // Prepare
    const pushes = [1, 2, 3].map(() => ({ deviceId: 'd1', data: { notificationId: 'i1' } }));

    // Act
    const findings = judgeInboxAndPush('user 0', ['d1', 'd2'], [share], inbox, pushes);

    // Assess
    expect(findings).toEqual([
      { kind: 'duplicated', text: 'user 0: note.shared n1 pushed 3 times to device d1', count: 2 },
      { kind: 'lost', text: 'user 0: note.shared n1 not pushed to device d2' },
    ]);
  });
});

describe('judgeAnalytics', () => {
  const events = (yes: number, maybe: number): LedgerEvent[] => [
    ...Array.from({ length: yes }, (_, index) => ({ id: `y${index}`, landed: 'yes' as const })),
    ...Array.from({ length: maybe }, (_, index) => ({ id: `m${index}`, landed: 'maybe' as const })),
  ];

  it('wants exactly the acknowledged count when every event has a verdict', () => {
    // Act
    const exact = judgeAnalytics(events(10, 0), 10, [{ value: 'y0', count: 1 }]);
    const oneMore = judgeAnalytics(events(10, 0), 11, []);
    const oneLess = judgeAnalytics(events(10, 0), 9, []);

    // Assess
    expect(exact).toEqual([]);
    expect(oneMore).toEqual([{ kind: 'duplicated', text: '11 events counted, exactly 10 accepted (none without a verdict)', count: 1 }]);
    expect(oneLess).toEqual([{ kind: 'lost', text: '9 events counted, 10 accepted', count: 1 }]);
  });

  it('accepts a count between acknowledged and possible when some events have no verdict', () => {
    // Act
    const findings = judgeAnalytics(events(10, 3), 12, []);
    const tooMany = judgeAnalytics(events(10, 3), 14, []);

    // Assess
    expect(findings).toEqual([]);
    expect(tooMany.map((finding) => finding.count)).toEqual([1]);
  });

  it('finds an event counted twice by its id, even where the total cannot show it', () => {
    // Prepare: y0 counted twice, m0 (no verdict) not at all: the total is within acknowledged..possible.
    const byEventId = [
      { value: 'y0', count: 2 },
      { value: 'y1', count: 1 },
    ];

    // Act
    const findings = judgeAnalytics(events(10, 1), 11, byEventId);

    // Assess
    expect(findings).toEqual([{ kind: 'duplicated', text: 'event y0 counted 2 times', count: 1 }]);
  });

  it('flags an event id the workload never sent', () => {
    // Act
    const findings = judgeAnalytics(events(2, 0), 2, [{ value: 'stranger', count: 1 }]);

    // Assess
    expect(findings).toEqual([{ kind: 'duplicated', text: 'event stranger counted 1 time(s), never sent by the workload', count: 1 }]);
  });
});

describe('publishFailureVerdict', () => {
  it('takes an unacknowledged QoS 1 publish outside an outage as a request without an answer', () => {
    // Prepare
    const clock = drillClock();

    // Act
    const withoutClock = publishFailureVerdict(undefined, at(0), at(3));
    const quiet = publishFailureVerdict(clock, Date.now() - 3000, Date.now());

    // Assess
    expect(withoutClock).toBe('no answer');
    expect(quiet).toBe('no answer');
  });

  it('puts one down to an outage under way at its end, or a part down while it waited', () => {
    // Prepare
    const during = drillClock();
    during.stop();
    const downEarlier: OutageClock = { active: () => false, downMsBetween: (from, to) => (from <= at(10) && to >= at(13) ? 3000 : 0) };

    // Act
    const active = publishFailureVerdict(during, Date.now() - 10, Date.now());
    const waitedThroughOne = publishFailureVerdict(downEarlier, at(5), at(20));
    const afterIt = publishFailureVerdict(downEarlier, at(15), at(20));

    // Assess
    expect(active).toBe('outage');
    expect(waitedThroughOne).toBe('outage');
    expect(afterIt).toBe('no answer');
  });
});
