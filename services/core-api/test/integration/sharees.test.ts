// Real sharees through the whole stack (API.md, Notes): core-api learns which user ids exist from user-events,
// so a note cannot be shared with an id nobody owns (the attack: 50 random ids), nor with a deleted account; a
// replayed create is still recognised; ids already on a note are not checked again; and a public note does not
// tell a stranger who it is shared with.
import { randomUUID } from 'node:crypto';
import { DeleteItemCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { userDeleted, userSignedUp } from '@photonotes/shared/contracts/user-events';
import { api } from '../../../../test/support/api';
import type { ErrorBody } from '../../../../test/support/api';
import { createTestUser } from '../../../../test/support/users';
import type { TestUser } from '../../../../test/support/users';
import { keys } from '../../src/adapters/keys';
import { announcedUsers, createNote, eventually, getNote, listAll, newNote, patchNote, publishEvent, syncAll } from '../support/notes-api';
import type { Note } from '../support/notes-api';

jest.setTimeout(90_000);

const notesTable = 'photonotes-core-api-local-notes';
const dynamodb = new DynamoDBClient({ endpoint: `http://127.0.0.1:${process.env.DYNAMODB_PORT ?? '8000'}`, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });

afterAll(() => dynamodb.destroy());

let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  [alice, bob] = await Promise.all([createTestUser('alice'), createTestUser('bob')]);
});

function detailsOf(res: { body: unknown }): unknown[] {
  return (res.body as ErrorBody).error.details ?? [];
}

const unknownIssue = (userId: string, index: number) => ({ location: 'body', path: `sharedWith.${index}`, message: `no user has the id ${userId}`, code: 'unknown_user', value: userId });

/** The known-users item as stored (pk USER#<id>, sk KNOWN). */
async function knownUserItem(userId: string) {
  const key = keys.knownUser(userId);
  return (await dynamodb.send(new GetItemCommand({ TableName: notesTable, Key: { pk: { S: key.pk }, sk: { S: key.sk } }, ConsistentRead: true }))).Item;
}

describe('sharing with ids nobody owns', () => {
  it('refuses 50 random UUIDs with a 400 naming each of them, and writes no note', async () => {
    // Prepare
    const attacker = await createTestUser('attacker');
    const id = randomUUID();
    const ids = Array.from({ length: 50 }, () => randomUUID());
    const before = await syncAll(attacker);

    // Act
    const res = await createNote(attacker, { id, title: 'Your account is locked: log in here', sharedWith: ids });

    // Assess
    expect(res.status).toBe(400);
    expect((res.body as unknown as ErrorBody).error).toMatchObject({ code: 'VALIDATION_FAILED', requestId: res.headers.get('x-request-id') });
    expect(detailsOf(res)).toEqual(ids.map(unknownIssue));
    expect((await getNote(attacker, id)).status).toBe(404);
    expect((await listAll(attacker)).items).toEqual([]);
    expect((await syncAll(attacker, before.cursor)).changes).toEqual([]);
  });

  it('refuses a PATCH that adds one unknown id among known ones, naming only it, and leaves the note as it was', async () => {
    // Prepare
    const note = await newNote(alice, { title: 'Plans' });
    const ghost = randomUUID();

    // Act
    const res = await patchNote(alice, note.id, { title: 'Plans v2', sharedWith: [bob.userId, ghost, alice.userId] });

    // Assess
    expect(res.status).toBe(400);
    expect(detailsOf(res)).toEqual([unknownIssue(ghost, 1)]);
    expect((await getNote(alice, note.id)).body).toEqual(note);
    expect((await listAll(bob, { scope: 'shared' })).items.map((n) => n.id)).not.toContain(note.id);
  });

  it('shares with users announced on user-events, and with them only', async () => {
    // Prepare
    const [known] = await announcedUsers(1);

    // Act
    const res = await createNote(alice, { title: 'For the announced', sharedWith: [known, bob.userId] });

    // Assess
    expect(res.status).toBe(201);
    expect(res.body.sharedWith).toEqual([known, bob.userId]);
  });
});

