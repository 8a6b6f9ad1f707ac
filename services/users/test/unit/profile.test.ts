import { NotFoundError } from '@photonotes/shared/errors';
import { createProfileOnConfirmation, getOwnProfile, getPublicProfile, updateOwnProfile } from '../../src/domain/profile';
import { FakeUsers, manualClock, storedUser } from '../support/fakes';

const confirmation = { source: 'PostConfirmation_ConfirmSignUp', attributes: { sub: 'user-1', email: 'ada@example.com', name: 'Ada', email_verified: 'true' } };

/** Records the sign-ups announced. */
function recordingEvents() {
  const signedUp: Array<{ userId: string; signedUpAt: string }> = [];
  return {
    signedUp,
    async userSignedUp(userId: string, signedUpAt: string) {
      signedUp.push({ userId, signedUpAt });
    },
  };
}

describe('createProfileOnConfirmation', () => {
  let events = recordingEvents();
  beforeEach(() => {
    events = recordingEvents();
  });

  test('creates the profile with an empty bio and createdAt = updatedAt', async () => {
    // Prepare
    const users = new FakeUsers();
    const clock = manualClock('2026-11-28T09:00:00.000Z');

    // Act
    await createProfileOnConfirmation(confirmation, { users, clock, events });

    // Assess
    expect(users.live('user-1')).toEqual(storedUser({ createdAt: '2026-11-28T09:00:00.000Z', updatedAt: '2026-11-28T09:00:00.000Z' }));
    expect(events.signedUp).toEqual([{ userId: 'user-1', signedUpAt: '2026-11-28T09:00:00.000Z' }]);
  });

  test('a replayed confirmation neither duplicates nor overwrites an edited profile', async () => {
    // Prepare
    const users = new FakeUsers();
    const clock = manualClock();
    await createProfileOnConfirmation(confirmation, { users, clock, events });
    await updateOwnProfile('user-1', { bio: 'Mathematician' }, { users, clock });
    const before = users.live('user-1');
    clock.advance(60_000);

    // Act
    await createProfileOnConfirmation(confirmation, { users, clock, events });

    // Assess
    expect(users.items.size).toBe(1);
    expect(users.live('user-1')).toEqual(before);
    // Announced again with the profile's own createdAt, so the event is the same one (same id downstream).
    expect(events.signedUp).toEqual([events.signedUp[0], events.signedUp[0]]);
  });

  test('a confirmation after a deletion does not bring the profile back', async () => {
    // Prepare
    const users = new FakeUsers();
    const clock = manualClock();
    await createProfileOnConfirmation(confirmation, { users, clock, events });
    await users.markDeleted('user-1', clock.now());

    // Act
    await createProfileOnConfirmation(confirmation, { users, clock, events });

    // Assess
    expect(users.live('user-1')).toBeUndefined();
    expect(events.signedUp).toHaveLength(1);
  });

  test('a forgotten-password confirmation creates nothing', async () => {
    // Prepare
    const users = new FakeUsers();

    // Act
    await createProfileOnConfirmation({ ...confirmation, source: 'PostConfirmation_ConfirmForgotPassword' }, { users, clock: manualClock(), events });

    // Assess
    expect(users.items.size).toBe(0);
    expect(events.signedUp).toEqual([]);
  });

  test('the email is stored lower-case', async () => {
    // Prepare
    const users = new FakeUsers();

    // Act
    await createProfileOnConfirmation({ ...confirmation, attributes: { ...confirmation.attributes, email: 'Ada@Example.com' } }, { users, clock: manualClock(), events });

    // Assess
    expect(users.live('user-1')?.email).toBe('ada@example.com');
  });

  test('a confirmed user without a sub fails the trigger (Cognito then reports the error)', async () => {
    // Act
    const outcome = createProfileOnConfirmation({ ...confirmation, attributes: { email: 'ada@example.com' } }, { users: new FakeUsers(), clock: manualClock(), events });

    // Assess
    await expect(outcome).rejects.toThrow('without sub or email');
  });
});

