// Test users: signed up and confirmed in the local Cognito, with tokens, so tests can call protected routes.
import { randomUUID } from 'node:crypto';
import {
  AdminConfirmSignUpCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';

export interface TestUser {
  userId: string;
  email: string;
  password: string;
  accessToken: string;
  idToken: string;
  refreshToken: string;
}

function cognito(): { client: CognitoIdentityProviderClient; clientId: string; userPoolId: string } {
  const issuer = process.env.TEST_COGNITO_ISSUER;
  const clientId = process.env.TEST_COGNITO_CLIENT_ID;
  const userPoolId = process.env.TEST_COGNITO_USER_POOL_ID;
  if (!issuer || !clientId || !userPoolId) throw new Error('TEST_COGNITO_* not set: integration tests run through the jest global setup');
  const endpoint = new URL(issuer).origin;
  return { client: new CognitoIdentityProviderClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } }), clientId, userPoolId };
}

export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}@example.com`;
}

/** Straight through Cognito (not the users service), so other services' tests do not depend on it. */
export async function createTestUser(prefix = 'user'): Promise<TestUser> {
  const { client, clientId, userPoolId } = cognito();
  const email = uniqueEmail(prefix);
  const password = `Passw0rd-${randomUUID().slice(0, 8)}`;
  const signUp = await client.send(
    new SignUpCommand({ ClientId: clientId, Username: email, Password: password, UserAttributes: [{ Name: 'email', Value: email }, { Name: 'name', Value: prefix }] }),
  );
  if (!signUp.UserConfirmed) await client.send(new AdminConfirmSignUpCommand({ UserPoolId: userPoolId, Username: email }));
  const auth = await client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD: password } }));
  const result = auth.AuthenticationResult;
  if (!result?.AccessToken || !result.IdToken || !result.RefreshToken || !signUp.UserSub) throw new Error('cognito-local did not return tokens');
  client.destroy();
  return { userId: signUp.UserSub, email, password, accessToken: result.AccessToken, idToken: result.IdToken, refreshToken: result.RefreshToken };
}
