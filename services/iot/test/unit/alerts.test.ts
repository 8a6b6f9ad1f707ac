import type { AlertRule, AlertState, RuleSet } from '../../src/domain/alerts';
import { judge, noAlertState } from '../../src/domain/alerts';
import { ingestTelemetry } from '../../src/domain/ingest';
import { issueCredential } from '../../src/domain/credentials';
import { owner, testDeps, testSecret, thrownBy } from './support/iot-deps';

const thingId = '00000000-0000-4000-8000-00000000bbbb';
const t0 = Date.parse('2026-11-28T08:00:00.000Z');

const rule = (overrides: Partial<AlertRule> = {}): AlertRule => ({ id: 'hot', metric: 'temp', op: 'gt', threshold: 30, forSeconds: 0, ...overrides });

/** Judges readings (seconds after t0, value) in the given order; returns the firing times in seconds. */
function run(ruleSet: RuleSet, readings: Array<[number, number]>, start: AlertState = noAlertState(ruleSet.version)): { fired: number[]; state: AlertState } {
  let state = start;
  const fired: number[] = [];
  for (const [seconds, value] of readings) {
    const judgement = judge(state, ruleSet, { thingId, ownerId: 'owner-1', metric: 'temp', ts: t0 + seconds * 1000, value });
    state = judgement.state;
    fired.push(...judgement.fired.map((item) => (Date.parse(item.alert.at) - t0) / 1000));
  }
  return { fired, state };
}

describe('judge', () => {
  it('fires on the first reading over the threshold when forSeconds is 0, and only once while it holds', () => {
    // Act
    const { fired } = run({ version: 1, rules: [rule()] }, [[0, 20], [10, 31], [20, 35], [30, 40]]);

    // Assess
    expect(fired).toEqual([10]);
  });

  it('fires when the condition has held for forSeconds, measured from the first reading of the run', () => {
    // Act
    const { fired } = run({ version: 1, rules: [rule({ forSeconds: 60 })] }, [[0, 31], [30, 32], [59, 33], [60, 34], [90, 35]]);

    // Assess
    expect(fired).toEqual([60]);
  });

  it('restarts the run when a reading breaks the condition before forSeconds', () => {
    // Act
    const { fired } = run({ version: 1, rules: [rule({ forSeconds: 60 })] }, [[0, 31], [50, 29], [70, 31], [120, 31], [130, 31]]);

    // Assess
    expect(fired).toEqual([130]);
  });

  it('re-arms only after a reading where the condition no longer holds', () => {
    // Act
    const { fired } = run({ version: 1, rules: [rule()] }, [[0, 31], [10, 32], [20, 30], [30, 31], [40, 33]]);

    // Assess: 30 is not > 30, so the reading at 20 s re-arms
    expect(fired).toEqual([0, 30]);
  });

  it.each([
    ['gt', 30, [30, 30.5]],
    ['gte', 30, [29.9, 30]],
    ['lt', 10, [10, 9.5]],
    ['lte', 10, [10.1, 10]],
  ] as const)('compares with %s at the threshold', (op, threshold, [outside, inside]) => {
    // Act
    const { fired } = run({ version: 1, rules: [rule({ op, threshold })] }, [[0, outside], [1, inside]]);

    // Assess
    expect(fired).toEqual([1]);
  });

  it('does not judge a reading again, nor one older than the last judged', () => {
    // Prepare
    const ruleSet = { version: 1, rules: [rule()] };
    const { state } = run(ruleSet, [[0, 31], [10, 20]]);

    // Act: a redelivery of the reading at 0 s and a late one at 5 s arrive after the one at 10 s
    const later = run(ruleSet, [[0, 31], [5, 35], [10, 20]], state);

    // Assess
    expect(later.fired).toEqual([]);
    expect(later.state).toEqual(state);
  });

  it('judges each rule on its own metric only', () => {
    // Prepare
    const ruleSet = { version: 1, rules: [rule({ id: 'hot' }), rule({ id: 'humid', metric: 'hum', threshold: 80 })] };

    // Act
    const judgement = judge(noAlertState(1), ruleSet, { thingId, ownerId: 'owner-1', metric: 'hum', ts: t0, value: 90 });

    // Assess
    expect(judgement.fired.map((item) => item.alert.ruleId)).toEqual(['humid']);
    expect(Object.keys(judgement.state.rules)).toEqual(['humid']);
  });

  it('starts from scratch when the rules were replaced (a new version)', () => {
    // Prepare: fired under version 1 and still over the threshold
    const { state } = run({ version: 1, rules: [rule()] }, [[0, 31]]);

    // Act
    const replaced = run({ version: 2, rules: [rule()] }, [[10, 32]], state);

    // Assess
    expect(replaced.fired).toEqual([10]);
    expect(replaced.state.rulesVersion).toBe(2);
  });

  it('describes the firing as the thing.alert data, with an id that is the same for the same firing', () => {
    // Act
    const first = judge(noAlertState(3), { version: 3, rules: [rule()] }, { thingId, ownerId: 'owner-1', metric: 'temp', ts: t0, value: 42 });
    const again = judge(noAlertState(3), { version: 3, rules: [rule()] }, { thingId, ownerId: 'owner-1', metric: 'temp', ts: t0, value: 42 });

    // Assess
    expect(first.fired).toEqual([{ id: `${thingId}:hot:3:${t0}`, alert: { thingId, ownerId: 'owner-1', ruleId: 'hot', metric: 'temp', value: 42, at: '2026-11-28T08:00:00.000Z' } }]);
    expect(again.fired[0]?.id).toBe(first.fired[0]?.id);
  });
});

