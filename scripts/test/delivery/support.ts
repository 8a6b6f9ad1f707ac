// Fakes for the delivery layer's unit tests: a scripted Lambda, an in-memory dead-letter store, a clock
// that sleeps instantly.
import type { NewDeadLetter } from '../../platform/delivery/dead-letters';
import type { Invoke, InvokeOutcome } from '../../platform/delivery/lambda-invoke';
import type { LambdaStreamRecord } from '../../platform/delivery/stream-batch';

export function streamRecord(sequenceNumber: number, options: { createdAt?: number; entity?: string; eventName?: string } = {}): LambdaStreamRecord {
  return {
    eventID: `e${sequenceNumber}`,
    eventName: options.eventName ?? 'INSERT',
    dynamodb: {
      SequenceNumber: String(sequenceNumber).padStart(21, '0'),
      ApproximateCreationDateTime: options.createdAt ?? 1_000_000,
      NewImage: { entity: { S: options.entity ?? 'note' } },
    },
  };
}

export const seq = (record: LambdaStreamRecord | undefined) => Number(record?.dynamodb.SequenceNumber);

/** A function that answers each invocation with `respond(event, call number)`; every event is kept. */
export function scriptedLambda(respond: (event: { Records: LambdaStreamRecord[] }, call: number) => InvokeOutcome) {
  const calls: Array<{ functionName: string; event: { Records: LambdaStreamRecord[] } }> = [];
  const invoke: Invoke = async (functionName, event) => {
    calls.push({ functionName, event: event as { Records: LambdaStreamRecord[] } });
    return respond(event as { Records: LambdaStreamRecord[] }, calls.length);
  };
  return { invoke, calls, batches: () => calls.map((c) => c.event.Records.map(seq)) };
}

export const ok = (payload: unknown = null): InvokeOutcome => ({ ok: true, payload });
export const functionError = (message = 'boom'): InvokeOutcome => ({ ok: false, reachedFunction: true, error: { type: 'Error', message } });
export const unreachable = (): InvokeOutcome => ({ ok: false, reachedFunction: false, error: { type: 'ECONNREFUSED', message: 'connect ECONNREFUSED' } });

export function memoryDeadLetters() {
  const letters: NewDeadLetter[] = [];
  return { letters, deadLetters: { put: async (letter: NewDeadLetter) => (letters.push(letter), { ...letter, id: 'x', status: 'pending' as const, redrives: [], firstFailureAt: letter.failedAt, lastFailureAt: letter.failedAt }) } };
}

export function instantTime(start = 1_000_000_000) {
  let now = start;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleeps,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    advance: (ms: number) => (now += ms),
  };
}