describe('reading profiles', () => {
  test('the owner sees the email; everyone else does not', async () => {
    // Prepare
    const users = new FakeUsers();
    users.seed(storedUser({ bio: 'Hi', sessionEpoch: 3 }));

    // Act
    const own = await getOwnProfile('user-1', { users });
    const visible = await getPublicProfile('user-1', { users });

    // Assess
    expect(own).toEqual({ userId: 'user-1', email: 'ada@example.com', displayName: 'Ada', bio: 'Hi', createdAt: '2026-11-28T08:00:00.000Z', updatedAt: '2026-11-28T08:00:00.000Z' });
    expect(visible).toEqual({ userId: 'user-1', displayName: 'Ada', bio: 'Hi', createdAt: '2026-11-28T08:00:00.000Z' });
  });

  test('an unknown or deleted user is a 404', async () => {
    // Prepare
    const users = new FakeUsers();
    users.seed(storedUser());
    await users.markDeleted('user-1', new Date());

    // Act + Assess
    await expect(getPublicProfile('user-1', { users })).rejects.toBeInstanceOf(NotFoundError);
    await expect(getOwnProfile('nobody', { users })).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('updateOwnProfile', () => {
  test('changes only the fields given and moves updatedAt to now', async () => {
    // Prepare
    const users = new FakeUsers();
    users.seed(storedUser({ bio: 'old bio' }));
    const clock = manualClock('2026-11-28T09:00:00.000Z');

    // Act
    const profile = await updateOwnProfile('user-1', { displayName: 'Ada L.' }, { users, clock });

    // Assess
    expect(profile).toMatchObject({ displayName: 'Ada L.', bio: 'old bio', createdAt: '2026-11-28T08:00:00.000Z', updatedAt: '2026-11-28T09:00:00.000Z' });
  });

  test('two edits of different fields both land', async () => {
    // Prepare
    const users = new FakeUsers();
    users.seed(storedUser());
    const clock = manualClock();

    // Act
    await Promise.all([
      updateOwnProfile('user-1', { displayName: 'Ada L.' }, { users, clock }),
      updateOwnProfile('user-1', { bio: 'Engines' }, { users, clock }),
    ]);

    // Assess
    expect(users.live('user-1')).toMatchObject({ displayName: 'Ada L.', bio: 'Engines' });
  });

  test('updatedAt moves forward even when two edits share a millisecond or the clock goes back', async () => {
    // Prepare
    const users = new FakeUsers();
    users.seed(storedUser({ updatedAt: '2026-11-28T10:00:00.000Z' }));
    const clock = manualClock('2026-11-28T09:59:00.000Z');

    // Act
    const first = await updateOwnProfile('user-1', { bio: 'one' }, { users, clock });
    const second = await updateOwnProfile('user-1', { bio: 'two' }, { users, clock });

    // Assess
    expect(first.updatedAt).toBe('2026-11-28T10:00:00.001Z');
    expect(second.updatedAt).toBe('2026-11-28T10:00:00.002Z');
    expect(users.live('user-1')?.bio).toBe('two');
  });

  test('an empty patch returns the profile unchanged', async () => {
    // Prepare
    const users = new FakeUsers();
    users.seed(storedUser());

    // Act
    const profile = await updateOwnProfile('user-1', {}, { users, clock: manualClock() });

    // Assess
    expect(profile.updatedAt).toBe('2026-11-28T08:00:00.000Z');
  });

  test('a deleted profile cannot be edited', async () => {
    // Prepare
    const users = new FakeUsers();
    users.seed(storedUser());
    await users.markDeleted('user-1', new Date());

    // Act
    const outcome = updateOwnProfile('user-1', { bio: 'x' }, { users, clock: manualClock() });

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(NotFoundError);
  });
});
