import { deliver, deliverAll } from '../../src/domain/delivery';
import type { NotificationRequest } from '../../src/domain/delivery';
import { noteSharedContent } from '../../src/domain/notification';
import { device, testDeps, testLogger, thrownBy } from './support/fakes';

function shareRequest(overrides: Partial<NotificationRequest> = {}): NotificationRequest {
  return { eventId: 'note.shared:n1:2', recipient: 'bob', content: noteSharedContent({ id: 'n1', title: 'Holiday plans' }), ...overrides };
}

describe('deliver', () => {
  it('writes one inbox entry and pushes once to every device of the recipient', async () => {
    // Prepare
    const { deps, devices, inbox, push } = testDeps();
    const phone = device({ userId: 'bob' });
    const tablet = device({ userId: 'bob', platform: 'android' });
    devices.seed(phone);
    devices.seed(tablet);
    devices.seed(device({ userId: 'carol' }));

    // Act
    const result = await deliver(shareRequest(), deps, testLogger().log);

    // Assess
    expect(result).toMatchObject({ status: 'delivered', pushed: 2, removedDevices: 0 });
    const entries = inbox.entriesOf('bob');
    expect(entries).toEqual([
      {
        id: result.notificationId,
        userId: 'bob',
        type: 'note.shared',
        title: 'A note was shared with you',
        body: '“Holiday plans”',
        data: { noteId: 'n1' },
        createdAt: '2026-11-28T09:00:00.000Z',
        readAt: null,
      },
    ]);
    expect(push.sent.map((p) => p.deviceId).sort()).toEqual([phone.deviceId, tablet.deviceId].sort());
    expect(push.sent[0]?.message).toEqual({
      notificationId: result.notificationId,
      title: 'A note was shared with you',
      body: '“Holiday plans”',
      data: { noteId: 'n1', type: 'note.shared', notificationId: result.notificationId },
    });
  });

  it('suppresses a repeated event: no second inbox entry, no second push', async () => {
    // Prepare
    const { deps, devices, inbox, push, clock } = testDeps();
    devices.seed(device({ userId: 'bob' }));
    const first = await deliver(shareRequest(), deps, testLogger().log);
    clock.advance(5_000);

    // Act
    const second = await deliver(shareRequest(), deps, testLogger().log);

    // Assess
    expect(second).toMatchObject({ status: 'duplicate', notificationId: first.notificationId, pushed: 0 });
    expect(inbox.entriesOf('bob')).toHaveLength(1);
    expect(push.sent).toHaveLength(1);
  });

  it('pushes nothing on a repeat once the entry is gone (the account was deleted in between)', async () => {
    // Prepare
    const { deps, devices, inbox, push } = testDeps();
    const phone = device({ userId: 'bob' });
    devices.seed(phone);
    push.failNext.add(phone.deviceId);
    await thrownBy(() => deliver(shareRequest(), deps, testLogger().log));
    await inbox.deleteAll('bob');

    // Act
    const retry = await deliver(shareRequest(), deps, testLogger().log);

    // Assess
    expect(retry).toEqual({ status: 'duplicate', notificationId: null, pushed: 0, removedDevices: 0 });
    expect(push.sent).toEqual([]);
    expect(inbox.entriesOf('bob')).toEqual([]);
  });

  it('delivers one of several events of the same window, suppresses the others, and lets the next one through after it', async () => {
    // Prepare
    const { deps, devices, inbox, push, clock } = testDeps();
    devices.seed(device({ userId: 'bob' }));
    const onceWithin = { key: 'note.shared:n1\nbob', seconds: 24 * 3600 };
    const first = await deliver(shareRequest({ onceWithin }), deps, testLogger().log);

    // Act: the note unshared and shared again (a new version each time), then the same a day later
    clock.advance(60_000);
    const reshared = await deliver(shareRequest({ eventId: 'note.shared:n1:4', onceWithin }), deps, testLogger().log);
    clock.advance(24 * 3600 * 1000 - 60_000 - 1000);
    const justBefore = await deliver(shareRequest({ eventId: 'note.shared:n1:6', onceWithin }), deps, testLogger().log);
    clock.advance(1000);
    const nextDay = await deliver(shareRequest({ eventId: 'note.shared:n1:8', onceWithin }), deps, testLogger().log);

    // Assess
    expect(first.status).toBe('delivered');
    expect(reshared).toEqual({ status: 'suppressed', notificationId: null, pushed: 0, removedDevices: 0 });
    expect(justBefore.status).toBe('suppressed');
    expect(nextDay.status).toBe('delivered');
    expect(inbox.entriesOf('bob').map((entry) => entry.id)).toEqual([nextDay.notificationId, first.notificationId]);
    expect(push.sent).toHaveLength(2);
  });

  it('finishes a delivery whose first attempt failed, although it holds its window', async () => {
    // Prepare
    const { deps, devices, inbox, push } = testDeps();
    const phone = device({ userId: 'bob' });
    devices.seed(phone);
    const onceWithin = { key: 'note.shared:n1\nbob', seconds: 24 * 3600 };
    push.failNext.add(phone.deviceId);
    await thrownBy(() => deliver(shareRequest({ onceWithin }), deps, testLogger().log));

    // Act
    const retry = await deliver(shareRequest({ onceWithin }), deps, testLogger().log);

    // Assess
    expect(retry).toMatchObject({ status: 'duplicate', pushed: 1 });
    expect(inbox.entriesOf('bob')).toHaveLength(1);
    expect(push.sent).toHaveLength(1);
  });

  it('treats the same event for another recipient, or another event, as a new delivery', async () => {
    // Prepare
    const { deps, inbox } = testDeps();
    await deliver(shareRequest(), deps, testLogger().log);

    // Act
    await deliver(shareRequest({ recipient: 'carol' }), deps, testLogger().log);
    await deliver(shareRequest({ eventId: 'note.shared:n1:5' }), deps, testLogger().log);

    // Assess
    expect(inbox.entriesOf('bob')).toHaveLength(2);
    expect(inbox.entriesOf('carol')).toHaveLength(1);
  });

  it('raises when a push fails, and the retry pushes only to the devices still missing it', async () => {
    // Prepare
    const { deps, devices, inbox, push } = testDeps();
    const phone = device({ userId: 'bob' });
    const tablet = device({ userId: 'bob' });
    devices.seed(phone);
    devices.seed(tablet);
    push.failNext.add(tablet.deviceId);

    // Act
    const err = await thrownBy(() => deliver(shareRequest(), deps, testLogger().log));
    const retry = await deliver(shareRequest(), deps, testLogger().log);

    // Assess
    expect(err).toBeInstanceOf(AggregateError);
    expect(retry).toMatchObject({ status: 'duplicate', pushed: 1 });
    expect(push.sentTo(phone.deviceId)).toHaveLength(1);
    expect(push.sentTo(tablet.deviceId)).toHaveLength(1);
    expect(inbox.entriesOf('bob')).toHaveLength(1);
  });

  it('removes a device the push service no longer accepts, with its endpoint', async () => {
    // Prepare
    const { deps, devices, push } = testDeps();
    const stale = device({ userId: 'bob' });
    const fresh = device({ userId: 'bob' });
    devices.seed(stale);
    devices.seed(fresh);
    push.endpoints.add(stale.endpointArn as string);
    push.gone.add(stale.deviceId);
    const { log, lines } = testLogger();

    // Act
    const result = await deliver(shareRequest(), deps, log);

    // Assess
    expect(result).toMatchObject({ status: 'delivered', pushed: 1, removedDevices: 1 });
    expect(await devices.get('bob', stale.deviceId)).toBeUndefined();
    expect(await devices.get('bob', fresh.deviceId)).toBeDefined();
    expect(push.endpoints.has(stale.endpointArn as string)).toBe(false);
    expect(lines).toContainEqual(expect.objectContaining({ level: 'info', deviceId: stale.deviceId }));
  });

  it('still fills the inbox when the recipient has no device', async () => {
    // Prepare
    const { deps, inbox, push } = testDeps();

    // Act
    const result = await deliver(shareRequest(), deps, testLogger().log);

    // Assess
    expect(result).toMatchObject({ status: 'delivered', pushed: 0 });
    expect(inbox.entriesOf('bob')).toHaveLength(1);
    expect(push.sent).toHaveLength(0);
  });

  it('gives later notifications ids that sort after earlier ones', async () => {
    // Prepare
    const { deps, clock } = testDeps();
    const first = await deliver(shareRequest({ eventId: 'e1' }), deps, testLogger().log);
    clock.advance(1);

    // Act
    const second = await deliver(shareRequest({ eventId: 'e2' }), deps, testLogger().log);

    // Assess
    expect(String(second.notificationId) > String(first.notificationId)).toBe(true);
  });
});

