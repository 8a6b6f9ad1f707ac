import { deleteAccount, sweepDeletedAccount } from '../../src/domain/account-deletion';
import type { DeletionSweeps, Revocations, UserEvents } from '../../src/domain/account-deletion';
import { FakeIdentity, FakeUsers, manualClock, storedUser } from '../support/fakes';

function setup() {
  const identity = new FakeIdentity();
  identity.addAccount({ userId: 'user-1', email: 'ada@example.com', password: 'abcdefg1', displayName: 'Ada' });
  const users = new FakeUsers();
  users.seed(storedUser());
  const published: string[] = [];
  const sweptAgain: string[] = [];
  const revoked: Array<{ userId: string; at: string }> = [];
  const scheduled: string[] = [];
  /** Every side effect in the order it happened. */
  const steps: string[] = [];
  const failing = new Set<'publish' | 'revoke' | 'schedule'>();
  const events: UserEvents = {
    userDeleted: async (userId) => {
      if (failing.has('publish')) throw new Error('SNS unavailable');
      published.push(userId);
      steps.push('event');
    },
    userDeletedAgain: async (userId) => {
      sweptAgain.push(userId);
    },
  };
  const revocations: Revocations = {
    revoke: async (userId, at) => {
      if (failing.has('revoke')) throw new Error('DynamoDB unavailable');
      revoked.push({ userId, at: at.toISOString() });
      steps.push('revocation');
    },
  };
  const sweeps: DeletionSweeps = {
    schedule: async (userId) => {
      if (failing.has('schedule')) throw new Error('SQS unavailable');
      scheduled.push(userId);
      steps.push('sweep');
    },
  };
  const tracedUsers = Object.assign(Object.create(users) as FakeUsers, {
    markDeleted: async (userId: string, at: Date) => {
      await users.markDeleted(userId, at);
      steps.push('tombstone');
    },
  });
  const tracedIdentity = Object.assign(Object.create(identity) as FakeIdentity, {
    deleteUser: async (userId: string) => {
      await identity.deleteUser(userId);
      steps.push('login');
    },
  });
  const clock = manualClock();
  return {
    identity,
    users,
    published,
    sweptAgain,
    revoked,
    scheduled,
    steps,
    failing,
    deps: { identity: tracedIdentity, users: tracedUsers, events, revocations, sweeps, clock },
  };
}

describe('deleteAccount', () => {
  test('removes the login, publishes user.deleted, replaces the profile by a tombstone and revokes the tokens', async () => {
    // Prepare
    const { deps, identity, users, published, revoked, scheduled } = setup();

    // Act
    await deleteAccount('user-1', deps);

    // Assess
    expect(identity.accounts.size).toBe(0);
    expect(published).toEqual(['user-1']);
    expect(users.live('user-1')).toBeUndefined();
    expect(users.items.get('user-1')).toEqual({ deletedAt: '2026-11-28T09:00:00.000Z' });
    expect(revoked).toEqual([{ userId: 'user-1', at: '2026-11-28T09:00:00.000Z' }]);
    expect(scheduled).toEqual(['user-1']);
  });

  test('schedules the sweep before the event, and revokes last, once nothing is left for a retry', async () => {
    // Prepare
    const { deps, steps } = setup();

    // Act
    await deleteAccount('user-1', deps);

    // Assess
    expect(steps).toEqual(['login', 'sweep', 'event', 'tombstone', 'revocation']);
  });

  test('when publishing fails the profile stays and no token is revoked, and repeating the request completes the deletion', async () => {
    // Prepare
    const { deps, users, published, revoked, failing } = setup();
    failing.add('publish');
    await expect(deleteAccount('user-1', deps)).rejects.toThrow('SNS unavailable');
    expect(users.live('user-1')).toBeDefined();
    expect(revoked).toEqual([]);
    failing.delete('publish');

    // Act
    await deleteAccount('user-1', deps);

    // Assess
    expect(published).toEqual(['user-1']);
    expect(users.live('user-1')).toBeUndefined();
    expect(revoked.map((entry) => entry.userId)).toEqual(['user-1']);
  });

  test('when the revocation cannot be written the request fails (no 204 without it), and a retry writes it', async () => {
    // Prepare
    const { deps, revoked, scheduled, failing } = setup();
    failing.add('revoke');
    const failed = deleteAccount('user-1', deps);
    await expect(failed).rejects.toThrow('DynamoDB unavailable');
    failing.delete('revoke');

    // Act
    await deleteAccount('user-1', deps);

    // Assess
    expect(revoked.map((entry) => entry.userId)).toEqual(['user-1']);
    // The retry schedules its own sweep: its delay counts from before its own revocation.
    expect(scheduled).toEqual(['user-1', 'user-1']);
  });

  test('when the sweep cannot be scheduled nothing is published or revoked yet', async () => {
    // Prepare
    const { deps, published, revoked, users, failing } = setup();
    failing.add('schedule');

    // Act
    const outcome = deleteAccount('user-1', deps);

    // Assess
    await expect(outcome).rejects.toThrow('SQS unavailable');
    expect(published).toEqual([]);
    expect(revoked).toEqual([]);
    expect(users.live('user-1')).toBeDefined();
  });

  test('the login goes before anything else', async () => {
    // Prepare
    const { deps, identity, users, published, scheduled } = setup();
    identity.failNext('deleteUser', new Error('Cognito down'));

    // Act
    const outcome = deleteAccount('user-1', deps);

    // Assess
    await expect(outcome).rejects.toThrow('Cognito down');
    expect(published).toEqual([]);
    expect(scheduled).toEqual([]);
    expect(users.live('user-1')).toBeDefined();
  });
});

describe('sweepDeletedAccount', () => {
  test('publishes user.deleted again, as the sweep', async () => {
    // Prepare
    const { deps, published, sweptAgain } = setup();

    // Act
    await sweepDeletedAccount('user-1', deps);

    // Assess
    expect(sweptAgain).toEqual(['user-1']);
    expect(published).toEqual([]);
  });
});
