import type { ScheduleConsumer } from '../../platform/delivery/consumers';
import { loadConsumers } from '../../platform/delivery/consumers';
import type { Invoke } from '../../platform/delivery/lambda-invoke';
import { ratePeriodMs, runScheduled, scheduledEvent, startScheduler } from '../../platform/delivery/schedules';
import { loadServiceDefinitions } from '../../platform/service-definitions';
import { functionError, instantTime, memoryDeadLetters, ok } from './support';

const consumer: ScheduleConsumer = {
  id: 'users.removeUnconfirmedSignUps',
  service: 'users',
  serviceName: 'photonotes-users',
  functionName: 'removeUnconfirmedSignUps',
  failureQueue: null,
  source: 'schedule',
  rules: [
    { expression: 'rate(1 day)', enabled: true, input: undefined },
    { expression: 'rate(5 minutes)', enabled: true, input: { job: 'quick' } },
  ],
  retry: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 21600 },
};

describe('the local scheduler (EventBridge schedules)', () => {
  it.each([
    ['rate(1 minute)', 60_000],
    ['rate(5 minutes)', 300_000],
    ['rate(1 hour)', 3_600_000],
    ['rate(1 day)', 86_400_000],
    ['rate(7 days)', 604_800_000],
  ])('reads %s as a period of %i ms', (expression, ms) => {
    expect(ratePeriodMs(expression)).toBe(ms);
  });

  it.each(['cron(0 12 * * ? *)', 'rate(0 days)', 'rate(1 week)', 'every day'])('refuses %s, naming it', (expression) => {
    expect(() => ratePeriodMs(expression)).toThrow(expression.startsWith('rate(0') ? /at least 1/ : /rate\(<n> minute\|hour\|day\)/);
  });

  it('sends the scheduled event EventBridge sends, with the time it fired for', () => {
    const event = scheduledEvent(consumer, 0, new Date('2026-12-08T00:00:00.123Z'));
    expect(event).toEqual({
      version: '0',
      id: expect.any(String),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '000000000000',
      time: '2026-12-08T00:00:00Z',
      region: 'us-east-1',
      resources: ['arn:aws:events:us-east-1:000000000000:rule/photonotes-users-local-removeUnconfirmedSignUps-schedule-1'],
      detail: {},
    });
  });

  it("sends a rule's input instead when it has one", () => {
    expect(scheduledEvent(consumer, 1, new Date())).toEqual({ job: 'quick' });
  });

  it('invokes asynchronously: retries a failing run, then keeps it as a dead letter', async () => {
    const store = memoryDeadLetters();
    const events: unknown[] = [];
    const invoke: Invoke = async (_name, event) => {
      events.push(event);
      return functionError('Cognito is down');
    };
    const time = instantTime();

    const result = await runScheduled(
      consumer,
      { invoke, deadLetters: store.deadLetters, retryDelaysMs: [1000, 2000], unreachableDelayMs: 500, now: time.now, sleep: time.sleep, signal: new AbortController().signal, log: () => undefined },
      { at: new Date('2026-12-08T00:00:00Z') },
    );

    expect(result).toBe('dead-lettered');
    expect(events).toHaveLength(3);
    expect(store.letters).toEqual([expect.objectContaining({ source: 'schedule', consumer: 'users.removeUnconfirmedSignUps', identity: 'rate(1 day)@2026-12-08T00:00:00Z' })]);
  });

  it('fires each enabled rule once a period', () => {
    jest.useFakeTimers({ now: new Date('2026-12-01T00:00:00Z') });
    try {
      const fired: string[] = [];
      const scheduler = startScheduler([{ ...consumer, rules: [consumer.rules[1] as ScheduleConsumer['rules'][number], { expression: 'rate(1 hour)', enabled: false, input: undefined }] }], (c, ruleIndex, at) =>
        fired.push(`${c.id}#${ruleIndex} ${at.toISOString()}`),
      );

      jest.advanceTimersByTime(11 * 60_000);
      scheduler.stop();
      jest.advanceTimersByTime(60 * 60_000);

      expect(fired).toEqual(['users.removeUnconfirmedSignUps#0 2026-12-01T00:05:00.000Z', 'users.removeUnconfirmedSignUps#0 2026-12-01T00:10:00.000Z']);
    } finally {
      jest.useRealTimers();
    }
  });

  it('finds the schedules the services declare', () => {
    const schedules = loadConsumers(loadServiceDefinitions()).filter((c) => c.source === 'schedule');
    expect(schedules.map((c) => [c.id, c.source === 'schedule' ? c.rules : []])).toEqual([
      ['users.removeUnconfirmedSignUps', [{ expression: 'rate(1 day)', enabled: true, input: undefined }]],
      ['notifications.sweepExpiredConnections', [{ expression: 'rate(1 minute)', enabled: true, input: undefined }]],
    ]);
  });

  it('is not confused by a successful run', async () => {
    const time = instantTime();
    const result = await runScheduled(consumer, {
      invoke: async () => ok(),
      deadLetters: memoryDeadLetters().deadLetters,
      retryDelaysMs: [1],
      unreachableDelayMs: 1,
      now: time.now,
      sleep: time.sleep,
      signal: new AbortController().signal,
      log: () => undefined,
    });
    expect(result).toBe('delivered');
  });
});
