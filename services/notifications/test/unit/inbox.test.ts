import { deleteAccountData } from '../../src/domain/account-deletion';
import { listInbox, markRead } from '../../src/domain/inbox';
import type { Notification } from '../../src/domain/notification';
import { alice, bob, device, testDeps, testLogger, thrownBy } from './support/fakes';

function entry(overrides: Partial<Notification> = {}): Notification {
  return {
    id: '0000000010000000000000',
    userId: 'bob',
    type: 'media.ready',
    title: 'Your photo is ready',
    body: 'The photo you uploaded has been processed.',
    data: { key: 'uploads/bob/k.jpg' },
    createdAt: '2026-11-27T09:00:00.000Z',
    readAt: null,
    ...overrides,
  };
}

describe('listInbox', () => {
  it('lists the caller’s entries newest first, without internal fields', async () => {
    // Prepare
    const { deps, inbox } = testDeps();
    inbox.seed(entry({ id: 'mg0000001aaaaaaaaaaaa' }));
    inbox.seed(entry({ id: 'mg0000002aaaaaaaaaaaa', type: 'note.shared', data: { noteId: 'n1' } }));
    inbox.seed(entry({ id: 'mg0000003aaaaaaaaaaaa', userId: 'alice' }));

    // Act
    const page = await listInbox(bob, { limit: 20 }, deps);

    // Assess
    expect(page.items.map((item) => item.id)).toEqual(['mg0000002aaaaaaaaaaaa', 'mg0000001aaaaaaaaaaaa']);
    expect(page.items[0]).toEqual({
      id: 'mg0000002aaaaaaaaaaaa',
      type: 'note.shared',
      title: 'Your photo is ready',
      body: 'The photo you uploaded has been processed.',
      data: { noteId: 'n1' },
      createdAt: '2026-11-27T09:00:00.000Z',
      readAt: null,
    });
    expect(page.nextCursor).toBeNull();
  });
});

describe('markRead', () => {
  it('marks the entries read and keeps the first readAt when marked again', async () => {
    // Prepare
    const { deps, inbox, clock } = testDeps();
    inbox.seed(entry({ id: 'a' }));
    inbox.seed(entry({ id: 'b' }));
    await markRead(['a'], bob, deps);
    clock.advance(60_000);

    // Act
    await markRead(['a', 'b', 'b'], bob, deps);

    // Assess
    const readAt = Object.fromEntries(inbox.entriesOf('bob').map((e) => [e.id, e.readAt]));
    expect(readAt).toEqual({ a: '2026-11-28T09:00:00.000Z', b: '2026-11-28T09:01:00.000Z' });
  });

  it('answers 404 naming every id that is not the caller’s, and marks nothing', async () => {
    // Prepare
    const { deps, inbox } = testDeps();
    inbox.seed(entry({ id: 'mine' }));
    inbox.seed(entry({ id: 'theirs', userId: 'alice' }));
    const writes = inbox.writes;

    // Act
    const err = await thrownBy(() => markRead(['mine', 'theirs', 'nobodys'], bob, deps));

    // Assess
    expect(err).toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
      details: [
        { location: 'body', path: 'ids.1', id: 'theirs', message: 'No such notification' },
        { location: 'body', path: 'ids.2', id: 'nobodys', message: 'No such notification' },
      ],
    });
    expect(inbox.writes).toBe(writes);
    expect(inbox.entriesOf('bob')[0]?.readAt).toBeNull();
    expect(inbox.entriesOf('alice')[0]?.readAt).toBeNull();
  });
});

describe('deleteAccountData', () => {
  it('removes the user’s devices with their endpoints, the inbox and what the transport kept, and only theirs', async () => {
    // Prepare
    const { deps, devices, inbox, push } = testDeps();
    const phone = device({ userId: 'bob' });
    const alices = device({ userId: 'alice' });
    devices.seed(phone);
    devices.seed(alices);
    push.endpoints.add(phone.endpointArn as string);
    push.endpoints.add(alices.endpointArn as string);
    inbox.seed(entry({ id: 'x' }));
    inbox.seed(entry({ id: 'y', userId: 'alice' }));

    // Act
    const result = await deleteAccountData('bob', deps, testLogger().log);
    const again = await deleteAccountData('bob', deps, testLogger().log);

    // Assess
    expect(result).toEqual({ devices: 1, notifications: 1 });
    expect(again).toEqual({ devices: 0, notifications: 0 });
    expect(await devices.listAll('bob')).toEqual([]);
    expect(await devices.tokenOwner(phone.platform, phone.token)).toBeUndefined();
    expect([...push.endpoints]).toEqual([alices.endpointArn]);
    expect(inbox.entriesOf('bob')).toEqual([]);
    expect(inbox.entriesOf('alice')).toHaveLength(1);
    expect(await devices.listAll(alice.userId)).toHaveLength(1);
    expect(push.forgotten).toContain('bob');
  });
});
