// The realtime fan-out on fakes: who gets which note.changed, the per-user seq, stale changes dropped per note,
// gone (410), failing and slow connections (a post given up is aborted, and its note claim outlives it), a user who
// cannot be sent a message made to catch up (a seq gap, or a reconnect), expired tokens closed (on a send and by the
// sweep), a deleted user's connections closed, the cost line, and the `notification` message for each new inbox entry only.
import type { EventOf } from '@photonotes/shared/contracts/event';
import type { noteChanged, PresentedNote } from '@photonotes/shared/contracts/note-events';
import { deliver } from '../../src/domain/delivery';
import { noteSharedContent } from '../../src/domain/notification';
import { closeUserConnections, maxMessageBytes, realtimeFanout, sendToUsers, sweepExpiredConnections } from '../../src/domain/realtime-fanout';
import type { PushedMessage } from '../../src/domain/realtime-fanout';
import { fanOutNoteChange } from '../../src/domain/realtime-notes';
import { testDeps, testLogger } from './support/fakes';
import { connection, FakeExpiring, fanoutDeps, fanoutStart } from './support/realtime-fakes';

type NoteEvent = EventOf<typeof noteChanged>;

function presented(version: number, sharedWith: string[]): PresentedNote {
  return {
    id: 'n1',
    ownerId: 'alice',
    title: 'Harbour',
    body: 'The whole body',
    tags: ['sea'],
    visibility: 'private',
    sharedWith,
    photo: { key: 'uploads/alice/k.jpg', status: 'ready', thumbnails: { small: { url: 'https://media.test/s.webp', width: 128, height: 96 }, medium: { url: 'https://media.test/m.webp', width: 512, height: 384 }, large: { url: 'https://media.test/l.webp', width: 1024, height: 768 } } },
    version,
    createdAt: '2026-11-30T19:00:00.000Z',
    updatedAt: `2026-11-30T19:0${version}:00.000Z`,
  };
}

function noteEvent(version: number, change: 'created' | 'updated' | 'deleted', sharedWith: string[], previous: string[] | null, withNote = true): NoteEvent {
  const note = presented(version, sharedWith);
  return {
    id: `note.changed:n1:${version}${change === 'deleted' ? ':deleted' : ''}`,
    type: 'note.changed',
    version: 1,
    source: 'core-api',
    occurredAt: '2026-11-30T19:30:00.000Z',
    correlationId: 'req-1',
    data: {
      noteId: 'n1',
      ownerId: 'alice',
      version,
      change,
      title: note.title,
      tags: note.tags,
      visibility: 'private',
      sharedWith,
      photoStatus: 'ready',
      createdAt: note.createdAt,
      updatedAt: note.updatedAt,
      previous: previous ? { version: version - 1, visibility: 'private', sharedWith: previous } : null,
      ...(withNote && change !== 'deleted' ? { note } : {}),
    },
  };
}

const silent = testLogger().log;

