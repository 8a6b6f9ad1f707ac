import { createLogger } from '@photonotes/shared/log';
import { cognitoUnconfirmedSignUps } from '../../src/adapters/cognito-unconfirmed-sign-ups';
import type { UnconfirmedSignUpsSender } from '../../src/adapters/cognito-unconfirmed-sign-ups';
import { removeUnconfirmedSignUps, unconfirmedCutoff, unconfirmedMaxAgeDays } from '../../src/domain/unconfirmed-sign-ups';
import type { SignUpRecords, UnconfirmedSignUp, UnconfirmedSignUps } from '../../src/domain/unconfirmed-sign-ups';
import { scheduledTime } from '../../src/functions/remove-unconfirmed-sign-ups';

const log = createLogger({ service: 'users-test', level: 'silent' });
const asOf = new Date('2026-12-08T00:00:00.000Z');

class FakeUnconfirmed implements UnconfirmedSignUps {
  readonly accounts = new Map<string, UnconfirmedSignUp & { confirmed: boolean }>();
  readonly removed: string[] = [];
  /** Confirmed between the listing and the removal. */
  confirmAfterListing = new Set<string>();

  add(userId: string, createdAt: string, confirmed = false): void {
    this.accounts.set(userId, { userId, createdAt: new Date(createdAt), confirmed });
  }

  async *list() {
    const listed = [...this.accounts.values()].filter((account) => !account.confirmed);
    for (const account of listed) yield { userId: account.userId, createdAt: account.createdAt };
    for (const userId of this.confirmAfterListing) {
      const account = this.accounts.get(userId);
      if (account) account.confirmed = true;
    }
  }

  async isUnconfirmed(userId: string) {
    const account = this.accounts.get(userId);
    return account !== undefined && !account.confirmed && !this.confirmAfterListing.has(userId);
  }

  async remove(userId: string) {
    if (!this.accounts.delete(userId)) return 'not-found' as const;
    this.removed.push(userId);
    return 'deleted' as const;
  }
}

class FakeRecords implements SignUpRecords {
  readonly forgotten: string[] = [];

  async forget(userId: string) {
    this.forgotten.push(userId);
  }
}

describe('removeUnconfirmedSignUps', () => {
  test('removes the accounts unconfirmed for more than 7 days at the run’s time, and their records, and no other', async () => {
    // Prepare
    const signUps = new FakeUnconfirmed();
    signUps.add('old', '2026-11-30T23:59:59.000Z');
    signUps.add('exactly-7-days', '2026-12-01T00:00:00.000Z');
    signUps.add('fresh', '2026-12-01T00:00:01.000Z');
    signUps.add('confirmed-long-ago', '2026-01-01T00:00:00.000Z', true);
    const records = new FakeRecords();

    // Act
    const report = await removeUnconfirmedSignUps(asOf, { signUps, records, maxAgeDays: 7, log });

    // Assess
    expect(signUps.removed.sort()).toEqual(['exactly-7-days', 'old']);
    expect(records.forgotten.sort()).toEqual(['exactly-7-days', 'old']);
    expect([...signUps.accounts.keys()].sort()).toEqual(['confirmed-long-ago', 'fresh']);
    expect(report).toEqual({ unconfirmed: 3, removed: 2 });
  });

  test('leaves an account that was confirmed after it was listed', async () => {
    // Prepare
    const signUps = new FakeUnconfirmed();
    signUps.add('late-confirmer', '2026-11-01T00:00:00.000Z');
    signUps.confirmAfterListing.add('late-confirmer');

    // Act
    const report = await removeUnconfirmedSignUps(asOf, { signUps, records: new FakeRecords(), maxAgeDays: 7, log });

    // Assess
    expect(report.removed).toBe(0);
    expect(signUps.accounts.has('late-confirmer')).toBe(true);
  });

  test('is safe to repeat', async () => {
    // Prepare
    const signUps = new FakeUnconfirmed();
    signUps.add('old', '2026-11-01T00:00:00.000Z');
    const deps = { signUps, records: new FakeRecords(), maxAgeDays: 7, log };
    await removeUnconfirmedSignUps(asOf, deps);

    // Act
    const again = await removeUnconfirmedSignUps(asOf, deps);

    // Assess
    expect(again).toEqual({ unconfirmed: 0, removed: 0 });
  });

  test('counts the age in whole days back from the run', () => {
    // Act / Assess
    expect(unconfirmedCutoff(asOf, 7).toISOString()).toBe('2026-12-01T00:00:00.000Z');
  });

  test.each(['0', '-1', '1.5', 'a week', ''])('refuses %j as the number of days', (raw) => {
    // Act / Assess
    expect(() => unconfirmedMaxAgeDays(raw)).toThrow(/positive integer/);
  });
});

