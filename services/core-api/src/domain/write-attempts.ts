// The one retry layer of notes writes. The repository tries each write once; an operation that lost a race
// (the note changed, the upload's processing state changed, or another write of the owner went first) reads
// again, recomputes and tries again here, after a jittered backoff so writers that collided spread out.
import { backoff } from '@photonotes/shared/backoff';

/** Attempts of one write; a note that keeps changing this often is a conflict (409). */
export const maxWriteAttempts = 25;
// Bounds of 5, 10, 20, 40, 80 ms, then 100 ms: all 25 attempts wait about 1.1 s on average, 2.2 s at most.
const writeBackoff = { baseMs: 5, capMs: 100 };

/** The attempt numbers 1..maxWriteAttempts, with a wait before every one after the first. */
export async function* writeAttempts(): AsyncGenerator<number> {
  for (let attempt = 1; attempt <= maxWriteAttempts; attempt++) {
    if (attempt > 1) await backoff(attempt - 1, writeBackoff);
    yield attempt;
  }
}
