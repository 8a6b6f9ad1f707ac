// GET /users?email=: share by address without the API becoming a directory. Exact, case-insensitive matches of
// live accounts only, 30 look-ups per caller an hour (the local stage's param emailLookupsPerHour, the contract's
// figure), and the neighbouring /users routes still answer as before.
import path from 'node:path';
import { readYaml, repoRoot } from '../../../../scripts/platform/service-definitions';
import { api } from '../../../../test/support/api';
import type { ErrorBody } from '../../../../test/support/api';
import { createTestUser } from '../../../../test/support/users';
import type { TestUser } from '../../../../test/support/users';

jest.setTimeout(60_000);

const localParams = readYaml<{ params: { local: Record<string, string> } }>(path.join(repoRoot, 'serverless.common.yml')).params.local;
const allowance = Number(localParams.emailLookupsPerHour);

interface UserMatch {
  userId: string;
  displayName: string;
}

function lookUp(caller: TestUser, email: string) {
  return api<UserMatch>(`/users?email=${encodeURIComponent(email)}`, { token: caller.accessToken });
}

let ada: TestUser;

beforeAll(async () => {
  ada = await createTestUser('ada');
});

describe('GET /users?email=', () => {
  test('the local stage allows the contract’s 30 look-ups an hour', () => {
    // Assess
    expect(allowance).toBe(30);
  });

  test('answers the id and display name of the account, for the address in any letter case, never the email', async () => {
    // Prepare
    const caller = await createTestUser('finder');

    // Act
    const exact = await lookUp(caller, ada.email);
    const shouting = await lookUp(caller, `  ${ada.email.toUpperCase()} `);

    // Assess
    expect(exact.status).toBe(200);
    expect(exact.body).toEqual({ userId: ada.userId, displayName: 'ada' });
    expect(shouting.status).toBe(200);
    expect(shouting.body).toEqual(exact.body);
  });

  test('answers 404 for an address without an account, and for a deleted account', async () => {
    // Prepare
    const caller = await createTestUser('finder');
    const leaving = await createTestUser('leaving');
    const found = await lookUp(caller, leaving.email);
    const deleted = await api('/users/me', { method: 'DELETE', token: leaving.accessToken });

    // Act
    const nobody = await lookUp(caller, `nobody-${ada.userId}@example.com`);
    const gone = await lookUp(caller, leaving.email);

    // Assess
    expect(found.status).toBe(200);
    expect(deleted.status).toBe(204);
    expect(nobody.status).toBe(404);
    expect((nobody.body as unknown as ErrorBody).error.code).toBe('NOT_FOUND');
    expect(gone.status).toBe(404);
  });

  test(`refuses look-up ${allowance + 1} of the hour with 429 and Retry-After, counting misses too, and only for that caller`, async () => {
    // Prepare
    const caller = await createTestUser('prober');
    const statuses: number[] = [];
    for (let i = 0; i < allowance; i++) statuses.push((await lookUp(caller, i % 3 === 0 ? ada.email : `probe-${i}-${ada.userId}@example.com`)).status);

    // Act
    const refused = await lookUp(caller, ada.email);
    const other = await lookUp(await createTestUser('other'), ada.email);

    // Assess
    expect(statuses.filter((status) => status === 200)).toHaveLength(Math.ceil(allowance / 3));
    expect(statuses.filter((status) => status === 404)).toHaveLength(allowance - Math.ceil(allowance / 3));
    expect(refused.status).toBe(429);
    expect((refused.body as unknown as ErrorBody).error).toMatchObject({ code: 'RATE_LIMITED', requestId: refused.headers.get('x-request-id') });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(3500);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(other.status).toBe(200);
  });

  test(`lets exactly ${allowance} of ${allowance + 10} concurrent look-ups of one caller through`, async () => {
    // Prepare
    const caller = await createTestUser('hasty');

    // Act
    const answers = await Promise.all(Array.from({ length: allowance + 10 }, () => lookUp(caller, ada.email)));

    // Assess
    const statuses = answers.map((res) => res.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(allowance);
    expect(statuses.filter((status) => status === 429)).toHaveLength(10);
  });

  test('refuses a missing or malformed address with 400, and a caller without a token with 401', async () => {
    // Prepare
    const caller = await createTestUser('careless');

    // Act
    const missing = await api('/users', { token: caller.accessToken });
    const malformed = await lookUp(caller, 'not-an-address');
    const anonymous = await api(`/users?email=${encodeURIComponent(ada.email)}`);

    // Assess
    expect(missing.status).toBe(400);
    expect((missing.body as ErrorBody).error.details).toEqual([expect.objectContaining({ location: 'query', path: 'email' })]);
    expect(malformed.status).toBe(400);
    expect(anonymous.status).toBe(401);
  });

  test('leaves GET /users/{userId} and GET /users/me as they were', async () => {
    // Prepare
    const caller = await createTestUser('neighbour');

    // Act
    const profile = await api<Record<string, unknown>>(`/users/${ada.userId}`, { token: caller.accessToken });
    const me = await api<Record<string, unknown>>('/users/me', { token: caller.accessToken });

    // Assess
    expect(profile.status).toBe(200);
    expect(profile.body).toEqual({ userId: ada.userId, displayName: 'ada', bio: '', createdAt: expect.any(String) });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ userId: caller.userId, email: caller.email });
  });
});