describe('the scheduled handler', () => {
  test('acts as of the schedule’s time, or now without one', () => {
    // Act / Assess
    expect(scheduledTime({ time: '2026-12-08T00:00:00Z' }).toISOString()).toBe('2026-12-08T00:00:00.000Z');
    expect(Math.abs(scheduledTime({}).getTime() - Date.now())).toBeLessThan(1000);
    expect(Math.abs(scheduledTime({ time: 'not a time' }).getTime() - Date.now())).toBeLessThan(1000);
  });
});

describe('cognitoUnconfirmedSignUps', () => {
  function fakeCognito(pages: Array<{ Users: Array<{ Username: string; UserCreateDate: Date }>; PaginationToken?: string }>, status: Record<string, string | undefined> = {}) {
    const sent: Array<{ command: string; input: Record<string, unknown> }> = [];
    const client: UnconfirmedSignUpsSender = {
      send: async (command) => {
        const name = command.constructor.name;
        const input = command.input as unknown as Record<string, unknown>;
        sent.push({ command: name, input });
        if (name === 'ListUsersCommand') return pages[input.PaginationToken === undefined ? 0 : Number(input.PaginationToken)];
        if (name === 'AdminGetUserCommand') {
          const userStatus = status[String(input.Username)];
          if (!userStatus) throw Object.assign(new Error('User does not exist.'), { name: 'UserNotFoundException' });
          return { UserStatus: userStatus };
        }
        if (name === 'AdminDeleteUserCommand') {
          if (!status[String(input.Username)]) throw Object.assign(new Error('User does not exist.'), { name: 'UserNotFoundException' });
          return {};
        }
        throw new Error(`unexpected ${name}`);
      },
    };
    return { client, sent };
  }

  test('lists every page of the unconfirmed users with a status filter', async () => {
    // Prepare
    const created = new Date('2026-11-01T00:00:00.000Z');
    const { client, sent } = fakeCognito([
      { Users: [{ Username: 'a', UserCreateDate: created }], PaginationToken: '1' },
      { Users: [{ Username: 'b', UserCreateDate: created }] },
    ]);

    // Act
    const listed: UnconfirmedSignUp[] = [];
    for await (const signUp of cognitoUnconfirmedSignUps({ client, userPoolId: 'pool-1' }).list()) listed.push(signUp);

    // Assess
    expect(listed).toEqual([
      { userId: 'a', createdAt: created },
      { userId: 'b', createdAt: created },
    ]);
    expect(sent.map((call) => call.input)).toEqual([
      { UserPoolId: 'pool-1', Filter: 'cognito:user_status = "UNCONFIRMED"', Limit: 60, PaginationToken: undefined },
      { UserPoolId: 'pool-1', Filter: 'cognito:user_status = "UNCONFIRMED"', Limit: 60, PaginationToken: '1' },
    ]);
  });

  test('asks again before removing, and treats a user already gone as removed by someone else', async () => {
    // Prepare
    const { client } = fakeCognito([], { waiting: 'UNCONFIRMED', done: 'CONFIRMED' });
    const signUps = cognitoUnconfirmedSignUps({ client, userPoolId: 'pool-1' });

    // Act / Assess
    await expect(signUps.isUnconfirmed('waiting')).resolves.toBe(true);
    await expect(signUps.isUnconfirmed('done')).resolves.toBe(false);
    await expect(signUps.isUnconfirmed('gone')).resolves.toBe(false);
    await expect(signUps.remove('waiting')).resolves.toBe('deleted');
    await expect(signUps.remove('gone')).resolves.toBe('not-found');
  });
});
