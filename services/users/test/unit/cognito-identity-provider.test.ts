import { SignJWT } from 'jose';
import { cognitoIdentityProvider } from '../../src/adapters/cognito-identity-provider';
import type { CognitoSender } from '../../src/adapters/cognito-identity-provider';
import { IdentityProviderError } from '../../src/domain/identity-provider';

const key = new TextEncoder().encode('unit-test-secret-unit-test-secret');

async function token(claims: Record<string, unknown>, expiresInSeconds = 3600): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iat: now, exp: now + expiresInSeconds, ...claims }).setProtectedHeader({ alg: 'HS256' }).sign(key);
}

function awsError(name: string, message = name): Error {
  const err = new Error(message);
  err.name = name;
  return err;
}

/** Answers each command by its class name; records what was sent. */
function fakeCognito(answers: Record<string, (input: Record<string, unknown>) => unknown>) {
  const sent: Array<{ command: string; input: Record<string, unknown> }> = [];
  const client: CognitoSender = {
    send: async (command) => {
      const name = command.constructor.name;
      const input = command.input as unknown as Record<string, unknown>;
      sent.push({ command: name, input });
      const answer = answers[name];
      if (!answer) throw new Error(`unexpected ${name}`);
      return answer(input);
    },
  };
  return { client, sent };
}

const options = { userPoolId: 'pool-1', clientId: 'client-1', globalSignOut: true };

