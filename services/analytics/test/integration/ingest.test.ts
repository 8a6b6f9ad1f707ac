// POST /analytics/events end to end: the gateway, the analytics service, the buffer table's stream, processEvents
// and the raw archive in the S3 emulator, read back with DuckDB as `npm run analytics:sql` does.
import { randomUUID } from 'node:crypto';
import { api } from '../../../../test/support/api';
import type { ErrorBody } from '../../../../test/support/api';
import { eventually } from '../../../../test/support/eventually';
import { createTestUser } from '../../../../test/support/users';
import { userActor } from '../../src/domain/actors';
import { actorKeyOf, appEvent, archivedRows, sendEvents, sql } from '../support/analytics-client';

// Users, the pipeline's delay and generous polling: more than the default 30 s on a loaded machine.
jest.setTimeout(90_000);

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
/** API.md: events show up within 10 s locally; polled generously. */
const archived = (ids: string[], count = ids.length) => eventually(() => archivedRows(ids), (rows) => rows.length >= count, 30_000);

describe('POST /analytics/events', () => {
  test('good and bad events in one batch: 202, the bad ones rejected by index with a reason, the good ones archived with the server receive time', async () => {
    // Prepare
    const installId = randomUUID();
    const good = [appEvent('photo_taken', { at: minutesAgo(5), attributes: { screen: 'camera' }, metrics: { ms: 412.5 } }), appEvent('_session.start', { at: minutesAgo(6), sessionId: randomUUID() })];
    const bad = [
      appEvent('server.note.created'),
      appEvent('x'.repeat(65)),
      appEvent('opened', { at: '1970-01-01T00:00:00.000Z' }),
      appEvent('opened', { at: '2099-01-01T00:00:00.000Z' }),
      appEvent('opened', { attributes: Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, 'v'])) }),
      appEvent('opened', { metrics: { ms: 'NaN' } }),
      appEvent('opened', { attributes: { contact: 'someone@example.com' } }),
    ];
    const before = Date.now();

    // Act
    const response = await sendEvents({ installId, platform: 'android', appVersion: '3.1.0', events: [good[0], ...bad, good[1]] });

    // Assess
    expect(response.status).toBe(202);
    expect(response.body.accepted).toBe(2);
    expect(response.body.rejected.map((item) => item.index)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(response.body.rejected.every((item) => item.reason.length > 0)).toBe(true);
    const rows = await archived(good.map((event) => event.id));
    expect(rows).toHaveLength(2);
    const photo = rows.find((row) => row.id === good[0]?.id) as Record<string, unknown>;
    expect(photo).toMatchObject({ type: 'photo_taken', install_id: installId, actor: `i_${installId}`, platform: 'android', app_version: '3.1.0', session_id: null });
    const [mapped] = await sql(`SELECT attributes['screen'] AS screen, metrics['ms'] AS ms FROM events WHERE id = '${good[0]?.id}'`);
    expect(mapped).toEqual({ screen: 'camera', ms: 412.5 });
    const receivedAt = Date.parse(`${String(photo.received_at)}Z`);
    expect(receivedAt).toBeGreaterThanOrEqual(before - 1000);
    expect(receivedAt).toBeLessThanOrEqual(Date.now() + 1000);
    expect(photo.dt).toBe(String(good[0]?.at).slice(0, 10));
    expect(photo.hr).toBe(String(good[0]?.at).slice(11, 13));
  });

  test('SQL over the archive reads attributes and metrics as maps, with the same text Athena takes', async () => {
    // Prepare
    const installId = randomUUID();
    const events = [appEvent('checkout', { attributes: { plan: 'pro' }, metrics: { amount: 9.5 } }), appEvent('checkout', { attributes: { plan: 'free' }, metrics: { amount: 0 } })];
    expect((await sendEvents({ installId, events })).status).toBe(202);
    await archived(events.map((event) => event.id));

    // Act
    const rows = await sql(
      `SELECT attributes['plan'] AS plan, sum(metrics['amount']) AS amount FROM events WHERE install_id = '${installId}' AND type = 'checkout' GROUP BY attributes['plan'] ORDER BY plan`,
    );

    // Assess
    expect(rows).toEqual([
      { plan: 'free', amount: 0 },
      { plan: 'pro', amount: 9.5 },
    ]);
  });

  test('attribute and metric keys named like Object\'s own properties ("constructor", "toString") are kept like any other', async () => {
    // Prepare
    const installId = randomUUID();
    const event = appEvent('opened', { attributes: { constructor: 'front', toString: 'x' }, metrics: { constructor: 2, valueOf: 3 } });

    // Act
    const response = await sendEvents({ installId, events: [event] });

    // Assess
    expect(response.status).toBe(202);
    expect(response.body).toEqual({ accepted: 1, rejected: [] });
    await archived([event.id]);
    const [row] = await sql(`SELECT attributes['constructor'] AS a, attributes['toString'] AS b, metrics['constructor'] AS c, metrics['valueOf'] AS d FROM events WHERE id = '${event.id}'`);
    expect(row).toEqual({ a: 'front', b: 'x', c: 2, d: 3 });
  });

  test('a replayed batch is accepted again and archived once; a batch mixing old and new ids archives only the new', async () => {
    // Prepare
    const installId = randomUUID();
    const first = [appEvent('opened'), appEvent('opened')];
    expect((await sendEvents({ installId, events: first })).status).toBe(202);
    await archived(first.map((event) => event.id));

    // Act
    const replay = await sendEvents({ installId, events: first });
    const later = appEvent('opened');
    const mixed = await sendEvents({ installId, events: [first[0], later] });
    await archived([later.id]);

    // Assess
    expect(replay.body).toEqual({ accepted: 2, rejected: [] });
    expect(mixed.body).toEqual({ accepted: 2, rejected: [] });
    const counts = await sql(`SELECT id, count(*) AS n FROM events WHERE install_id = '${installId}' GROUP BY id`);
    expect(counts.map((row) => Number(row.n))).toEqual([1, 1, 1]);
  });

  test('anonymous, then signed in: the install is the actor before, the user\'s pseudonym after, derived with their own key', async () => {
    // Prepare
    const user = await createTestUser('analytics-signin');
    const installId = randomUUID();
    const anonymous = appEvent('onboarding_step');
    const signedIn = appEvent('photo_taken');

    // Act
    const before = await sendEvents({ installId, events: [anonymous] });
    const after = await sendEvents({ installId, events: [signedIn] }, user.accessToken);
    const rows = await archived([anonymous.id, signedIn.id]);

    // Assess
    expect([before.status, after.status]).toEqual([202, 202]);
    const actorOf = (id: string) => rows.find((row) => row.id === id)?.actor;
    expect(actorOf(anonymous.id)).toBe(`i_${installId}`);
    const key = await actorKeyOf(user.userId);
    expect(key).toBeDefined();
    expect(actorOf(signedIn.id)).toBe(userActor(user.userId, key as Uint8Array));
    expect(JSON.stringify(rows)).not.toContain(user.userId);
  });

  test('an Authorization header with a forged or malformed token is a 401 and nothing is recorded', async () => {
    // Prepare
    const user = await createTestUser('analytics-forged');
    const [header, payload] = user.accessToken.split('.');
    const forged = `${header}.${payload}.${Buffer.from('not the signature').toString('base64url')}`;
    const event = appEvent('opened');

    // Act
    const responses = [await sendEvents({ installId: randomUUID(), events: [event] }, forged), await sendEvents({ installId: randomUUID(), events: [event] }, 'garbage')];
    // A later good batch is archived: once it is, the refused one would have been too.
    const marker = appEvent('opened');
    await sendEvents({ installId: randomUUID(), events: [marker] });
    await archived([marker.id]);

    // Assess
    expect(responses.map((response) => [response.status, (response.body as unknown as ErrorBody).error.code])).toEqual([
      [401, 'UNAUTHORIZED'],
      [401, 'UNAUTHORIZED'],
    ]);
    expect(await archivedRows([event.id])).toEqual([]);
  });

  test('an envelope that is not a batch is a 400, a body over 256 KB a 413, bad JSON a 400: JSON errors, never a 500', async () => {
    // Prepare
    const event = appEvent('opened');
    const big = { installId: randomUUID(), events: [{ ...event, attributes: { a: 'x'.repeat(200) } }], padding: 'p'.repeat(260 * 1024) };

    // Act
    const responses = [
      await sendEvents({ events: [event] }),
      await sendEvents({ installId: 'install-1', events: [event] }),
      await sendEvents({ installId: randomUUID(), platform: 'windows', events: [event] }),
      await sendEvents({ installId: randomUUID(), events: [] }),
      await sendEvents({ installId: randomUUID(), events: Array.from({ length: 101 }, () => appEvent('opened')) }),
      await sendEvents({ installId: randomUUID(), events: ['opened'] }),
      await sendEvents(big),
      await api('/analytics/events', { method: 'POST', rawBody: '{"installId":', headers: { 'content-type': 'application/json' } }),
    ];

    // Assess
    expect(responses.map((response) => response.status)).toEqual([400, 400, 400, 400, 400, 400, 413, 400]);
    for (const response of responses) {
      expect((response.body as unknown as ErrorBody).error.requestId).toEqual(expect.any(String));
      expect(response.text).not.toMatch(/at .*\.(js|ts):\d+/);
    }
  });

  test('a flood from one install: every answer a 202 or a 429 with Retry-After (the window itself is tested on DynamoDB Local in tables.test.ts), and every event of an accepted batch archived', async () => {
    // Prepare: more batches at once than the window admits in a second (the gateway lets a few in at a time, so
    // how many are refused depends on the machine's speed; none may be lost or fail).
    const installId = randomUUID();
    const batches = Array.from({ length: 40 }, () => [appEvent('flood')]);

    // Act
    const responses = await Promise.all(batches.map((events) => sendEvents({ installId, events })));

    // Assess
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status !== 202 && status !== 429)).toEqual([]);
    expect(statuses.filter((status) => status === 202).length).toBeGreaterThan(0);
    for (const response of responses.filter((item) => item.status === 429)) {
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((response.body as unknown as ErrorBody).error.code).toBe('RATE_LIMITED');
    }
    const acceptedIds = batches.filter((_, index) => statuses[index] === 202).flatMap((events) => events.map((event) => event.id));
    const rows = await archived(acceptedIds);
    expect(rows.map((row) => row.id).sort()).toEqual([...acceptedIds].sort());
    // Another install is not held back by this one.
    expect((await sendEvents({ installId: randomUUID(), events: [appEvent('flood')] })).status).toBe(202);
  }, 90_000);
});
