import { RateLimitedError } from '@photonotes/shared/errors';
import { admitLookup, defaultEmailLookupsPerHour, emailLookupsPerHourFrom, findUserByEmail } from '../../src/domain/user-lookup';
import type { LookupAllowance, LookupWindow, UserDirectory, UserMatch } from '../../src/domain/user-lookup';
import { manualClock } from '../support/fakes';
import { failureOf } from '../support/failure';

const hourMs = 3600 * 1000;
const t0 = Date.parse('2026-11-30T09:00:00.000Z');

/** The windows in memory, by the domain's rule (the adapter applies the same one with conditional writes). */
class FakeAllowance implements LookupAllowance {
  readonly windows = new Map<string, LookupWindow>();

  async admit(callerId: string, now: Date, limit: number, windowSeconds: number) {
    const admission = admitLookup(this.windows.get(callerId), now.getTime(), limit, windowSeconds);
    if (!admission.admitted) return admission;
    this.windows.set(callerId, admission.window);
    return { admitted: true as const };
  }
}

class FakeDirectory implements UserDirectory {
  readonly asked: string[] = [];
  constructor(private readonly byEmail: Record<string, UserMatch>) {}

  async findByEmail(email: string) {
    this.asked.push(email);
    return this.byEmail[email];
  }
}

const emailLookupsPerHour = defaultEmailLookupsPerHour;

function setup(lookupsPerHour = emailLookupsPerHour) {
  const clock = manualClock('2026-11-30T09:00:00.000Z');
  const directory = new FakeDirectory({ 'ada@example.com': { userId: 'user-1', displayName: 'Ada' } });
  const allowance = new FakeAllowance();
  return { clock, directory, allowance, deps: { clock, directory, allowance, lookupsPerHour } };
}

describe('emailLookupsPerHourFrom (the stage param)', () => {
  test('reads a positive whole number, 30 by the contract unless a stage sets another', () => {
    // Act
    const values = ['30', '5', '1000'].map(emailLookupsPerHourFrom);

    // Assess
    expect(defaultEmailLookupsPerHour).toBe(30);
    expect(values).toEqual([30, 5, 1000]);
  });

  test.each(['', '0', '-3', '2.5', 'thirty', ' 30'])('refuses %j at start-up rather than admitting everyone or nobody', (raw) => {
    // Act
    const read = () => emailLookupsPerHourFrom(raw);

    // Assess
    expect(read).toThrow(/emailLookupsPerHour must be a positive integer/);
  });
});

describe('admitLookup', () => {
  test('opens a window at the first look-up and admits the limit within it', () => {
    // Act
    const first = admitLookup(undefined, t0, 3);
    const third = admitLookup({ openedAt: t0, count: 2 }, t0 + 10_000, 3);

    // Assess
    expect(first).toEqual({ admitted: true, window: { openedAt: t0, count: 1 } });
    expect(third).toEqual({ admitted: true, window: { openedAt: t0, count: 3 } });
  });

  test('refuses beyond the limit until the window closes, an hour after it opened, saying how long to wait', () => {
    // Act
    const refused = admitLookup({ openedAt: t0, count: 3 }, t0 + 20 * 60_000 + 500, 3);
    const lastMoment = admitLookup({ openedAt: t0, count: 3 }, t0 + hourMs - 1, 3);
    const reopened = admitLookup({ openedAt: t0, count: 3 }, t0 + hourMs, 3);

    // Assess
    expect(refused).toEqual({ admitted: false, retryAfterSeconds: 40 * 60 });
    expect(lastMoment).toEqual({ admitted: false, retryAfterSeconds: 1 });
    expect(reopened).toEqual({ admitted: true, window: { openedAt: t0 + hourMs, count: 1 } });
  });
});

describe('findUserByEmail', () => {
  test('answers the id and display name of the account with this address', async () => {
    // Prepare
    const { deps } = setup();

    // Act
    const match = await findUserByEmail('ada@example.com', { userId: 'caller' }, deps);

    // Assess
    expect(match).toEqual({ userId: 'user-1', displayName: 'Ada' });
  });

  test('answers 404 for an address no account has', async () => {
    // Prepare
    const { deps } = setup();

    // Act
    const err = await failureOf(findUserByEmail('nobody@example.com', { userId: 'caller' }, deps));

    // Assess
    expect(err).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  test(`counts misses like hits, and refuses the ${emailLookupsPerHour + 1}st look-up of the hour with 429 and Retry-After, without looking`, async () => {
    // Prepare
    const { deps, clock, directory } = setup();
    for (let i = 0; i < emailLookupsPerHour; i++) {
      await findUserByEmail(i % 2 === 0 ? 'ada@example.com' : `probe-${i}@example.com`, { userId: 'caller' }, deps).catch(() => undefined);
    }
    clock.advance(15 * 60_000);

    // Act
    const err = await failureOf(findUserByEmail('ada@example.com', { userId: 'caller' }, deps));
    const other = await findUserByEmail('ada@example.com', { userId: 'another-caller' }, deps);

    // Assess
    expect(err).toBeInstanceOf(RateLimitedError);
    expect(err).toMatchObject({ status: 429, code: 'RATE_LIMITED', retryAfterSeconds: 45 * 60 });
    expect(directory.asked).toHaveLength(emailLookupsPerHour + 1);
    expect(other.userId).toBe('user-1');
  });

  test('applies the stage’s allowance, not the default', async () => {
    // Prepare
    const { deps } = setup(3);
    for (let i = 0; i < 3; i++) await findUserByEmail('ada@example.com', { userId: 'caller' }, deps);

    // Act
    const err = await failureOf(findUserByEmail('ada@example.com', { userId: 'caller' }, deps));

    // Assess
    expect(err).toMatchObject({ status: 429, code: 'RATE_LIMITED', message: 'At most 3 look-ups by email an hour; try again later' });
  });

  test('admits look-ups again once the caller’s hour is over', async () => {
    // Prepare
    const { deps, clock } = setup();
    for (let i = 0; i < emailLookupsPerHour; i++) await findUserByEmail('ada@example.com', { userId: 'caller' }, deps);
    clock.advance(hourMs);

    // Act
    const match = await findUserByEmail('ada@example.com', { userId: 'caller' }, deps);

    // Assess
    expect(match.userId).toBe('user-1');
  });
});