describe('a deleted account', () => {
  it('can no longer be added once user.deleted is processed, whatever sign-up event arrives after it', async () => {
    // Prepare
    const [leaving] = (await announcedUsers(1)) as [string];
    const held = await newNote(alice, { title: 'Held', sharedWith: [leaving] });
    const target = await newNote(alice, { title: 'Target' });

    // Act: the deletion, its cleanup (the note loses the account), then a sign-up event that came late
    await publishEvent(userDeleted, { userId: leaving }, { id: `user.deleted:${leaving}` });
    await eventually(() => getNote(alice, held.id), (res) => res.body.version === 2);
    await publishEvent(userSignedUp, { userId: leaving, signedUpAt: new Date().toISOString() }, { id: `user.signed_up:${leaving}:late` });
    // A sign-up published after the late one and known: the late one had its turn.
    await announcedUsers(1);
    const res = await patchNote(alice, target.id, { sharedWith: [leaving] });

    // Assess
    expect(res.status).toBe(400);
    expect(detailsOf(res)).toEqual([unknownIssue(leaving, 0)]);
    expect(await knownUserItem(leaving)).toMatchObject({ deletedAt: { S: expect.any(String) } });
  });

  it('follows DELETE /users/me, and a replayed create naming it is still answered with the stored note', async () => {
    // Prepare
    const leaving = await createTestUser('leaving');
    const id = randomUUID();
    const create = { id, title: 'Offline trip', sharedWith: [leaving.userId] };
    const first = await createNote(alice, create);

    // Act
    const deleted = await api('/users/me', { method: 'DELETE', token: leaving.accessToken });
    const cleaned = await eventually(() => getNote(alice, id), (res) => res.body.version === 2);
    const replay = await createNote(alice, create);
    const changedPayload = await createNote(alice, { ...create, title: 'Another trip' });
    const fresh = await createNote(alice, { ...create, id: randomUUID() });

    // Assess
    expect(first.status).toBe(201);
    expect(deleted.status).toBe(204);
    expect(cleaned.body.sharedWith).toEqual([]);
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(cleaned.body);
    expect(changedPayload.status).toBe(409);
    expect(fresh.status).toBe(400);
    expect(detailsOf(fresh)).toEqual([unknownIssue(leaving.userId, 0)]);
  });
});

describe('ids already on a note', () => {
  it('are not checked again: a note shared before the projection knew its sharee can still be edited and widened', async () => {
    // Prepare: a sharee core-api no longer finds, as an account from before the projection existed
    const [old] = (await announcedUsers(1)) as [string];
    const note = await newNote(alice, { title: 'From before', sharedWith: [old] });
    const key = keys.knownUser(old);
    await dynamodb.send(new DeleteItemCommand({ TableName: notesTable, Key: { pk: { S: key.pk }, sk: { S: key.sk } } }));
    const ghost = randomUUID();

    // Act
    const retitled = await patchNote(alice, note.id, { title: 'Still from before' });
    const widened = await patchNote(alice, note.id, { sharedWith: [old, bob.userId] });
    const refused = await patchNote(alice, note.id, { sharedWith: [old, bob.userId, ghost] });

    // Assess
    expect(retitled.status).toBe(200);
    expect(widened.status).toBe(200);
    expect(widened.body.sharedWith).toEqual([old, bob.userId]);
    expect(refused.status).toBe(400);
    expect(detailsOf(refused)).toEqual([unknownIssue(ghost, 2)]);
  });
});

describe('who sees sharedWith', () => {
  let note: Note;
  let stranger: TestUser;

  beforeAll(async () => {
    stranger = await createTestUser('stranger');
    note = await newNote(alice, { title: 'Harbour at dawn', visibility: 'public', sharedWith: [bob.userId] });
  });

  it('shows a public note to a stranger with an empty sharee list', async () => {
    // Act
    const res = await getNote(stranger, note.id);

    // Assess
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...note, sharedWith: [] });
  });

  it('shows the list to the owner and to the users in it', async () => {
    // Act
    const forOwner = await getNote(alice, note.id);
    const forSharee = await getNote(bob, note.id);
    const inSharedList = (await listAll(bob, { scope: 'shared' })).items.find((n) => n.id === note.id);

    // Assess
    expect(forOwner.body.sharedWith).toEqual([bob.userId]);
    expect(forSharee.body).toEqual(forOwner.body);
    expect(inSharedList?.sharedWith).toEqual([bob.userId]);
  });
});
