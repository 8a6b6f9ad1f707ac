import { invokeAsync, type AsyncInvocation } from '../../platform/delivery/async-invoke';
import type { Invoke, InvokeOutcome } from '../../platform/delivery/lambda-invoke';
import { functionError, instantTime, memoryDeadLetters, ok, unreachable } from './support';

const invocation: AsyncInvocation = {
  source: 'sns',
  consumer: 'core-api.userEvents',
  functionName: 'photonotes-core-api-local-userEvents',
  event: { Records: [{ Sns: { MessageId: 'm1' } }] },
  identity: 'm1',
  summary: 'message m1 on user-events',
  queuedAt: 1_000_000_000,
};

function run(outcomes: InvokeOutcome[], policy = { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 21600 }, time = instantTime()) {
  const store = memoryDeadLetters();
  const events: unknown[] = [];
  const invoke: Invoke = async (_name, event) => {
    events.push(event);
    return outcomes[Math.min(events.length - 1, outcomes.length - 1)] as InvokeOutcome;
  };
  const result = invokeAsync(invocation, policy, { invoke, deadLetters: store.deadLetters, retryDelaysMs: [1000, 2000], unreachableDelayMs: 500, now: time.now, sleep: time.sleep, signal: new AbortController().signal, log: () => undefined });
  return { result, events, letters: store.letters, time };
}

describe('invokeAsync (Lambda asynchronous invocation)', () => {
  it('delivers on the first attempt', async () => {
    const { result, events, letters } = run([ok()]);
    expect(await result).toBe('delivered');
    expect(events).toHaveLength(1);
    expect(letters).toEqual([]);
  });

  it('retries a function error after the delays and delivers when a retry succeeds', async () => {
    const { result, events, time } = run([functionError(), functionError(), ok()]);
    expect(await result).toBe('delivered');
    expect(events).toHaveLength(3);
    expect(time.sleeps).toEqual([1000, 2000]);
  });

  it('dead-letters the exact event after the first attempt and maximumRetryAttempts retries', async () => {
    const { result, events, letters } = run([functionError('no table')]);
    expect(await result).toBe('dead-lettered');
    expect(events).toHaveLength(3);
    expect(letters).toEqual([
      expect.objectContaining({ source: 'sns', consumer: 'core-api.userEvents', condition: 'RetriesExhausted', attempts: 3, event: invocation.event, identity: 'm1', error: { type: 'Error', message: 'no table' } }),
    ]);
  });

  it('honours maximumRetryAttempts 0', async () => {
    const { result, events } = run([functionError()], { maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60 });
    expect(await result).toBe('dead-lettered');
    expect(events).toHaveLength(1);
  });

  it('dead-letters an event older than maximumEventAge instead of trying it again', async () => {
    const time = instantTime(invocation.queuedAt);
    const { result, events, letters } = run([functionError()], { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 1 }, time);
    expect(await result).toBe('dead-lettered');
    expect(events).toHaveLength(1);
    expect(letters[0]).toMatchObject({ condition: 'EventAgeExceeded', attempts: 1 });
  });

  it('keeps trying while the Lambda API is unreachable, without using up retries', async () => {
    const { result, events, letters } = run([unreachable(), unreachable(), unreachable(), functionError(), ok()], { maximumRetryAttempts: 1, maximumEventAgeInSeconds: 21600 });
    expect(await result).toBe('delivered');
    expect(events).toHaveLength(5);
    expect(letters).toEqual([]);
  });
});
