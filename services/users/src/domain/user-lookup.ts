// GET /users?email=: find a user to share with by their address, without the API becoming a directory. An exact
// (case-insensitive) match of a confirmed, live account answers its id and display name, anything else a 404;
// every look-up counts, found or not, against the caller's hourly allowance (then 429 with Retry-After): the stage
// param emailLookupsPerHour, 30 as the contract says unless a stage sets otherwise.
import type { Clock } from '@photonotes/shared/clock';
import { positiveIntegerParam } from '@photonotes/shared/env';
import { NotFoundError, RateLimitedError } from '@photonotes/shared/errors';

/** API.md: at most 30 look-ups per caller per hour (the default of the stage param emailLookupsPerHour). */
export const defaultEmailLookupsPerHour = 30;
export const lookupWindowSeconds = 3600;

/** The stage's allowance (param emailLookupsPerHour); a missing or malformed value fails loudly, at start-up. */
export function emailLookupsPerHourFrom(raw: string): number {
  return positiveIntegerParam('emailLookupsPerHour', raw);
}

export interface UserMatch {
  userId: string;
  displayName: string;
}

export interface UserDirectory {
  /**
   * The live account whose (lower-case) address is `email`. A profile exists only once a sign-up is confirmed and a
   * deleted account keeps no address, so neither is found. Read from an index: a sign-up shows within a second or so.
   */
  findByEmail(email: string): Promise<UserMatch | undefined>;
}

/**
 * A caller's look-ups: a window opens at the first look-up after the previous one closed and lasts an hour, and at
 * most `limit` look-ups fit in it. Anchored to the caller rather than to the clock's hours, so no burst of twice
 * the limit fits across an hour boundary.
 */
export interface LookupWindow {
  /** Epoch milliseconds. */
  openedAt: number;
  count: number;
}

export type LookupAdmission = { admitted: true; window: LookupWindow } | { admitted: false; retryAfterSeconds: number };

/** The rule itself; the store applies it with conditional writes (adapters/user-directory.ts). */
export function admitLookup(window: LookupWindow | undefined, nowMs: number, limit = defaultEmailLookupsPerHour, windowSeconds = lookupWindowSeconds): LookupAdmission {
  const closesAt = window ? window.openedAt + windowSeconds * 1000 : 0;
  if (!window || closesAt <= nowMs) return { admitted: true, window: { openedAt: nowMs, count: 1 } };
  if (window.count < limit) return { admitted: true, window: { openedAt: window.openedAt, count: window.count + 1 } };
  return { admitted: false, retryAfterSeconds: Math.max(1, Math.ceil((closesAt - nowMs) / 1000)) };
}

export interface LookupAllowance {
  /** Counts one look-up of `callerId` at `now` if `admitLookup` admits it, atomically. */
  admit(callerId: string, now: Date, limit: number, windowSeconds: number): Promise<{ admitted: true } | { admitted: false; retryAfterSeconds: number }>;
}

export interface UserLookupDeps {
  directory: UserDirectory;
  allowance: LookupAllowance;
  clock: Clock;
  /** Look-ups a caller may make in an hour. */
  lookupsPerHour: number;
}

/** `email` is validated and lower-cased by the route (account-fields.ts). */
export async function findUserByEmail(email: string, caller: { userId: string }, deps: UserLookupDeps): Promise<UserMatch> {
  // Counted before the answer is known, so misses cost as much as hits: probing addresses is what the limit stops.
  const admission = await deps.allowance.admit(caller.userId, deps.clock.now(), deps.lookupsPerHour, lookupWindowSeconds);
  if (!admission.admitted) {
    throw new RateLimitedError(`At most ${deps.lookupsPerHour} look-ups by email an hour; try again later`, undefined, { retryAfterSeconds: admission.retryAfterSeconds });
  }
  const match = await deps.directory.findByEmail(email);
  if (!match) throw new NotFoundError('No user with this email');
  return { userId: match.userId, displayName: match.displayName };
}
