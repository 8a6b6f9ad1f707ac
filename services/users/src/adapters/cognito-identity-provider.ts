// The IdentityProvider on Cognito (cognito-local in the local stage): the app client's public flows for
// sign-up, login, refresh, token revocation and password recovery, AdminDeleteUser for account deletion. AWS errors become IdentityProviderErrors.
import {
  AdminDeleteUserCommand,
  CognitoIdentityProviderClient,
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  ForgotPasswordCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  RevokeTokenCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { AuthenticationResultType } from '@aws-sdk/client-cognito-identity-provider';
import { optionalEnv } from '@photonotes/shared/env';
import { decodeJwt } from 'jose';
import { IdentityProviderError } from '../domain/identity-provider';
import type { IdentityFailure, IdentityProvider, IssuedTokens } from '../domain/identity-provider';

/** The part of the SDK client the adapter uses; a fake only needs `send`. */
export interface CognitoSender {
  send(
    command:
      | SignUpCommand
      | ConfirmSignUpCommand
      | InitiateAuthCommand
      | GlobalSignOutCommand
      | RevokeTokenCommand
      | ForgotPasswordCommand
      | ConfirmForgotPasswordCommand
      | AdminDeleteUserCommand,
  ): Promise<unknown>;
}

export interface CognitoIdentityProviderOptions {
  client: CognitoSender;
  userPoolId: string;
  clientId: string;
  /** False where the provider has no GlobalSignOut (cognito-local); the session epoch revokes either way. */
  globalSignOut: boolean;
}

const failureByException: Record<string, IdentityFailure> = {
  UsernameExistsException: 'username-exists',
  AliasExistsException: 'username-exists',
  InvalidPasswordException: 'invalid-password',
  InvalidParameterException: 'invalid-parameter',
  // RevokeToken given something other than a refresh token.
  UnsupportedTokenTypeException: 'invalid-parameter',
  NotAuthorizedException: 'not-authorized',
  UserNotFoundException: 'user-not-found',
  UserNotConfirmedException: 'not-confirmed',
  PasswordResetRequiredException: 'not-authorized',
  CodeMismatchException: 'code-mismatch',
  ExpiredCodeException: 'code-expired',
  UserLambdaValidationException: 'trigger-failed',
  UnexpectedLambdaException: 'trigger-failed',
  InvalidLambdaResponseException: 'trigger-failed',
  TooManyRequestsException: 'rate-limited',
  TooManyFailedAttemptsException: 'rate-limited',
  LimitExceededException: 'rate-limited',
};

async function call<T>(client: CognitoSender, command: Parameters<CognitoSender['send']>[0]): Promise<T> {
  try {
    return (await client.send(command)) as T;
  } catch (err) {
    const reason = err instanceof Error ? failureByException[err.name] : undefined;
    if (reason) throw new IdentityProviderError(reason, (err as Error).message, { cause: err });
    throw err;
  }
}

function claimsOf(token: string): Record<string, unknown> {
  try {
    return decodeJwt(token);
  } catch (err) {
    throw new Error('The identity provider returned a token that is not a JWT', { cause: err });
  }
}

function stringClaim(claims: Record<string, unknown>, name: string): string | null {
  const value = claims[name];
  return typeof value === 'string' && value !== '' ? value : null;
}

/** Tokens straight from the provider's response; cognito-local leaves out ExpiresIn, so it comes from the token. */
function issuedTokens(result: AuthenticationResultType | undefined): IssuedTokens & { userId: string; idClaims: Record<string, unknown> } {
  if (!result?.AccessToken || !result.IdToken) throw new Error('The identity provider returned no tokens');
  const access = claimsOf(result.AccessToken);
  const userId = stringClaim(access, 'sub');
  if (!userId) throw new Error('The access token has no subject');
  const exp = typeof access.exp === 'number' ? access.exp : 0;
  const expiresIn = result.ExpiresIn ?? Math.max(0, exp - Math.floor(Date.now() / 1000));
  return { accessToken: result.AccessToken, idToken: result.IdToken, expiresIn, userId, idClaims: claimsOf(result.IdToken) };
}

export function cognitoIdentityProvider(options: CognitoIdentityProviderOptions): IdentityProvider {
  const { client, userPoolId, clientId } = options;
  return {
    async signUp({ email, password, displayName }) {
      const out = await call<{ UserSub?: string; UserConfirmed?: boolean }>(
        client,
        new SignUpCommand({
          ClientId: clientId,
          Username: email,
          Password: password,
          UserAttributes: [
            { Name: 'email', Value: email },
            { Name: 'name', Value: displayName },
          ],
        }),
      );
      if (!out.UserSub) throw new Error('The identity provider returned no user id');
      return { userId: out.UserSub, confirmed: out.UserConfirmed === true };
    },

    async confirmSignUp(email, code) {
      await call(client, new ConfirmSignUpCommand({ ClientId: clientId, Username: email, ConfirmationCode: code }));
    },

    async logIn(email, password) {
      const out = await call<{ AuthenticationResult?: AuthenticationResultType; ChallengeName?: string }>(
        client,
        new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD: password } }),
      );
      // The pool has no MFA and no admin-created users, so a challenge means the account cannot log in here.
      if (out.ChallengeName) throw new IdentityProviderError('not-authorized', `Unsupported challenge ${out.ChallengeName}`);
      const refreshToken = out.AuthenticationResult?.RefreshToken;
      if (!refreshToken) throw new Error('The identity provider returned no refresh token');
      const { userId, idClaims, ...tokens } = issuedTokens(out.AuthenticationResult);
      return { userId, email: stringClaim(idClaims, 'email'), displayName: stringClaim(idClaims, 'name'), tokens: { ...tokens, refreshToken } };
    },

    async refresh(refreshToken) {
      const out = await call<{ AuthenticationResult?: AuthenticationResultType }>(
        client,
        new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: refreshToken } }),
      );
      const { userId, idClaims: _idClaims, ...tokens } = issuedTokens(out.AuthenticationResult);
      return { userId, tokens };
    },

    async signOutEverywhere(accessToken) {
      if (!options.globalSignOut) return;
      try {
        await call(client, new GlobalSignOutCommand({ AccessToken: accessToken }));
      } catch (err) {
        // An access token that Cognito already revoked: its sessions are gone, which is what was asked.
        if (err instanceof IdentityProviderError && err.reason === 'not-authorized') return;
        throw err;
      }
    },

    async revokeRefreshToken(refreshToken) {
      // Needs the app client's EnableTokenRevocation (serverless.yml); no IAM: a public call of the app client.
      await call(client, new RevokeTokenCommand({ ClientId: clientId, Token: refreshToken }));
    },

    async forgotPassword(email) {
      await call(client, new ForgotPasswordCommand({ ClientId: clientId, Username: email }));
    },

    async confirmForgotPassword({ email, code, newPassword }) {
      await call(client, new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: email, ConfirmationCode: code, Password: newPassword }));
    },

    async deleteUser(userId) {
      try {
        // In a pool with email as the username attribute, the username is the sub.
        await call(client, new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: userId }));
        return 'deleted';
      } catch (err) {
        if (err instanceof IdentityProviderError && err.reason === 'user-not-found') return 'not-found';
        throw err;
      }
    },
  };
}

let shared: CognitoIdentityProviderClient | undefined;

/** Created on first use; COGNITO_ENDPOINT points it at cognito-local in the local stage. */
export function cognitoClient(): CognitoIdentityProviderClient {
  const endpoint = optionalEnv('COGNITO_ENDPOINT');
  return (shared ??= new CognitoIdentityProviderClient({ region: optionalEnv('AWS_REGION', 'us-east-1'), ...(endpoint ? { endpoint } : {}) }));
}
