// A deleted account is locked out everywhere within 5 s, and nothing it wrote survives (API.md, DELETE /users/me):
// every service's auth chain refuses its token from the users service's revocation list, and the second sweep
// (user.deleted again, after the account sweeps queue's delay) removes what a request that passed just before the
// refusal wrote.
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EventEnvelope } from '@photonotes/shared/contracts/event';
import { notesRepository } from '../../services/core-api/src/adapters/notes-repository';
import { api } from '../support/api';
import type { ApiResponse, ErrorBody } from '../support/api';
import { listenToTopic } from '../support/events';
import type { TopicListener } from '../support/events';
import { eventually } from '../support/eventually';
import { createTestUser } from '../support/users';
import type { TestUser } from '../support/users';

jest.setTimeout(120_000);

/** The local stage's sweep delay (serverless.common.yml, accountSweepDelaySeconds). */
const sweepDelayMs = 20_000;

/** One request to each service, as the user's app would make it: the statuses they answer while the token is good. */
const routes: Array<{ name: string; expected: number; call: (token: string) => Promise<ApiResponse<ErrorBody>> }> = [
  { name: 'POST /notes', expected: 201, call: (token) => api('/notes', { method: 'POST', token, body: { title: 'Written while leaving' } }) },
  { name: 'POST /media/uploads', expected: 201, call: (token) => api('/media/uploads', { method: 'POST', token, body: { contentType: 'image/jpeg', size: 1024 } }) },
  { name: 'GET /things', expected: 200, call: (token) => api('/things', { token }) },
  {
    name: 'POST /analytics/events',
    expected: 202,
    call: (token) => api('/analytics/events', { method: 'POST', token, body: { installId: randomUUID(), events: [{ id: randomUUID(), type: 'opened', at: new Date().toISOString() }] } }),
  },
  { name: 'GET /notifications', expected: 200, call: (token) => api('/notifications', { token }) },
];

let listener: TopicListener;

beforeAll(async () => {
  listener = await listenToTopic('user-events');
});

afterAll(async () => {
  await listener.close();
});

const deletionsOf = (userId: string) => () =>
  Promise.resolve(listener.events.filter((event): event is EventEnvelope<{ userId: string }> => event.type === 'user.deleted' && (event.data as { userId?: string }).userId === userId));

describe("a deleted account's access token", () => {
  test('is refused (401) by every service within 5 s of the 204, and stays refused', async () => {
    // Prepare: every service has verified the token (and cached the list) before the deletion.
    const user = await createTestUser('revoked');
    const before = await Promise.all(routes.map((route) => route.call(user.accessToken)));
    expect(before.map((res) => res.status)).toEqual(routes.map((route) => route.expected));

    // Act
    const deleted = await api('/users/me', { method: 'DELETE', token: user.accessToken });
    const deletedAt = Date.now();
    const refusedAfterMs: Record<string, number> = {};
    while (Object.keys(refusedAfterMs).length < routes.length && Date.now() - deletedAt < 5_000) {
      const round = await Promise.all(routes.map(async (route) => ({ route, res: await route.call(user.accessToken) })));
      for (const { route, res } of round) if (res.status === 401) refusedAfterMs[route.name] ??= Date.now() - deletedAt;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const after = await Promise.all(routes.map((route) => route.call(user.accessToken)));

    // Assess
    expect(deleted.status).toBe(204);
    expect(Object.keys(refusedAfterMs).sort()).toEqual(routes.map((route) => route.name).sort());
    expect(Math.max(...Object.values(refusedAfterMs))).toBeLessThanOrEqual(5_000);
    for (const res of after) {
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: { code: 'UNAUTHORIZED', message: 'Access token revoked', requestId: expect.any(String) } });
    }
  });

  test("leaves other accounts' tokens alone", async () => {
    // Prepare
    const [leaving, staying] = await Promise.all([createTestUser('leaving'), createTestUser('staying')]);

    // Act
    await api('/users/me', { method: 'DELETE', token: leaving.accessToken });
    await eventually(() => api('/things', { token: leaving.accessToken }), (res) => res.status === 401, 5_000);
    const others = await Promise.all(routes.map((route) => route.call(staying.accessToken)));

    // Assess
    expect(others.map((res) => res.status)).toEqual(routes.map((route) => route.expected));
  });
});