describe('deliverAll', () => {
  it('delivers to every recipient even when one fails, then raises', async () => {
    // Prepare
    const { deps, devices, inbox, push } = testDeps();
    const bobs = device({ userId: 'bob' });
    devices.seed(bobs);
    devices.seed(device({ userId: 'carol' }));
    push.failNext.add(bobs.deviceId);

    // Act
    const err = await thrownBy(() => deliverAll([shareRequest(), shareRequest({ recipient: 'carol' })], deps, testLogger().log));

    // Assess
    expect(err).toBeInstanceOf(AggregateError);
    expect(inbox.entriesOf('bob')).toHaveLength(1);
    expect(inbox.entriesOf('carol')).toHaveLength(1);
    expect(push.sent.map((p) => p.userId)).toEqual(['carol']);
  });
});

describe('deliver: metrics', () => {
  it('counts each push sent and each push failed, and a retry only the pushes it makes', async () => {
    // Prepare
    const { deps, devices, push, metrics } = testDeps();
    const phone = device({ userId: 'bob' });
    const tablet = device({ userId: 'bob' });
    devices.seed(phone);
    devices.seed(tablet);
    push.failNext.add(tablet.deviceId);

    // Act
    await thrownBy(() => deliver(shareRequest(), deps, testLogger().log));
    const afterFirst = { sent: metrics.total('PushesSent'), failed: metrics.total('PushesFailed') };
    await deliver(shareRequest(), deps, testLogger().log);

    // Assess
    expect(afterFirst).toEqual({ sent: 1, failed: 1 });
    expect({ sent: metrics.total('PushesSent'), failed: metrics.total('PushesFailed') }).toEqual({ sent: 2, failed: 1 });
  });

  it('does not count a push to a device the push service no longer accepts as sent', async () => {
    // Prepare
    const { deps, devices, push, metrics } = testDeps();
    const stale = device({ userId: 'bob' });
    devices.seed(stale);
    push.gone.add(stale.deviceId);

    // Act
    await deliver(shareRequest(), deps, testLogger().log);

    // Assess
    expect(metrics.recorded).toEqual([]);
  });
});