describe('alerts at ingest', () => {
  function withThing() {
    const setup = testDeps('2026-11-28T09:00:00.000Z');
    setup.store.seedThing(
      { thingId, ownerId: owner.userId, name: 'Thermostat', attributes: {}, createdAt: '2026-11-28T07:00:00.000Z', updatedAt: '2026-11-28T07:00:00.000Z' },
      issueCredential(thingId, 1, { secret: testSecret }).record,
    );
    return setup;
  }

  const message = (seconds: number, temp: number, receivedAfter = 0) => ({
    thingId,
    payload: JSON.stringify({ ts: t0 + seconds * 1000, metrics: { temp } }),
    receivedAt: t0 + seconds * 1000 + 500 + receivedAfter,
  });

  it('publishes one thing.alert per firing, not again on redelivery, and again after re-arming', async () => {
    // Prepare
    const { deps, store, publisher } = withThing();
    await store.alertRules.replace(thingId, [rule({ forSeconds: 20 })]);

    // Act
    for (const [seconds, temp] of [[0, 31], [10, 32], [20, 33], [30, 34]] as const) await ingestTelemetry(message(seconds, temp), deps);
    await ingestTelemetry(message(20, 33), deps);
    await ingestTelemetry(message(20, 33, 5_000), deps);
    for (const [seconds, temp] of [[40, 25], [50, 31], [70, 31]] as const) await ingestTelemetry(message(seconds, temp), deps);

    // Assess
    expect(publisher.published.map((item) => [item.alert.ruleId, item.alert.value, item.alert.at])).toEqual([
      ['hot', 33, '2026-11-28T08:00:20.000Z'],
      ['hot', 31, '2026-11-28T08:01:10.000Z'],
    ]);
    expect(publisher.published[0]?.alert).toEqual({ thingId, ownerId: owner.userId, ruleId: 'hot', metric: 'temp', value: 33, at: '2026-11-28T08:00:20.000Z' });
  });

  it('publishes a firing whose publication failed when the message is delivered again', async () => {
    // Prepare
    const { deps, store, publisher, telemetry } = withThing();
    await store.alertRules.replace(thingId, [rule()]);
    publisher.failures = 1;

    // Act
    const err = await thrownBy(() => ingestTelemetry(message(0, 40), deps));
    const retry = await ingestTelemetry(message(0, 40), deps);
    const later = await ingestTelemetry(message(10, 41), deps);

    // Assess
    expect(err).toBeInstanceOf(Error);
    expect(retry).toMatchObject({ status: 'stored', readings: { inserted: 0, replaced: 0, unchanged: 1 }, published: 1 });
    expect(later).toMatchObject({ status: 'stored', published: 0 });
    expect(publisher.published).toHaveLength(1);
    expect(telemetry.pendingOf({ thingId, metric: 'temp' })).toEqual([]);
  });

  it('fires again under replaced rules even while the condition still holds', async () => {
    // Prepare
    const { deps, store, publisher } = withThing();
    await store.alertRules.replace(thingId, [rule()]);
    await ingestTelemetry(message(0, 40), deps);

    // Act
    await store.alertRules.replace(thingId, [rule()]);
    await ingestTelemetry(message(10, 40), deps);

    // Assess
    expect(publisher.published.map((item) => item.id)).toEqual([`${thingId}:hot:1:${t0}`, `${thingId}:hot:2:${t0 + 10_000}`]);
  });

  it('reads the rules again when the series was judged under newer ones than were read with it', async () => {
    // Prepare
    const { deps, store, publisher, telemetry } = withThing();
    await store.alertRules.replace(thingId, [rule({ threshold: 10 })]);
    await ingestTelemetry(message(0, 50), deps);
    telemetry.afterRulesRead = async () => {
      telemetry.afterRulesRead = undefined;
      // The rules are replaced, and another message judged under them, between this read of the rules and of the heads.
      await store.alertRules.replace(thingId, [rule({ threshold: 100 })]);
      await ingestTelemetry(message(10, 50), deps);
    };

    // Act
    await ingestTelemetry(message(20, 50), deps);

    // Assess: judged under version 2 (threshold 100), not again under version 1 (which would fire anew)
    expect(publisher.published.map((item) => item.id)).toEqual([`${thingId}:hot:1:${t0}`]);
    expect(telemetry.heads.get(`${thingId}|temp`)?.alerts).toEqual({ rulesVersion: 2, rules: { hot: { lastTs: t0 + 20_000, since: null, fired: false } } });
  });
});
