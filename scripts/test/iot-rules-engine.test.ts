// The rules engine's delivery on a fake invoke: Lambda's asynchronous retry rules (function errors count,
// an unreachable service does not, event age), the dead letter a given-up event leaves in the platform's store,
// per-function concurrency, the bounded queue.
import type { NewDeadLetter } from '../platform/delivery/dead-letters';
import type { IotRuleDefinition } from '../platform/iot/definitions';
import { parseIotSql } from '../platform/iot/iot-sql';
import type { Invoke, InvokeOutcome } from '../platform/iot/lambda-invoke';
import { createRulesEngine } from '../platform/iot/rules-engine';
import { functionError, memoryDeadLetters, unreachable } from './delivery/support';

function rule(functionName: string, retry = { maximumRetryAttempts: 2, maximumEventAgeSeconds: 21_600 }): IotRuleDefinition {
  const sql = "SELECT *, topic(2) AS thingId FROM 'things/+/telemetry'";
  return { service: 'iot', functionKey: functionName, ruleId: `${functionName}Rule1`, sql, statement: parseIotSql(sql), target: { lambdaPort: 1, functionName }, retry };
}

const telemetry = (thingId: string) => ({ topic: `things/${thingId}/telemetry`, payload: Buffer.from('{"metrics":{"t":1}}'), clientId: thingId });

/** An invoke whose outcomes are scripted per call; records what it was called with. */
function scriptedInvoke(outcomes: InvokeOutcome[]): Invoke & { calls: Array<{ functionName: string; event: unknown }> } {
  const calls: Array<{ functionName: string; event: unknown }> = [];
  const invoke: Invoke = async (target, event) => {
    calls.push({ functionName: target.functionName, event });
    return outcomes.shift() ?? { ok: true, payload: null };
  };
  return Object.assign(invoke, { calls });
}