/** Waits (real time, briefly) until `done` holds. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!done()) throw new Error('the condition never held');
}
const upsert = (version: number, sharedWith: string[], seq: number) => ({ type: 'note.changed', seq, change: { op: 'upsert', note: presented(version, sharedWith) } });

describe('note.changed to the note’s owner and sharees', () => {
  it('sends a share to every connection of the owner and of the sharee, and to nobody else', async () => {
    // Prepare
    const { deps, gateway, open } = fanoutDeps();
    open(connection('a1', 'alice'), connection('a2', 'alice'), connection('b1', 'bob'), connection('c1', 'carol'));

    // Act
    await fanOutNoteChange(noteEvent(2, 'updated', ['bob'], []), realtimeFanout(deps), silent);

    // Assess
    expect(gateway.to('a1')).toEqual([upsert(2, ['bob'], 1)]);
    expect(gateway.to('a2')).toEqual([upsert(2, ['bob'], 1)]);
    expect(gateway.to('b1')).toEqual([upsert(2, ['bob'], 1)]);
    expect(gateway.to('c1')).toEqual([]);
  });

  it('sends an unshared user a delete at the note’s updatedAt, and the others the upsert', async () => {
    // Prepare
    const { deps, gateway, open } = fanoutDeps();
    open(connection('a1', 'alice'), connection('b1', 'bob'), connection('c1', 'carol'));

    // Act
    await fanOutNoteChange(noteEvent(3, 'updated', ['carol'], ['bob']), realtimeFanout(deps), silent);

    // Assess
    expect(gateway.to('b1')).toEqual([{ type: 'note.changed', seq: 1, change: { op: 'delete', id: 'n1', deletedAt: '2026-11-30T19:03:00.000Z' } }]);
    expect(gateway.to('a1')).toEqual([upsert(3, ['carol'], 1)]);
    expect(gateway.to('c1')).toEqual([upsert(3, ['carol'], 1)]);
  });

  it('sends a deleted note as a delete, at the time it was deleted, to the owner and its sharees', async () => {
    // Prepare
    const { deps, gateway, open } = fanoutDeps();
    open(connection('a1', 'alice'), connection('b1', 'bob'), connection('c1', 'carol'));
    const deletion = { type: 'note.changed', seq: 1, change: { op: 'delete', id: 'n1', deletedAt: '2026-11-30T19:30:00.000Z' } };

    // Act
    await fanOutNoteChange(noteEvent(3, 'deleted', ['bob'], null), realtimeFanout(deps), silent);

    // Assess
    expect(gateway.to('a1')).toEqual([deletion]);
    expect(gateway.to('b1')).toEqual([deletion]);
    expect(gateway.to('c1')).toEqual([]);
  });

  it('sends no upsert for an event published before it carried the note, and still the deletes', async () => {
    // Prepare
    const { deps, gateway, open } = fanoutDeps();
    open(connection('a1', 'alice'), connection('b1', 'bob'));
    const { log, lines } = testLogger();

    // Act
    await fanOutNoteChange(noteEvent(3, 'updated', [], ['bob'], false), realtimeFanout(deps), log);

    // Assess
    expect(gateway.to('a1')).toEqual([]);
    expect(gateway.to('b1')).toEqual([{ type: 'note.changed', seq: 1, change: { op: 'delete', id: 'n1', deletedAt: '2026-11-30T19:03:00.000Z' } }]);
    expect(lines.some((line) => line.level === 'warn' && String(line.message).includes('without the presented note'))).toBe(true);
  });
});

describe('seq', () => {
  it('grows by one per message to a user, the same on every one of the user’s connections', async () => {
    // Prepare
    const { deps, gateway, open } = fanoutDeps();
    open(connection('a1', 'alice'), connection('a2', 'alice'), connection('b1', 'bob'));
    const realtime = realtimeFanout(deps);

    // Act
    await fanOutNoteChange(noteEvent(1, 'created', [], null), realtime, silent);
    await fanOutNoteChange(noteEvent(2, 'updated', ['bob'], []), realtime, silent);
    await realtime.sendToUsers(['alice'], { type: 'notification', notification: { id: 'x', type: 'media.ready', title: 't', body: 'b', data: {}, createdAt: 'c', readAt: null } }, { seq: true, log: silent });

    // Assess
    const seqs = (id: string) => gateway.to(id).map((message) => (message as { seq?: number }).seq);
    expect(seqs('a1')).toEqual([1, 2, 3]);
    expect(seqs('a2')).toEqual([1, 2, 3]);
    expect(seqs('b1')).toEqual([1]);
  });

  it('is not spent on a user without a connection, nor without one asked for', async () => {
    // Prepare
    const { deps, gateway, sequences, open } = fanoutDeps();
    const message: PushedMessage = { type: 'notification', notification: { id: 'x', type: 'media.ready', title: 't', body: 'b', data: {}, createdAt: 'c', readAt: null } };

    // Act
    const nobody = await sendToUsers(['alice'], message, deps, { seq: true, log: silent });
    open(connection('a1', 'alice'));
    await sendToUsers(['alice'], message, deps, { seq: false, log: silent });
    await sendToUsers(['alice'], message, deps, { seq: true, log: silent });

    // Assess
    expect(nobody.users).toEqual({ 'no-connection': 1 });
    expect(gateway.to('a1')).toEqual([message, { ...message, seq: 1 }]);
    expect(sequences.counters.get('alice')).toBe(1);
  });
});

describe('order per note', () => {
  it('drops a change older than one already sent to the user, and a repeat, but not the deletion of the same version', async () => {
    // Prepare
    const { deps, gateway, open } = fanoutDeps();
    open(connection('a1', 'alice'));
    const realtime = realtimeFanout(deps);

    // Act
    await fanOutNoteChange(noteEvent(3, 'updated', [], []), realtime, silent);
    const [older] = await fanOutNoteChange(noteEvent(2, 'updated', [], []), realtime, silent);
    const [repeat] = await fanOutNoteChange(noteEvent(3, 'updated', [], []), realtime, silent);
    await fanOutNoteChange(noteEvent(3, 'deleted', [], null), realtime, silent);
    const [afterDeletion] = await fanOutNoteChange(noteEvent(3, 'updated', [], []), realtime, silent);

    // Assess
    expect(gateway.to('a1').map((m) => [(m as { seq: number }).seq, (m as { change: { op: string } }).change.op])).toEqual([
      [1, 'upsert'],
      [2, 'delete'],
    ]);
    expect([older?.users, repeat?.users, afterDeletion?.users]).toEqual([{ stale: 1 }, { stale: 1 }, { stale: 1 }]);
  });

  it('keeps each user’s order apart: a user who missed a change still gets the next one', async () => {
    // Prepare
    const { deps, gateway, open } = fanoutDeps();
    open(connection('a1', 'alice'));
    const realtime = realtimeFanout(deps);
    await fanOutNoteChange(noteEvent(2, 'updated', ['bob'], []), realtime, silent);

    // Act
    open(connection('b1', 'bob'));
    await fanOutNoteChange(noteEvent(1, 'created', ['bob'], null), realtime, silent);

    // Assess: bob had no connection at version 2, so version 1 is the first he is sent; alice already had 2.
    expect(gateway.to('b1')).toEqual([upsert(1, ['bob'], 1)]);
    expect(gateway.to('a1')).toEqual([upsert(2, ['bob'], 1)]);
  });
});

describe('two changes of a note handled at once', () => {
  it('holds the newer change back until the older one went out, so they cannot cross on the way', async () => {
    // Prepare: the older change's PostToConnection hangs until released.
    const { deps, gateway, noteOrder, open } = fanoutDeps(5_000);
    open(connection('a1', 'alice'));
    gateway.hanging.add('a1');
    const realtime = realtimeFanout(deps);
    const older = fanOutNoteChange(noteEvent(1, 'created', [], null), realtime, silent);
    await until(() => noteOrder.outcomes.length === 1);

    // Act
    const newer = fanOutNoteChange(noteEvent(2, 'updated', [], []), realtime, silent);
    await until(() => noteOrder.outcomes.filter((outcome) => outcome === 'busy').length >= 2);
    const sentWhileHeld = gateway.sent.length;
    gateway.hanging.delete('a1');
    gateway.release();
    const reports = await Promise.all([older, newer]);

    // Assess
    expect(sentWhileHeld).toBe(0);
    expect(gateway.to('a1')).toEqual([upsert(1, [], 1), upsert(2, [], 2)]);
    expect(reports.map(([report]) => report?.users)).toEqual([{ sent: 1 }, { sent: 1 }]);
  });

  it('lets the newer change go once the lease of a sender that died runs out', async () => {
    // Prepare: a claim on version 1 that is never released.
    const { deps, gateway, noteOrder, open, tick } = fanoutDeps();
    open(connection('a1', 'alice'));
    await noteOrder.claim('alice', 'n1', { version: 1, change: 'created' }, { now: deps.clock.now().getTime(), leaseMs: 3_000 });
    const realtime = realtimeFanout(deps);

    // Act
    const newer = fanOutNoteChange(noteEvent(2, 'updated', [], []), realtime, silent);
    await until(() => noteOrder.outcomes.includes('busy'));
    const sentWhileHeld = gateway.sent.length;
    tick(3_000);
    const [report] = await newer;

    // Assess
    expect(sentWhileHeld).toBe(0);
    expect(report?.users).toEqual({ sent: 1 });
    expect(gateway.to('a1')).toEqual([upsert(2, [], 1)]);
  });

  it('gives up on a change held back past twice the lease and spends its seq, so the app sees a gap and catches up', async () => {
    // Prepare: a claim on version 1 that a sender keeps renewing (it never runs out while the newer change waits).
    const { deps, gateway, noteOrder, sequences, open, tick } = fanoutDeps(10);
    open(connection('a1', 'alice'));
    await noteOrder.claim('alice', 'n1', { version: 1, change: 'created' }, { now: deps.clock.now().getTime(), leaseMs: 3_600_000 });
    const realtime = realtimeFanout(deps);

    // Act
    const newer = fanOutNoteChange(noteEvent(2, 'updated', [], []), realtime, silent);
    await until(() => noteOrder.outcomes.includes('busy'));
    tick(2 * (10 + 2_000));
    const [report] = await newer;
    await realtime.sendToUsers(['alice'], { type: 'notification', notification: { id: 'x', type: 'media.ready', title: 't', body: 'b', data: {}, createdAt: 'c', readAt: null } }, { seq: true, log: silent });

    // Assess: version 2 was not sent, but its seq was spent: the next message shows the gap.
    expect(report?.users).toEqual({ gap: 1 });
    expect(gateway.to('a1')).toEqual([expect.objectContaining({ type: 'notification', seq: 2 })]);
    expect(sequences.counters.get('alice')).toBe(2);
  });

  it('drops an older change that arrives while a newer one is being sent', async () => {
    // Prepare
    const { deps, gateway, open } = fanoutDeps(5_000);
    open(connection('a1', 'alice'));
    gateway.hanging.add('a1');
    const realtime = realtimeFanout(deps);
    const newer = fanOutNoteChange(noteEvent(2, 'updated', [], []), realtime, silent);

    // Act
    const [older] = await fanOutNoteChange(noteEvent(1, 'created', [], null), realtime, silent);
    gateway.hanging.delete('a1');
    gateway.release();
    await newer;

    // Assess
    expect(older?.users).toEqual({ stale: 1 });
    expect(gateway.to('a1')).toEqual([upsert(2, [], 1)]);
  });
});

describe('connections in trouble', () => {
  const message: PushedMessage = { type: 'notification', notification: { id: 'x', type: 'media.ready', title: 't', body: 'b', data: {}, createdAt: 'c', readAt: null } };

  it('removes the record of a connection that answers 410, and still sends to the others', async () => {
    // Prepare
    const { deps, gateway, connections, open } = fanoutDeps();
    open(connection('a1', 'alice'), connection('a2', 'alice'));
    gateway.gone.add('a1');

    // Act
    const report = await sendToUsers(['alice'], message, deps, { seq: true, log: silent });

    // Assess
    expect([...connections.records.keys()]).toEqual(['a2']);
    expect(gateway.to('a2')).toEqual([{ ...message, seq: 1 }]);
    expect(report.connections).toMatchObject({ sent: 1, gone: 1 });
  });

  it('logs an error other than 410, keeps the connection, and never fails the others', async () => {
    // Prepare
    const { deps, gateway, connections, open } = fanoutDeps();
    open(connection('a1', 'alice'), connection('a2', 'alice'), connection('b1', 'bob'));
    gateway.failing.add('a1');
    const { log, lines } = testLogger();

    // Act
    const report = await sendToUsers(['alice', 'bob'], message, deps, { seq: true, log });

    // Assess
    expect(gateway.to('a2')).toHaveLength(1);
    expect(gateway.to('b1')).toHaveLength(1);
    expect(connections.records.has('a1')).toBe(true);
    expect(report.connections).toMatchObject({ sent: 2, failed: 1 });
    expect(lines.some((line) => line.level === 'warn' && line.message === 'PostToConnection failed' && line.connectionId === 'a1')).toBe(true);
  });

  it('logs one cost line per message that reached a connection, with its DynamoDB requests, and none when nobody is connected', async () => {
    // Prepare
    const { deps, gateway, open } = fanoutDeps();
    open(connection('a1', 'alice'), connection('a2', 'alice'), connection('b1', 'bob'));
    gateway.failing.add('b1');
    const { log, lines } = testLogger();

    // Act
    await sendToUsers(['alice', 'bob'], message, deps, { seq: true, log });
    await sendToUsers(['carol'], message, deps, { seq: true, log });

    // Assess: per user, the connections query and the seq
    const costs = lines.filter((line) => line.message === 'realtime fan-out');
    expect(costs).toEqual([expect.objectContaining({ level: 'info', type: message.type, users: 2, posts: 3, sent: 2, failed: 1, dynamodbRequests: 4, durationMs: expect.any(Number) })]);
  });

  it('counts a note change’s claim, release and a gone connection’s removal among its DynamoDB requests', async () => {
    // Prepare
    const { deps, gateway, open } = fanoutDeps();
    open(connection('a1', 'alice'), connection('a2', 'alice'));
    gateway.gone.add('a2');
    const { log, lines } = testLogger();

    // Act
    await fanOutNoteChange(noteEvent(1, 'created', [], null), realtimeFanout(deps), log);

    // Assess: the connections query, the claim, the seq, the gone record removed, the release
    expect(lines.filter((line) => line.message === 'realtime fan-out')).toEqual([expect.objectContaining({ posts: 2, sent: 1, gone: 1, dynamodbRequests: 5 })]);
  });

  it('sends to every connection at once: one that hangs does not hold up another, and is given up after the timeout', async () => {
    // Prepare: a1 is listed first and hangs; a sequential send would not reach a2 until a1 ends.
    const { deps, gateway, open } = fanoutDeps(60_000);
    open(connection('a1', 'alice'), connection('a2', 'alice'), connection('b1', 'bob'));
    gateway.hanging.add('a1');

    // Act
    const sending = sendToUsers(['alice', 'bob'], message, deps, { seq: true, log: silent });
    for (let i = 0; i < 20 && gateway.sent.length < 2; i += 1) await new Promise((resolve) => setImmediate(resolve));
    const sentWhileHanging = gateway.sent.map((s) => s.connectionId).sort();
    gateway.release();
    await sending;

    // Assess
    expect(sentWhileHanging).toEqual(['a2', 'b1']);
  });

  it('stops waiting for a connection that hangs after the per-call timeout', async () => {
    // Prepare
    const { deps, gateway, open } = fanoutDeps(30);
    open(connection('a1', 'alice'), connection('a2', 'alice'));
    gateway.hanging.add('a1');

    // Act
    const report = await sendToUsers(['alice'], message, deps, { seq: true, log: silent });
    gateway.release();

    // Assess
    expect(report.connections).toMatchObject({ sent: 1, timedOut: 1 });
    expect(gateway.to('a2')).toHaveLength(1);
  });

  it('aborts a post it stops waiting for, and releases the note’s claim only once the call ended', async () => {
    // Prepare: a1 hangs until its call is aborted (as the SDK ends an aborted PostToConnection).
    const { deps, gateway, noteOrder, open } = fanoutDeps(30);
    open(connection('a1', 'alice'));
    gateway.hanging.add('a1');
    const endedAtRelease: boolean[] = [];
    const release = noteOrder.release.bind(noteOrder);
    noteOrder.release = async (...args) => {
      endedAtRelease.push(gateway.events.includes('end:a1'));
      return release(...args);
    };

    // Act
    const [report] = await fanOutNoteChange(noteEvent(1, 'created', [], null), realtimeFanout(deps), silent);

    // Assess
    expect(gateway.aborted).toEqual(['a1']);
    expect(endedAtRelease).toEqual([true]);
    expect(report?.connections).toMatchObject({ timedOut: 1 });
    expect(noteOrder.positions.get('alice/n1')).toEqual({ version: 1, change: 'created' });
  });

  it('keeps the note’s claim to its lease when an aborted post does not end, so a newer change cannot overtake it', async () => {
    // Prepare: a1 hangs and ignores the abort.
    const { deps, gateway, noteOrder, open } = fanoutDeps(30);
    open(connection('a1', 'alice'));
    gateway.hanging.add('a1');
    gateway.ignoresAbort.add('a1');

    // Act
    const [report] = await fanOutNoteChange(noteEvent(1, 'created', [], null), realtimeFanout(deps), silent);
    const newer = await noteOrder.claim('alice', 'n1', { version: 2, change: 'updated' }, { now: deps.clock.now().getTime(), leaseMs: 1_000 });
    gateway.release();

    // Assess
    expect(report?.connections).toMatchObject({ timedOut: 1 });
    expect(noteOrder.positions.get('alice/n1')?.sendingUntil).toBe(deps.clock.now().getTime() + 30 + 2_000);
    expect(newer).toBe('busy');
  });

  it('closes the connections of a user whose seq cannot be had, so the apps reconnect and catch up; others still get it', async () => {
    // Prepare
    const { deps, gateway, connections, sequences, open } = fanoutDeps();
    open(connection('a1', 'alice'), connection('a2', 'alice'), connection('b1', 'bob'));
    sequences.failing.add('alice');

    // Act
    const report = await sendToUsers(['alice', 'bob'], message, deps, { seq: true, log: silent });

    // Assess
    expect(report.users).toEqual({ resync: 1, sent: 1 });
    expect(report.connections).toMatchObject({ sent: 1, resynced: 2 });
    expect(gateway.closed.sort()).toEqual(['a1', 'a2']);
    expect([...connections.records.keys()]).toEqual(['b1']);
    expect(gateway.to('b1')).toEqual([{ ...message, seq: 1 }]);
  });

  it('closes the connections when a held-back change cannot spend its seq either', async () => {
    // Prepare
    const { deps, gateway, noteOrder, sequences, open, tick } = fanoutDeps(10);
    open(connection('a1', 'alice'));
    await noteOrder.claim('alice', 'n1', { version: 1, change: 'created' }, { now: deps.clock.now().getTime(), leaseMs: 3_600_000 });
    sequences.failing.add('alice');

    // Act
    const newer = fanOutNoteChange(noteEvent(2, 'updated', [], []), realtimeFanout(deps), silent);
    await until(() => noteOrder.outcomes.includes('busy'));
    tick(2 * (10 + 2_000));
    const [report] = await newer;

    // Assess
    expect(report?.users).toEqual({ resync: 1 });
    expect(gateway.closed).toEqual(['a1']);
  });

  it('closes a connection whose token expired instead of sending to it', async () => {
    // Prepare
    const { deps, gateway, connections, open, tick } = fanoutDeps();
    open(connection('a1', 'alice', { tokenExpiresAt: new Date(fanoutStart.getTime() + 60_000).toISOString() }), connection('a2', 'alice'));
    tick(60_000);

    // Act
    const report = await sendToUsers(['alice'], message, deps, { seq: true, log: silent });

    // Assess
    expect(gateway.closed).toEqual(['a1']);
    expect(gateway.to('a1')).toEqual([]);
    expect(gateway.to('a2')).toEqual([{ ...message, seq: 1 }]);
    expect([...connections.records.keys()]).toEqual(['a2']);
    expect(report.connections).toMatchObject({ sent: 1, expired: 1 });
  });

  it('spends the seq of a message over the WebSocket limit without sending it, so the app sees a gap', async () => {
    // Prepare
    const { deps, gateway, sequences, open } = fanoutDeps();
    open(connection('a1', 'alice'));
    const huge: PushedMessage = { type: 'notification', notification: { ...(message.type === 'notification' ? message.notification : ({} as never)), body: 'x'.repeat(maxMessageBytes) } };

    // Act
    const report = await sendToUsers(['alice'], huge, deps, { seq: true, log: silent });
    await sendToUsers(['alice'], message, deps, { seq: true, log: silent });

    // Assess
    expect(report.users).toEqual({ 'too-large': 1 });
    expect(gateway.to('a1')).toEqual([{ ...message, seq: 2 }]);
    expect(sequences.counters.get('alice')).toBe(2);
  });
});

describe('closing connections', () => {
  it('the sweep closes the connections whose token expired, and leaves the others', async () => {
    // Prepare
    const { deps, gateway, connections, open } = fanoutDeps();
    const at = new Date(fanoutStart.getTime() + 3_600_000);
    open(
      connection('expired', 'alice', { tokenExpiresAt: new Date(at.getTime() - 30_000).toISOString() }),
      connection('now', 'bob', { tokenExpiresAt: at.toISOString() }),
      connection('later', 'alice', { tokenExpiresAt: new Date(at.getTime() + 1_000).toISOString() }),
    );

    // Act
    const result = await sweepExpiredConnections(at, { ...deps, expiring: new FakeExpiring(connections) }, silent);

    // Assess
    expect(result).toEqual({ closed: 2, failed: 0 });
    expect(gateway.closed.sort()).toEqual(['expired', 'now']);
    expect([...connections.records.keys()]).toEqual(['later']);
  });

  it('a deleted user’s connections are all closed, their records and seq gone; another user’s stay', async () => {
    // Prepare
    const { deps, gateway, connections, sequences, open } = fanoutDeps();
    open(connection('a1', 'alice'), connection('a2', 'alice'), connection('b1', 'bob'));
    await sequences.next('alice');

    // Act
    const closed = await closeUserConnections('alice', deps, silent);

    // Assess
    expect(closed).toBe(2);
    expect(gateway.closed.sort()).toEqual(['a1', 'a2']);
    expect([...connections.records.keys()]).toEqual(['b1']);
    expect(sequences.counters.has('alice')).toBe(false);
  });

  it('a deletion that could not close a connection fails, to be retried', async () => {
    // Prepare
    const { deps, gateway, open } = fanoutDeps();
    open(connection('a1', 'alice'));
    gateway.close = async () => {
      throw new Error('throttled');
    };

    // Act + Assess
    await expect(closeUserConnections('alice', deps, silent)).rejects.toThrow('1 of 1 realtime connections');
  });
});

describe('notification messages', () => {
  it('sends each new inbox entry, as GET /notifications shows it, to the recipient; a replayed event sends nothing', async () => {
    // Prepare
    const { deps, realtime, inbox } = testDeps();
    const request = { eventId: 'note.shared:n1:2', recipient: 'bob', content: noteSharedContent({ id: 'n1', title: 'Harbour' }) };

    // Act
    await deliver(request, deps, silent);
    await deliver(request, deps, silent);

    // Assess
    const [entry] = inbox.entriesOf('bob');
    expect(realtime.sent).toEqual([
      {
        userIds: ['bob'],
        message: { type: 'notification', notification: { id: entry?.id, type: 'note.shared', title: 'A note was shared with you', body: '“Harbour”', data: { noteId: 'n1' }, createdAt: entry?.createdAt, readAt: null } },
        options: { seq: true },
      },
    ]);
  });
});
