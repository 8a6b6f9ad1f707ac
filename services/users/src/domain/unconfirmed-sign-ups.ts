// Sign-ups never confirmed are removed after a while (Cognito keeps them forever): once a day a scheduled run
// removes every account still unconfirmed that was created more than `maxAgeDays` before the run's time. Such an
// account never logged in, so it owns no data anywhere: no user.deleted is published.
import { positiveIntegerParam } from '@photonotes/shared/env';
import type { Logger } from '@photonotes/shared/log';

export interface UnconfirmedSignUp {
  userId: string;
  createdAt: Date;
}

/** The identity provider's unconfirmed accounts. */
export interface UnconfirmedSignUps {
  /** Every account that is still unconfirmed, page by page. */
  list(): AsyncIterable<UnconfirmedSignUp>;
  /** Asked again just before removing it: an account confirmed since it was listed is left alone. */
  isUnconfirmed(userId: string): Promise<boolean>;
  /** Resolves 'not-found' when it is already gone. */
  remove(userId: string): Promise<'deleted' | 'not-found'>;
}

/** Whatever the users table holds for the account (normally nothing: profiles are written at confirmation). */
export interface SignUpRecords {
  forget(userId: string): Promise<void>;
}

export interface UnconfirmedCleanupDeps {
  signUps: UnconfirmedSignUps;
  records: SignUpRecords;
  maxAgeDays: number;
  log: Logger;
}

export interface CleanupReport {
  unconfirmed: number;
  removed: number;
}

const dayMs = 24 * 60 * 60 * 1000;

/** Created before this moment: old enough to go at `asOf`. */
export function unconfirmedCutoff(asOf: Date, maxAgeDays: number): Date {
  return new Date(asOf.getTime() - maxAgeDays * dayMs);
}

/** One run, as of `asOf` (the schedule's time). Safe to repeat: a removed account is not listed again. */
export async function removeUnconfirmedSignUps(asOf: Date, deps: UnconfirmedCleanupDeps): Promise<CleanupReport> {
  const cutoff = unconfirmedCutoff(asOf, deps.maxAgeDays);
  let unconfirmed = 0;
  let removed = 0;
  for await (const signUp of deps.signUps.list()) {
    unconfirmed++;
    if (signUp.createdAt.getTime() > cutoff.getTime()) continue;
    if (!(await deps.signUps.isUnconfirmed(signUp.userId))) continue;
    // The record first: if the account's removal then fails, the next run still finds the account.
    await deps.records.forget(signUp.userId);
    if ((await deps.signUps.remove(signUp.userId)) === 'deleted') removed++;
  }
  deps.log.info('Removed unconfirmed sign-ups', { asOf: asOf.toISOString(), cutoff: cutoff.toISOString(), unconfirmed, removed });
  return { unconfirmed, removed };
}

/** The stage's value (param unconfirmedSignUpDays); a missing or malformed one fails loudly. */
export function unconfirmedMaxAgeDays(raw: string): number {
  return positiveIntegerParam('unconfirmedSignUpDays', raw);
}