describe('rule delivery', () => {
  it('retries function errors up to maximumRetryAttempts, then dead-letters the event as the function received it', async () => {
    // Prepare
    const invoke = scriptedInvoke([functionError(), functionError(), functionError(), functionError()]);
    const store = memoryDeadLetters();
    const engine = createRulesEngine({ rules: [rule('ingest')], invoke, log: () => undefined, retryDelaysMs: [1, 2], deadLetters: store.deadLetters, now: () => Date.parse('2026-03-01T10:00:00.000Z') });

    // Act
    engine.onMessage(telemetry('t1'));
    await engine.idle();

    // Assess
    expect(invoke.calls).toHaveLength(3);
    expect(store.letters).toEqual([
      {
        source: 'iot',
        consumer: 'iot.ingest',
        functionName: 'ingest',
        condition: 'RetriesExhausted',
        event: { metrics: { t: 1 }, thingId: 't1' },
        identity: expect.stringMatching(/^[0-9a-f-]{36}$/),
        summary: 'message on things/t1/telemetry (topic rule ingestRule1)',
        error: { type: 'Error', message: 'boom' },
        attempts: 3,
        failedAt: '2026-03-01T10:00:00.000Z',
      },
    ]);
    expect(store.letters[0]?.event).toEqual(invoke.calls[2]?.event);
    expect(engine.stats()).toMatchObject({ matched: 1, delivered: 0, retries: 2, deadLettered: 1 });
  });

  it('honours maximumRetryAttempts 0: one attempt, then the dead letter', async () => {
    const invoke = scriptedInvoke([functionError('no table'), { ok: true, payload: null }]);
    const store = memoryDeadLetters();
    const engine = createRulesEngine({ rules: [rule('ingest', { maximumRetryAttempts: 0, maximumEventAgeSeconds: 60 })], invoke, log: () => undefined, retryDelaysMs: [1], deadLetters: store.deadLetters });

    engine.onMessage(telemetry('t1'));
    await engine.idle();

    expect(invoke.calls).toHaveLength(1);
    expect(store.letters).toEqual([expect.objectContaining({ condition: 'RetriesExhausted', attempts: 1, error: { type: 'Error', message: 'no table' } })]);
  });

  it('writes nothing when a retry succeeds', async () => {
    const invoke = scriptedInvoke([functionError(), { ok: true, payload: null }]);
    const store = memoryDeadLetters();
    const engine = createRulesEngine({ rules: [rule('ingest')], invoke, log: () => undefined, retryDelaysMs: [1], deadLetters: store.deadLetters });

    engine.onMessage(telemetry('t1'));
    await engine.idle();

    expect(invoke.calls).toHaveLength(2);
    expect(store.letters).toEqual([]);
    expect(engine.stats()).toMatchObject({ delivered: 1, retries: 1, deadLettered: 0 });
  });

  it('does not count calls that never reached the function, and delivers once the service is back', async () => {
    const invoke = scriptedInvoke([unreachable(), unreachable(), unreachable(), functionError('x')]);
    const engine = createRulesEngine({ rules: [rule('ingest', { maximumRetryAttempts: 1, maximumEventAgeSeconds: 60 })], invoke, log: () => undefined, retryDelaysMs: [1], unreachableDelayMs: 1 });

    engine.onMessage(telemetry('t1'));
    await engine.idle();

    expect(invoke.calls).toHaveLength(5);
    expect(engine.stats()).toMatchObject({ delivered: 1, retries: 1, deadLettered: 0 });
  });

  it('dead-letters an event once it is older than maximumEventAge, with the last error it met', async () => {
    // Prepare: the service is down, and each try takes the clock past the event's age.
    let now = 0;
    const invoke = scriptedInvoke([unreachable()]);
    const store = memoryDeadLetters();
    const engine = createRulesEngine({
      rules: [rule('ingest', { maximumRetryAttempts: 2, maximumEventAgeSeconds: 60 })],
      invoke: async (target, event, timeout) => {
        now += 61_000;
        return invoke(target, event, timeout);
      },
      log: () => undefined,
      unreachableDelayMs: 1,
      now: () => now,
      deadLetters: store.deadLetters,
    });

    // Act
    engine.onMessage(telemetry('t1'));
    await engine.idle();

    // Assess
    expect(invoke.calls).toHaveLength(1);
    expect(store.letters).toEqual([expect.objectContaining({ condition: 'EventAgeExceeded', attempts: 0, error: { type: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }, failedAt: new Date(61_000).toISOString() })]);
  });

  it('gives each message its own letter, per rule target: identical payloads are not merged', async () => {
    // Prepare: two rules on the same topic, both failing; the device sends the same bytes twice.
    const invoke = scriptedInvoke(Array.from({ length: 4 }, () => functionError()));
    const store = memoryDeadLetters();
    const engine = createRulesEngine({ rules: [rule('ingest', { maximumRetryAttempts: 0, maximumEventAgeSeconds: 60 }), rule('alerts', { maximumRetryAttempts: 0, maximumEventAgeSeconds: 60 })], invoke, log: () => undefined, deadLetters: store.deadLetters });

    // Act
    engine.onMessage(telemetry('t1'));
    engine.onMessage(telemetry('t1'));
    await engine.idle();

    // Assess: one message's letters share its identity, and its two targets are two consumers.
    expect(store.letters).toHaveLength(4);
    const byMessage = new Map<string, string[]>();
    for (const letter of store.letters) byMessage.set(letter.identity, [...(byMessage.get(letter.identity) ?? []), letter.consumer].sort());
    expect([...byMessage.values()]).toEqual([
      ['iot.alerts', 'iot.ingest'],
      ['iot.alerts', 'iot.ingest'],
    ]);
  });

  it('is idle only once the dead letter is written', async () => {
    // Prepare: a store that takes its time.
    let written = false;
    const deadLetters = {
      put: async (letter: NewDeadLetter) => {
        await new Promise((resolve) => setTimeout(resolve, 30));
        written = true;
        return memoryDeadLetters().deadLetters.put(letter);
      },
    };
    const engine = createRulesEngine({ rules: [rule('ingest', { maximumRetryAttempts: 0, maximumEventAgeSeconds: 60 })], invoke: scriptedInvoke([functionError()]), log: () => undefined, deadLetters });

    // Act
    engine.onMessage(telemetry('t1'));
    await engine.idle();

    // Assess
    expect(written).toBe(true);
  });

  it('logs a dead letter it cannot write, and goes on delivering', async () => {
    const lines: string[] = [];
    const invoke = scriptedInvoke([functionError()]);
    const engine = createRulesEngine({
      rules: [rule('ingest', { maximumRetryAttempts: 0, maximumEventAgeSeconds: 60 })],
      invoke,
      log: (line) => lines.push(line),
      deadLetters: { put: () => Promise.reject(new Error('disk full')) },
    });

    engine.onMessage(telemetry('t1'));
    await engine.idle();
    engine.onMessage(telemetry('t2'));
    await engine.idle();

    expect(lines).toContain('IoT rule ingestRule1: the dead letter could not be written: disk full');
    expect(engine.stats()).toMatchObject({ deadLettered: 1, delivered: 1 });
  });

  it('runs at most concurrencyPerFunction invocations of one function at once, and others alongside', async () => {
    // Prepare
    const active = new Map<string, number>();
    const peak = new Map<string, number>();
    const invoke: Invoke = async (target) => {
      const name = target.functionName;
      active.set(name, (active.get(name) ?? 0) + 1);
      peak.set(name, Math.max(peak.get(name) ?? 0, active.get(name) ?? 0));
      await new Promise((resolve) => setTimeout(resolve, 5));
      active.set(name, (active.get(name) ?? 0) - 1);
      return { ok: true, payload: null };
    };
    const engine = createRulesEngine({ rules: [rule('ingest'), rule('alerts')], invoke, log: () => undefined, concurrencyPerFunction: 2 });

    // Act
    for (let i = 0; i < 20; i += 1) engine.onMessage(telemetry(`t${i}`));
    await engine.idle();

    // Assess
    expect(Object.fromEntries(peak)).toEqual({ ingest: 2, alerts: 2 });
    expect(engine.stats().delivered).toBe(40);
  });

  it('drops and counts what does not fit the queue, without failing the publisher', async () => {
    const invoke: Invoke = () => new Promise<InvokeOutcome>((resolve) => setTimeout(() => resolve({ ok: true, payload: null }), 5));
    const lines: string[] = [];
    const engine = createRulesEngine({ rules: [rule('ingest')], invoke, log: (line) => lines.push(line), concurrencyPerFunction: 1, maxQueued: 3 });

    for (let i = 0; i < 10; i += 1) engine.onMessage(telemetry('t1'));
    await engine.idle();

    expect(engine.stats()).toMatchObject({ matched: 10, delivered: 4, dropped: 6 });
    expect(lines[0]).toMatch(/ingest has 3 events waiting/);
  });

  it('stops without delivering what is still queued', async () => {
    const invoke = scriptedInvoke([functionError('x')]);
    const engine = createRulesEngine({ rules: [rule('ingest')], invoke, log: () => undefined, retryDelaysMs: [10_000] });
    engine.onMessage(telemetry('t1'));
    await new Promise((resolve) => setTimeout(resolve, 10));
    engine.stop();
    await engine.idle();
    expect(invoke.calls).toHaveLength(1);
  });
});