describe('cognitoIdentityProvider', () => {
  test('signs up with the email as username and the display name as the `name` attribute', async () => {
    // Prepare
    const { client, sent } = fakeCognito({ SignUpCommand: () => ({ UserSub: 'sub-1', UserConfirmed: true }) });

    // Act
    const result = await cognitoIdentityProvider({ ...options, client }).signUp({ email: 'ada@example.com', password: 'abcdefg1', displayName: 'Ada' });

    // Assess
    expect(result).toEqual({ userId: 'sub-1', confirmed: true });
    expect(sent[0]?.input).toMatchObject({
      ClientId: 'client-1',
      Username: 'ada@example.com',
      UserAttributes: [
        { Name: 'email', Value: 'ada@example.com' },
        { Name: 'name', Value: 'Ada' },
      ],
    });
  });

  test.each([
    ['UsernameExistsException', 'username-exists'],
    ['InvalidPasswordException', 'invalid-password'],
    ['UserLambdaValidationException', 'trigger-failed'],
    ['TooManyRequestsException', 'rate-limited'],
  ])('%s becomes the reason %s', async (exception, reason) => {
    // Prepare
    const { client } = fakeCognito({
      SignUpCommand: () => {
        throw awsError(exception);
      },
    });

    // Act
    const outcome = cognitoIdentityProvider({ ...options, client }).signUp({ email: 'a@example.com', password: 'abcdefg1', displayName: 'A' });

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'IdentityProviderError', reason });
  });

  test('an error Cognito does not name is passed on untouched', async () => {
    // Prepare
    const { client } = fakeCognito({
      SignUpCommand: () => {
        throw awsError('InternalErrorException');
      },
    });

    // Act
    const outcome = cognitoIdentityProvider({ ...options, client }).signUp({ email: 'a@example.com', password: 'abcdefg1', displayName: 'A' });

    // Assess
    await expect(outcome).rejects.not.toBeInstanceOf(IdentityProviderError);
  });

  test('login reads the user from the tokens and computes expiresIn when Cognito leaves it out (cognito-local)', async () => {
    // Prepare
    const accessToken = await token({ sub: 'sub-1', token_use: 'access' }, 3600);
    const idToken = await token({ sub: 'sub-1', token_use: 'id', email: 'ada@example.com', name: 'Ada' });
    const { client, sent } = fakeCognito({ InitiateAuthCommand: () => ({ AuthenticationResult: { AccessToken: accessToken, IdToken: idToken, RefreshToken: 'r-1' } }) });

    // Act
    const signedIn = await cognitoIdentityProvider({ ...options, client }).logIn('ada@example.com', 'abcdefg1');

    // Assess
    expect(sent[0]?.input).toMatchObject({ AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'ada@example.com', PASSWORD: 'abcdefg1' } });
    expect(signedIn).toMatchObject({ userId: 'sub-1', email: 'ada@example.com', displayName: 'Ada', tokens: { accessToken, idToken, refreshToken: 'r-1' } });
    expect(signedIn.tokens.expiresIn).toBeGreaterThan(3590);
    expect(signedIn.tokens.expiresIn).toBeLessThanOrEqual(3600);
  });

  test('a login answered with a challenge is refused', async () => {
    // Prepare
    const { client } = fakeCognito({ InitiateAuthCommand: () => ({ ChallengeName: 'NEW_PASSWORD_REQUIRED' }) });

    // Act
    const outcome = cognitoIdentityProvider({ ...options, client }).logIn('ada@example.com', 'abcdefg1');

    // Assess
    await expect(outcome).rejects.toMatchObject({ reason: 'not-authorized' });
  });

  test('global sign-out is skipped where the provider has none, and an already revoked token is fine', async () => {
    // Prepare
    const local = fakeCognito({});
    const deployed = fakeCognito({
      GlobalSignOutCommand: () => {
        throw awsError('NotAuthorizedException', 'Access Token has been revoked');
      },
    });

    // Act
    await cognitoIdentityProvider({ ...options, globalSignOut: false, client: local.client }).signOutEverywhere('token');
    await cognitoIdentityProvider({ ...options, client: deployed.client }).signOutEverywhere('token');

    // Assess
    expect(local.sent).toEqual([]);
    expect(deployed.sent.map((s) => s.command)).toEqual(['GlobalSignOutCommand']);
  });

  test('revokes a refresh token with the app client, even where there is no GlobalSignOut', async () => {
    // Prepare
    const { client, sent } = fakeCognito({ RevokeTokenCommand: () => ({}) });

    // Act
    await cognitoIdentityProvider({ ...options, globalSignOut: false, client }).revokeRefreshToken('refresh-1');

    // Assess
    expect(sent).toEqual([{ command: 'RevokeTokenCommand', input: { ClientId: 'client-1', Token: 'refresh-1' } }]);
  });

  test('password recovery: ForgotPassword and ConfirmForgotPassword with the email as username; Cognito errors become reasons', async () => {
    // Prepare
    const { client, sent } = fakeCognito({
      ForgotPasswordCommand: () => ({ CodeDeliveryDetails: { DeliveryMedium: 'EMAIL' } }),
      ConfirmForgotPasswordCommand: () => {
        throw awsError('CodeMismatchException', 'Invalid verification code provided, please try again.');
      },
    });
    const identity = cognitoIdentityProvider({ ...options, client });

    // Act
    await identity.forgotPassword('ada@example.com');
    const err = await identity.confirmForgotPassword({ email: 'ada@example.com', code: '123456', newPassword: 'n3w-password' }).catch((e: unknown) => e);

    // Assess
    expect(sent.map((s) => s.input)).toEqual([
      { ClientId: 'client-1', Username: 'ada@example.com' },
      { ClientId: 'client-1', Username: 'ada@example.com', ConfirmationCode: '123456', Password: 'n3w-password' },
    ]);
    expect(err).toBeInstanceOf(IdentityProviderError);
    expect((err as IdentityProviderError).reason).toBe('code-mismatch');
  });

  test('deleting a user that is already gone resolves not-found', async () => {
    // Prepare
    const { client, sent } = fakeCognito({
      AdminDeleteUserCommand: () => {
        throw awsError('UserNotFoundException');
      },
    });

    // Act
    const result = await cognitoIdentityProvider({ ...options, client }).deleteUser('sub-1');

    // Assess
    expect(result).toBe('not-found');
    expect(sent[0]?.input).toEqual({ UserPoolId: 'pool-1', Username: 'sub-1' });
  });
});
