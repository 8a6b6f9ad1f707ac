// Test users: signed up and logged in through the users service's real API (POST /auth/signup, then
// /auth/login, via the gateway), so every service's integration tests also exercise the users service.
import { randomUUID } from 'node:crypto';
import { api } from './api';

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

/** A confirmed user with fresh tokens; `prefix` starts the email and is the display name. */
export async function createTestUser(prefix = 'user'): Promise<TestUser> {
  const email = uniqueEmail(prefix);
  const password = `Passw0rd-${randomUUID().slice(0, 8)}`;
  const signUp = await api<{ userId: string; confirmed: boolean }>('/auth/signup', { method: 'POST', body: { email, password, displayName: prefix } });
  if (signUp.status !== 201) throw new Error(`POST /auth/signup answered ${signUp.status}: ${signUp.text}`);
  // The local stage confirms sign-ups at once; anywhere else the emailed code would be needed.
  if (!signUp.body.confirmed) throw new Error('POST /auth/signup did not confirm the user: integration tests run against the local stage');
  const login = await api<LoginBody>('/auth/login', { method: 'POST', body: { email, password } });
  if (login.status !== 200) throw new Error(`POST /auth/login answered ${login.status}: ${login.text}`);
  const { accessToken, idToken, refreshToken } = login.body;
  return { userId: signUp.body.userId, email, password, accessToken, idToken, refreshToken };
}
