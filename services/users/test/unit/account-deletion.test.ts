import { deleteAccount } from '../../src/domain/account-deletion';
import type { UserEvents } from '../../src/domain/account-deletion';
import { FakeIdentity, FakeUsers, manualClock, storedUser } from '../support/fakes';

function setup() {
  const identity = new FakeIdentity();
  identity.addAccount({ userId: 'user-1', email: 'ada@example.com', password: 'abcdefg1', displayName: 'Ada' });
  const users = new FakeUsers();
  users.seed(storedUser());
  const published: string[] = [];
  let failPublish = false;
  const events: UserEvents = {
    userDeleted: async (userId) => {
      if (failPublish) throw new Error('SNS unavailable');
      published.push(userId);
    },
  };
  return {
    identity,
    users,
    published,
    failNextPublish: () => {
      failPublish = true;
    },
    healPublish: () => {
      failPublish = false;
    },
    deps: { identity, users, events, clock: manualClock() },
  };
}

describe('deleteAccount', () => {
  test('removes the login, publishes user.deleted and replaces the profile by a tombstone', async () => {
    // Prepare
    const { deps, identity, users, published } = setup();

    // Act
    await deleteAccount('user-1', deps);

    // Assess
    expect(identity.accounts.size).toBe(0);
    expect(published).toEqual(['user-1']);
    expect(users.live('user-1')).toBeUndefined();
    expect(users.items.get('user-1')).toEqual({ deletedAt: '2026-11-28T09:00:00.000Z' });
  });

  test('when publishing fails the profile stays, and repeating the request completes the deletion', async () => {
    // Prepare
    const { deps, users, published, failNextPublish, healPublish } = setup();
    failNextPublish();
    await expect(deleteAccount('user-1', deps)).rejects.toThrow('SNS unavailable');
    expect(users.live('user-1')).toBeDefined();
    healPublish();

    // Act
    await deleteAccount('user-1', deps);

    // Assess
    expect(published).toEqual(['user-1']);
    expect(users.live('user-1')).toBeUndefined();
  });

  test('the login goes before anything else', async () => {
    // Prepare
    const { deps, identity, users, published } = setup();
    identity.failNext('deleteUser', new Error('Cognito down'));

    // Act
    const outcome = deleteAccount('user-1', deps);

    // Assess
    await expect(outcome).rejects.toThrow('Cognito down');
    expect(published).toEqual([]);
    expect(users.live('user-1')).toBeDefined();
  });
});