describe('writes that raced the deletion', () => {
  const notesTable = 'photonotes-core-api-local-notes';
  process.env.CURSOR_SECRET ??= 'local-only-cursor-secret-do-not-use-elsewhere';
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: `http://127.0.0.1:${process.env.DYNAMODB_PORT ?? '8000'}`, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  afterAll(() => db.destroy());

  const publicNoteOf = (observer: TestUser, id: string) => api(`/notes/${id}`, { token: observer.accessToken });

  /** Creates public notes one after the other until the token is refused; the ids of those acknowledged (201). */
  async function writeUntilRefused(user: TestUser, started: () => void): Promise<string[]> {
    const acknowledged: string[] = [];
    const deadline = Date.now() + 10_000;
    for (let i = 0; Date.now() < deadline; i++) {
      if (i === 2) started();
      const res = await api<{ id: string }>('/notes', { method: 'POST', token: user.accessToken, body: { title: `Racing ${i}`, visibility: 'public' } });
      if (res.status === 201) acknowledged.push(res.body.id);
      else if (res.status === 401) return acknowledged;
      else throw new Error(`POST /notes answered ${res.status}: ${res.text}`);
    }
    throw new Error('the token was still accepted 10 s after the deletion began');
  }

  test('are removed by the second sweep: every acknowledged note, and one written after the first cleanup ran', async () => {
    // Prepare
    const [user, observer] = await Promise.all([createTestUser('racer'), createTestUser('observer')]);

    // Act: the deletion goes out while notes are being created, which go on until the token is refused.
    let deletion: Promise<ApiResponse> | undefined;
    const acknowledged = await writeUntilRefused(user, () => {
      deletion = api('/users/me', { method: 'DELETE', token: user.accessToken });
    });
    expect((await deletion)?.status).toBe(204);
    // The first cleanup runs on the first user.deleted; once it has, a write lands as if it had slipped in after it.
    const [first] = await eventually(deletionsOf(user.userId), (events) => events.length >= 1, 15_000);
    await eventually(() => publicNoteOf(observer, acknowledged[0] ?? ''), (res) => res.status === 404, 15_000);
    const now = new Date().toISOString();
    const slipped = { id: randomUUID(), ownerId: user.userId, title: 'Slipped in', body: '', tags: [], visibility: 'public' as const, sharedWith: [], photo: null, version: 1, createdAt: now, updatedAt: now, createHash: 'slipped' };
    await notesRepository({ tableName: notesTable, client: db }).insertNote(slipped);
    const visible = await publicNoteOf(observer, slipped.id);

    // Assess: the sweep comes after the queue's delay, and takes everything with it.
    expect(acknowledged.length).toBeGreaterThanOrEqual(2);
    expect(visible.status).toBe(200);
    const deletions = await eventually(deletionsOf(user.userId), (events) => events.length >= 2, sweepDelayMs + 20_000);
    expect(deletions.map((event) => event.id)).toEqual([`user.deleted:${user.userId}`, `user.deleted:${user.userId}:sweep`]);
    const sweep = deletions[1] as EventEnvelope<{ userId: string }>;
    expect(sweep.correlationId).toBe(first?.correlationId);
    expect(Date.parse(sweep.occurredAt) - Date.parse(first?.occurredAt ?? '')).toBeGreaterThanOrEqual(sweepDelayMs - 1_000);
    for (const id of [...acknowledged, slipped.id]) {
      const res = await eventually(() => publicNoteOf(observer, id), (answer) => answer.status === 404, 15_000);
      expect({ id, status: res.status }).toEqual({ id, status: 404 });
    }
  });
});
