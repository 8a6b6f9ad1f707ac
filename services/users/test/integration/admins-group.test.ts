// The admins group through the real local Cognito: the dev platform creates it, AdminAddUserToGroup puts a user in
// it (createTestAdmin, the seed's admin account), cognito-local names it in the tokens it issues afterwards, and the
// shared verifier, fetching cognito-local's JWKS, makes it part of the caller that `auth: requireGroup('admins')`
// checks. No route of the API requires the group yet, so the route here is served in process by the shared chain.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeJwt } from 'jose';
import { createAccessTokenVerifier } from '@photonotes/shared/auth';
import type { AccessTokenVerifier } from '@photonotes/shared/auth';
import { http, ok, requireGroup } from '@photonotes/shared/http';
import { apiEvent, lambdaContext } from '@photonotes/shared/testing/api-event';
import { createLogger } from '@photonotes/shared/log';
import { demoAccounts } from '../../../../scripts/demo-accounts';
import { seed } from '../../../../scripts/seed';
import { api } from '../../../../test/support/api';
import { addTestUserToGroup, createTestAdmin, createTestUser } from '../../../../test/support/users';
import { cognitoSettings } from '../support/local-platform';

interface Tokens {
  accessToken: string;
  idToken: string;
  refreshToken: string;
}

let verifier: AccessTokenVerifier;

beforeAll(() => {
  const { issuer, clientId } = cognitoSettings();
  verifier = createAccessTokenVerifier({ issuer, clientId });
});

function logIn(email: string, password: string) {
  return api<Tokens>('/auth/login', { method: 'POST', body: { email, password } });
}

/** A route only admins may call, served by the shared chain with the verifier of the local pool. */
function adminsOnlyRoute() {
  const handler = http({ service: 'test', auth: requireGroup('admins') }, { verifier, logger: createLogger({ service: 'test', level: 'error', write: () => undefined }) }).handler(
    async ({ auth }) => ok({ userId: auth.userId, groups: auth.groups }),
  );
  return (token?: string) => handler(apiEvent(token === undefined ? {} : { token }), lambdaContext());
}

describe('the admins group in the local Cognito', () => {
  test("an admin's access and id tokens name the group, and the shared verifier puts it in the caller", async () => {
    // Prepare
    const admin = await createTestAdmin();

    // Act
    const caller = await verifier.verify(admin.accessToken);
    const me = await api<{ userId: string }>('/users/me', { token: admin.accessToken });

    // Assess
    expect(decodeJwt(admin.accessToken)).toMatchObject({ token_use: 'access', 'cognito:groups': ['admins'] });
    expect(decodeJwt(admin.idToken)).toMatchObject({ token_use: 'id', 'cognito:groups': ['admins'] });
    expect(caller).toEqual({ userId: admin.userId, email: null, groups: ['admins'] });
    expect(me.status).toBe(200);
    expect(me.body.userId).toBe(admin.userId);
  });

  test("a normal user's tokens name no group, and the verifier gives the caller none", async () => {
    // Prepare
    const user = await createTestUser('not-admin');

    // Act
    const caller = await verifier.verify(user.accessToken);

    // Assess
    expect(decodeJwt(user.accessToken)).not.toHaveProperty('cognito:groups');
    expect(decodeJwt(user.idToken)).not.toHaveProperty('cognito:groups');
    expect(caller.groups).toEqual([]);
  });

  test('a token names the groups its user had when it was issued: joining takes a new login or a refresh', async () => {
    // Prepare
    const before = await createTestUser('joins-later');

    // Act
    const after = await addTestUserToGroup(before, 'admins');
    const refreshed = await api<Tokens>('/auth/refresh', { method: 'POST', body: { refreshToken: before.refreshToken } });

    // Assess
    expect((await verifier.verify(before.accessToken)).groups).toEqual([]);
    expect((await verifier.verify(after.accessToken)).groups).toEqual(['admins']);
    expect(refreshed.status).toBe(200);
    expect((await verifier.verify(refreshed.body.accessToken)).groups).toEqual(['admins']);
  });

  test('a route for the admins group: 200 for an admin, 403 FORBIDDEN for a signed-in user outside it, 401 without a token', async () => {
    // Prepare
    const [admin, user] = await Promise.all([createTestAdmin(), createTestUser('not-admin')]);
    const call = adminsOnlyRoute();

    // Act
    const [asAdmin, asUser, anonymous] = await Promise.all([call(admin.accessToken), call(user.accessToken), call()]);

    // Assess
    expect(asAdmin.statusCode).toBe(200);
    expect(JSON.parse(asAdmin.body ?? '')).toEqual({ userId: admin.userId, groups: ['admins'] });
    expect(asUser.statusCode).toBe(403);
    expect(JSON.parse(asUser.body ?? '').error).toMatchObject({ code: 'FORBIDDEN' });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe('npm run seed', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'seed-admin-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('creates the admin demo account in the admins group, prints it with its password, and leaves the others out', async () => {
    // Prepare
    const admin = demoAccounts.find((account) => account.key === 'admin');
    const alice = demoAccounts.find((account) => account.key === 'alice');
    if (!admin || !alice) throw new Error('the demo accounts lack admin or alice');
    const lines: string[] = [];

    // Act: the user pool is found on the test platform's cognito-local (COGNITO_PORT), as `npm run seed` finds the dev one
    await seed({ baseUrl: process.env.API_BASE_URL ?? '', thermostatFile: path.join(dir, 'thermostat.json'), log: (line) => lines.push(line) });
    const [adminLogin, aliceLogin] = await Promise.all([logIn(admin.email, admin.password), logIn(alice.email, alice.password)]);

    // Assess
    expect(lines).toContain(`account ${admin.email} / ${admin.password} (admins)`);
    expect(lines).toContain(`account ${alice.email} / ${alice.password}`);
    expect(adminLogin.status).toBe(200);
    expect((await verifier.verify(adminLogin.body.accessToken)).groups).toEqual(['admins']);
    expect((await verifier.verify(aliceLogin.body.accessToken)).groups).toEqual([]);
  }, 180_000);
});
