// An app's journey through the typed client (clients/typescript) against the local platform: sign-up, login,
// notes with If-Match, pagination, sharing, search, uploads, devices, notifications, token refresh, logout.
// Every answer is also held to docs/openapi.json's schemas (test/support/openapi-conformance.ts).
import { randomUUID } from 'node:crypto';
import { ApiError, createClient, createSession } from '@photonotes/client';
import type { Client, Note, Session } from '@photonotes/client';
import { baseUrl } from '../support/api';
import { conformanceRecorder } from '../support/openapi-conformance';

const recorder = conformanceRecorder();

function newUser(prefix: string) {
  return { email: `${prefix}-${randomUUID().slice(0, 8)}@example.com`, password: `Passw0rd-${randomUUID().slice(0, 8)}`, displayName: prefix };
}

/** Signs up and logs in through the client, as an app would. */
async function signedIn(prefix: string): Promise<{ session: Session; userId: string; credentials: ReturnType<typeof newUser> }> {
  const credentials = newUser(prefix);
  const session = createSession({ baseUrl: baseUrl(), fetch: recorder.fetch });
  const account = await session.api.post('/auth/signup', { body: credentials });
  await session.logIn(credentials.email, credentials.password);
  return { session, userId: account.userId, credentials };
}

/** Asynchronous effects (streams, events) land within seconds locally: ask until `found` holds, or give up. */
async function eventually<T>(ask: () => Promise<T>, found: (value: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await ask();
    if (found(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not there after ${timeoutMs} ms (last answer: ${JSON.stringify(value).slice(0, 500)})`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function failure(call: Promise<unknown>): Promise<ApiError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return error;
}

let ada: Awaited<ReturnType<typeof signedIn>>;
let bob: Awaited<ReturnType<typeof signedIn>>;
let api: Client;

beforeAll(async () => {
  ada = await signedIn('ada');
  bob = await signedIn('bob');
  api = ada.session.api;
});

describe('an app through the typed client', () => {
  test('the profile of the signed-in user', async () => {
    // Act
    const me = await api.get('/users/me');
    const changed = await api.patch('/users/me', { body: { bio: 'Counting engines.' } });

    // Assess
    expect(me).toMatchObject({ userId: ada.userId, email: ada.credentials.email, displayName: 'ada' });
    expect(changed.bio).toBe('Counting engines.');
  });

  test('notes: create, then change with If-Match; a stale version is a 412 carrying the current note', async () => {
    // Prepare
    const note = await api.post('/notes', { body: { title: 'Harbour at dawn', tags: ['Harbour'] } });

    // Act
    const changed = await api.patch('/notes/{id}', { params: { id: note.id }, body: { title: 'Harbour at noon' }, ifMatch: note.version });
    const stale = await failure(api.patch('/notes/{id}', { params: { id: note.id }, body: { title: 'Lost update' }, ifMatch: note.version }));

    // Assess
    expect(note).toMatchObject({ ownerId: ada.userId, version: 1, tags: ['harbour'], visibility: 'private' });
    expect(changed.version).toBe(2);
    expect(stale).toMatchObject({ status: 412, code: 'PRECONDITION_FAILED' });
    expect(stale.requestId).toEqual(expect.any(String));
    expect(stale.current<Note>()).toMatchObject({ id: note.id, title: 'Harbour at noon', version: 2 });
  });

  test('bad input is a typed ApiError with the details and the request id', async () => {
    // Act
    const error = await failure(api.post('/notes', { body: { title: '' } }));

    // Assess
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', message: expect.any(String) });
    expect(error.details).toEqual(expect.arrayContaining([expect.objectContaining({ location: 'body', path: 'title' })]));
    expect(error.requestId).toMatch(/\S/);
  });

  test('paginate walks every page of a list', async () => {
    // Prepare
    const { session } = await signedIn('pages');
    const created: string[] = [];
    for (let i = 0; i < 5; i++) created.push((await session.api.post('/notes', { body: { title: `Note ${i}` } })).id);

    // Act
    const seen: string[] = [];
    for await (const note of session.api.paginate('/notes', { query: { limit: 2 } })) seen.push(note.id);

    // Assess
    expect(seen).toHaveLength(5);
    expect(new Set(seen)).toEqual(new Set(created));
  });

  test('a note shared with another user: they read it, find it, and get a notification', async () => {
    // Prepare
    const word = `zeppelin${randomUUID().slice(0, 6)}`;
    const shared = await api.post('/notes', { body: { title: `Flight of the ${word}`, sharedWith: [bob.userId] } });

    // Act
    const read = await bob.session.api.get('/notes/{id}', { params: { id: shared.id } });
    const found = await eventually(() => bob.session.api.get('/search', { query: { q: word } }), (page) => page.items.length > 0, 'the shared note in search');
    const inbox = await eventually(
      () => bob.session.api.get('/notifications'),
      (page) => page.items.some((item) => item.type === 'note.shared' && item.data.noteId === shared.id),
      'the note.shared notification',
    );
    const notification = inbox.items.find((item) => item.data.noteId === shared.id);
    await bob.session.api.post('/notifications/read', { body: { ids: [notification?.id ?? ''] } });
    const afterRead = await bob.session.api.get('/notifications');
    const notShared = await failure(bob.session.api.patch('/notes/{id}', { params: { id: shared.id }, body: { title: 'mine now' } }));

    // Assess
    expect(read.title).toBe(`Flight of the ${word}`);
    expect(found.items[0]).toMatchObject({ id: shared.id, ownerId: ada.userId });
    expect(afterRead.items.find((item) => item.id === notification?.id)?.readAt).toEqual(expect.any(String));
    expect(notShared).toMatchObject({ status: 403, code: 'FORBIDDEN' });
  });

  test('the sync feed lists the changes to your notes', async () => {
    // Act
    const page = await api.get('/sync');

    // Assess
    expect(page.changes.length).toBeGreaterThan(0);
    expect(page.changes.every((change) => change.op === 'upsert' || change.op === 'delete')).toBe(true);
  });

  test('media: an upload ticket, and its status by a key that holds slashes', async () => {
    // Act
    const ticket = await api.post('/media/uploads', { body: { contentType: 'image/png', size: 1024 } });
    const media = await api.get('/media/{key}', { params: { key: ticket.key } });
    const foreign = await failure(bob.session.api.get('/media/{key}', { params: { key: ticket.key } }));

    // Assess
    expect(ticket).toMatchObject({ method: 'PUT', headers: { 'Content-Type': 'image/png' } });
    expect(ticket.key).toContain('/');
    expect(media).toMatchObject({ key: ticket.key, status: 'pending', contentType: 'image/png', thumbnails: null });
    expect(foreign).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  test('devices: register (idempotent), list, unregister', async () => {
    // Prepare
    const token = randomUUID().replaceAll('-', '').repeat(2);

    // Act
    const device = await api.post('/devices', { body: { platform: 'ios', token, appVersion: '1.4.0' } });
    const again = await api.post('/devices', { body: { platform: 'ios', token } });
    const listed = [];
    for await (const item of api.paginate('/devices')) listed.push(item);
    await api.delete('/devices/{deviceId}', { params: { deviceId: device.deviceId } });
    const gone = await failure(api.delete('/devices/{deviceId}', { params: { deviceId: device.deviceId } }));

    // Assess
    expect(again.deviceId).toBe(device.deviceId);
    expect(listed).toEqual([expect.objectContaining({ deviceId: device.deviceId, platform: 'ios', appVersion: '1.4.0' })]);
    expect(gone).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  test('the local push outbox', async () => {
    // Act
    const outbox = await bob.session.api.get('/dev/push-outbox');

    // Assess
    expect(Array.isArray(outbox.items)).toBe(true);
  });

  test('an expired or invalid access token is refreshed once and the call goes through', async () => {
    // Prepare
    const tokens = ada.session.tokens;
    if (!tokens) throw new Error('ada is signed in');
    const changes: unknown[] = [];
    const restored = createSession({ baseUrl: baseUrl(), fetch: recorder.fetch, initial: { ...tokens, accessToken: 'expired.access.token' }, onChange: (next) => changes.push(next) });

    // Act
    const me = await restored.api.get('/users/me');

    // Assess
    expect(me.userId).toBe(ada.userId);
    expect(restored.tokens?.accessToken).not.toBe('expired.access.token');
    expect(changes).toHaveLength(1);
  });

  test('after logout the refresh token is refused, and the session ends', async () => {
    // Prepare
    const { session } = await signedIn('leaving');
    const tokens = session.tokens;
    if (!tokens) throw new Error('signed in');

    // Act
    await session.logOut();
    const refused = await failure(createClient({ baseUrl: baseUrl(), fetch: recorder.fetch }).post('/auth/refresh', { body: { refreshToken: tokens.refreshToken } }));
    const stale = createSession({ baseUrl: baseUrl(), fetch: recorder.fetch, initial: { ...tokens, accessToken: 'expired.access.token' } });
    const afterLogout = await failure(stale.api.get('/users/me'));

    // Assess
    expect(session.tokens).toBeUndefined();
    expect(refused).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    expect(afterLogout).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    expect(stale.tokens).toBeUndefined();
  });

  test('no server at all is a NETWORK_ERROR, not a bare fetch failure', async () => {
    // Prepare: a port nothing listens on
    const offline = createClient({ baseUrl: 'http://127.0.0.1:9' });

    // Act
    const error = await failure(offline.get('/health'));

    // Assess
    expect(error).toMatchObject({ status: 0, code: 'NETWORK_ERROR', requestId: null });
  });

  test('the health of the API, typed', async () => {
    // Act
    const health = await createClient({ baseUrl: baseUrl(), fetch: recorder.fetch }).get('/health');

    // Assess
    expect(health.status).toBe('ok');
  });
});

describe('the answers and the document', () => {
  test('every answer above matches the schema docs/openapi.json gives its route and status', async () => {
    // Act
    const problems = await recorder.problems();
    const covered = await recorder.covered();

    // Assess
    expect(problems).toEqual([]);
    // The journey touched every service's routes, or this check proves little.
    expect(covered).toEqual(expect.arrayContaining(['POST /auth/login', 'PATCH /notes/{id}', 'GET /search', 'GET /media/{key+}', 'POST /devices', 'GET /notifications', 'GET /sync']));
  });
});
