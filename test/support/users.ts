// Test users: signed up and logged in through the users service's real API (POST /auth/signup, then
// /auth/login, via the gateway), so every service's integration tests also exercise the users service.
// Admins are made as an operator makes them (no route grants a role): AdminAddUserToGroup against the test
// platform's cognito-local, then a fresh login, whose tokens carry `cognito:groups`.
import { randomUUID } from 'node:crypto';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { UserGroup } from '@photonotes/shared/auth';
import { addUserToLocalGroup } from '../../scripts/platform/emulators';
import { keys as notesTableKeys } from '../../services/core-api/src/adapters/keys';
import { api } from './api';
import { eventually } from './eventually';

export interface TestUser {
  userId: string;
  email: string;
  password: string;
  accessToken: string;
  idToken: string;
  refreshToken: string;
}

export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}@example.com`;
}

interface LoginBody {
  accessToken: string;
  idToken: string;
  refreshToken: string;
}

async function logIn(email: string, password: string): Promise<LoginBody> {
  const login = await api<LoginBody>('/auth/login', { method: 'POST', body: { email, password } });
  if (login.status !== 200) throw new Error(`POST /auth/login answered ${login.status}: ${login.text}`);
  const { accessToken, idToken, refreshToken } = login.body;
  return { accessToken, idToken, refreshToken };
}

/** A confirmed user with fresh tokens; `prefix` starts the email and is the display name. */
export async function createTestUser(prefix = 'user'): Promise<TestUser> {
  const email = uniqueEmail(prefix);
  const password = `Passw0rd-${randomUUID().slice(0, 8)}`;
  const signUp = await api<{ userId: string; confirmed: boolean }>('/auth/signup', { method: 'POST', body: { email, password, displayName: prefix } });
  if (signUp.status !== 201) throw new Error(`POST /auth/signup answered ${signUp.status}: ${signUp.text}`);
  // The local stage confirms sign-ups at once; anywhere else the emailed code would be needed.
  if (!signUp.body.confirmed) throw new Error('POST /auth/signup did not confirm the user: integration tests run against the local stage');
  const user = { userId: signUp.body.userId, email, password, ...(await logIn(email, password)) };
  await untilShareable(user.userId);
  return user;
}

/**
 * Waits until core-api knows the user (its projection of user.signed_up, delivered asynchronously over SNS), so a
 * test may share a note with them at once. An app meets the same delay between a sign-up and its first share;
 * tests read the item rather than sharing a probe note, which would notify the user.
 */
export async function untilShareable(userId: string, timeoutMs = 15_000): Promise<void> {
  const client = new DynamoDBClient({ endpoint: `http://127.0.0.1:${process.env.DYNAMODB_PORT ?? '8000'}`, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const key = notesTableKeys.knownUser(userId);
  try {
    const known = await eventually(
      async () => (await client.send(new GetItemCommand({ TableName: 'photonotes-core-api-local-notes', Key: { pk: { S: key.pk }, sk: { S: key.sk } }, ConsistentRead: true }))).Item,
      (item) => item !== undefined,
      timeoutMs,
    );
    if (!known) throw new Error(`core-api did not learn of user ${userId} within ${timeoutMs} ms (user.signed_up → userSignedUp)`);
  } finally {
    client.destroy();
  }
}

/**
 * Adds the user to a user pool group of the test platform's cognito-local and logs them in again: a token names
 * the groups its user had when it was issued, so the returned tokens carry the group and the old ones do not.
 */
export async function addTestUserToGroup(user: TestUser, group: UserGroup): Promise<TestUser> {
  const issuer = process.env.TEST_COGNITO_ISSUER;
  const userPoolId = process.env.TEST_COGNITO_USER_POOL_ID;
  if (!issuer || !userPoolId) throw new Error('TEST_COGNITO_* not set: integration tests run through the jest global setup');
  await addUserToLocalGroup({ endpoint: new URL(issuer).origin, userPoolId }, user.email, group);
  return { ...user, ...(await logIn(user.email, user.password)) };
}

/** A confirmed user in the `admins` group, with tokens that carry it (what analytics' read routes require). */
export async function createTestAdmin(prefix = 'admin'): Promise<TestUser> {
  return addTestUserToGroup(await createTestUser(prefix), 'admins');
}
