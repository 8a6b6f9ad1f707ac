// Replays the local dead-letter store: each pending letter's event goes to its function again through the
// Lambda API, the way the platform delivered it. A letter that succeeds is marked redriven and never replayed
// again; one that fails stays pending with the attempt recorded. A lock per letter keeps two runs from
// replaying the same letter at once.
import type { AsyncConsumer } from './consumers';
import type { DeadLetter, DeadLetterStore, FailureDetail } from './dead-letters';
import type { Invoke, InvokeOutcome } from './lambda-invoke';

export interface RedriveResult {
  id: string;
  consumer: string;
  summary: string;
  outcome: 'redriven' | 'failed' | 'skipped';
  reason?: string;
}

/** Did the function handle the whole event? A stream or queue consumer may also report records as failed. */
export function replaySucceeded(outcome: InvokeOutcome, event: unknown, reportsBatchItemFailures: boolean): { ok: true } | { ok: false; error: FailureDetail } {
  if (!outcome.ok) return { ok: false, error: outcome.error };
  // Any reported record fails the replay, whatever it names (a stream sequence number, an SQS message id).
  const failures = (outcome.payload as { batchItemFailures?: unknown } | null)?.batchItemFailures;
  if (reportsBatchItemFailures && Array.isArray(failures) && failures.length > 0) {
    return { ok: false, error: { type: 'BatchItemFailure', message: `the function reported records as failed: ${JSON.stringify(outcome.payload)}` } };
  }
  return { ok: true };
}

function reportsBatchItemFailures(letter: DeadLetter, consumers: AsyncConsumer[]): boolean {
  const consumer = consumers.find((c) => c.id === letter.consumer);
  if (consumer?.source === 'stream' || consumer?.source === 'sqs') return consumer.reportBatchItemFailures;
  return letter.source === 'stream' || letter.source === 'sqs';
}

export async function redriveLocal(options: { store: DeadLetterStore; invoke: Invoke; consumers: AsyncConsumer[]; ids?: string[]; now?: () => Date }): Promise<RedriveResult[]> {
  const now = options.now ?? (() => new Date());
  const letters = options.ids && options.ids.length > 0 ? await Promise.all(options.ids.map((id) => options.store.get(id))) : (await options.store.list()).filter((l) => l.status === 'pending');
  const results: RedriveResult[] = [];
  for (const [index, found] of letters.entries()) {
    if (!found) {
      results.push({ id: options.ids?.[index] ?? '', consumer: '', summary: '', outcome: 'skipped', reason: 'no such dead letter' });
      continue;
    }
    const base = { id: found.id, consumer: found.consumer, summary: found.summary };
    const result = await options.store.withLock(found.id, async (): Promise<RedriveResult> => {
      // Read again under the lock: another run may have replayed it in the meantime.
      const letter = await options.store.get(found.id);
      if (!letter || letter.status === 'redriven') return { ...base, outcome: 'skipped', reason: `already redriven${letter?.redrivenAt ? ` at ${letter.redrivenAt}` : ''}` };
      const verdict = replaySucceeded(await options.invoke(letter.functionName, letter.event), letter.event, reportsBatchItemFailures(letter, options.consumers));
      const at = now().toISOString();
      await options.store.update(letter.id, (current) => ({
        ...current,
        ...(verdict.ok ? { status: 'redriven' as const, redrivenAt: at } : {}),
        redrives: [...current.redrives, verdict.ok ? { at, ok: true } : { at, ok: false, error: verdict.error }],
      }));
      return verdict.ok ? { ...base, outcome: 'redriven' } : { ...base, outcome: 'failed', reason: verdict.error.message };
    });
    results.push(result ?? { ...base, outcome: 'skipped', reason: 'another redrive of it is under way' });
  }
  return results;
}
