// The one retry layer of notes writes. The repository tries each write once; an operation that lost a race
// (the note changed, the upload's processing state changed, or another write of the owner went first) reads
// again, recomputes and tries again here, after a short jittered wait so writers that collided spread out.
//
// Why the loop is bounded by time and not by a number of attempts: a lost race is always somebody else's
// success. The owner's feed head (adapters/note-feed.ts) refuses a commit only because another commit of the
// same owner landed first, and the loser has then caught up past it; the note's version condition fails only
// because another change of that note landed. So the owner's writes as a whole always progress, and a writer
// that keeps losing is simply behind a burst of its own owner's writes (an offline-first app sending its
// backlog with 20 requests in flight). Giving up after a fixed count turned such a burst into errors; here the
// writer keeps its place in the burst until it lands, and only a write that cannot land within
// `writeDeadlineMs` (far beyond any burst the per-service admission limit lets through) ends in the 409 its
// caller throws.
//
// The waits grow (full jitter, 5 ms doubling to at most 100 ms): transactions that touch the same head at
// once can all be cancelled by DynamoDB (TransactionConflict), and waits that did not grow kept such writers
// colliding in step (the clock-skew test in test/integration/notes-repository.test.ts starved with 10 ms waits).
import { systemClock } from '@photonotes/shared/clock';
import type { Clock } from '@photonotes/shared/clock';
import { backoff } from '@photonotes/shared/backoff';

/** How long one operation keeps trying, well inside the functions' 10 s timeout. */
export const writeDeadlineMs = 8_000;
const writeBackoff = { baseMs: 5, capMs: 100 };

/** Attempt numbers 1, 2, ... until `writeDeadlineMs` has passed on `clock`, with a wait before every one after the first. */
export async function* writeAttempts(clock: Clock = systemClock): AsyncGenerator<number> {
  const deadline = clock.now().getTime() + writeDeadlineMs;
  for (let attempt = 1; attempt === 1 || clock.now().getTime() < deadline; attempt++) {
    if (attempt > 1) await backoff(attempt - 1, writeBackoff);
    yield attempt;
  }
}
