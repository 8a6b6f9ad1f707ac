// Scheduled (EventBridge, once a day): removes the sign-ups still unconfirmed after unconfirmedSignUpDays
// (src/domain/unconfirmed-sign-ups.ts). The run acts as of the schedule's time, the event's `time`.
import { systemClock } from '@photonotes/shared/clock';
import { dependencies } from '@photonotes/shared/dependencies';
import { requireEnv } from '@photonotes/shared/env';
import { createLogger } from '@photonotes/shared/log';
import type { ScheduledEvent } from 'aws-lambda';
import { signUpRecordsFromEnv, unconfirmedSignUpsFromEnv } from '../adapters/dependencies';
import { removeUnconfirmedSignUps, unconfirmedMaxAgeDays } from '../domain/unconfirmed-sign-ups';
import type { CleanupReport } from '../domain/unconfirmed-sign-ups';

const log = createLogger({ service: 'users' });

const deps = dependencies({
  signUps: unconfirmedSignUpsFromEnv,
  records: signUpRecordsFromEnv,
  maxAgeDays: () => unconfirmedMaxAgeDays(requireEnv('UNCONFIRMED_SIGN_UP_DAYS')),
});

/** The time the schedule fired for; the clock when the event has none (an invocation by hand). */
export function scheduledTime(event: Partial<Pick<ScheduledEvent, 'time'>>): Date {
  const at = typeof event.time === 'string' ? Date.parse(event.time) : Number.NaN;
  return Number.isNaN(at) ? systemClock.now() : new Date(at);
}

export const handler = async (event: ScheduledEvent): Promise<CleanupReport> => {
  try {
    return await removeUnconfirmedSignUps(scheduledTime(event), { signUps: deps.signUps, records: deps.records, maxAgeDays: deps.maxAgeDays, log });
  } catch (err) {
    // Thrown again: Lambda retries, then the failure queue keeps the event.
    log.error('Removing unconfirmed sign-ups failed', { err });
    throw err;
  }
};
