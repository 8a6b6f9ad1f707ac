// server.* events: recorded from the other services' topics with no app involved, under the user's pseudonym;
// and account deletion, which destroys the key that derives it while the events stay.
import { randomUUID } from 'node:crypto';
import { api } from '../../../../test/support/api';
import { eventually } from '../../../../test/support/eventually';
import { createTestUser } from '../../../../test/support/users';
import { userActor } from '../../src/domain/actors';
import { actorKeyOf, appEvent, sendEvents, sql } from '../support/analytics-client';

// Users, the pipeline's delay and generous polling: more than the default 30 s on a loaded machine.
jest.setTimeout(90_000);

const rowsOf = (actor: string) => sql(`SELECT type, actor, install_id, platform FROM events WHERE actor = '${actor}' ORDER BY "at", type`);

describe('server events', () => {
  test('a sign-up, a note created and a note shared become server.* events of the user, without any app call', async () => {
    // Prepare
    const owner = await createTestUser('analytics-owner');
    const friend = await createTestUser('analytics-friend');

    // Act
    const created = await api<{ id: string; version: number }>('/notes', { method: 'POST', token: owner.accessToken, body: { title: 'Harbour', tags: ['sea', 'boats'] } });
    const shared = await api(`/notes/${created.body.id}`, { method: 'PATCH', token: owner.accessToken, body: { sharedWith: [friend.userId] } });

    // Assess
    expect([created.status, shared.status]).toEqual([201, 200]);
    const key = await eventually(() => actorKeyOf(owner.userId), (value) => value !== undefined, 30_000);
    const actor = userActor(owner.userId, key as Uint8Array);
    const rows = await eventually(() => rowsOf(actor), (found) => found.length >= 3, 30_000);
    expect(rows.map((row) => row.type).sort()).toEqual(['server.note.created', 'server.note.shared', 'server.user.signed_up']);
    expect(rows.every((row) => row.install_id === null && row.platform === null)).toBe(true);
  });

  test('account deletion destroys the actor key: the events stay, nothing ties them to the user any more', async () => {
    // Prepare
    const user = await createTestUser('analytics-leaver');
    const event = appEvent('opened');
    expect((await sendEvents({ installId: randomUUID(), events: [event] }, user.accessToken)).status).toBe(202);
    const key = await eventually(() => actorKeyOf(user.userId), (value) => value !== undefined, 30_000);
    const actor = userActor(user.userId, key as Uint8Array);
    await eventually(() => sql(`SELECT id FROM events WHERE id = '${event.id}'`), (rows) => rows.length === 1, 30_000);

    // Act
    const deleted = await api('/users/me', { method: 'DELETE', token: user.accessToken });

    // Assess
    expect(deleted.status).toBe(204);
    await eventually(() => actorKeyOf(user.userId), (value) => value === undefined, 30_000);
    const rows = await sql(`SELECT id, actor FROM events WHERE id = '${event.id}'`);
    expect(rows).toEqual([{ id: event.id, actor }]);
  });
});
