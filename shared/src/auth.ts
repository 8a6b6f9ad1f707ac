// Verifies Cognito access tokens locally (signature, issuer, expiry, token_use, client_id): serverless-offline
// does not check signatures, and the API must refuse a forged token locally as it does in the cloud.
import { createRemoteJWKSet, errors, jwtVerify } from 'jose';
import type { JWTVerifyGetKey } from 'jose';
import { optionalEnv, requireEnv } from './env';
import { ServiceUnavailableError, UnauthorizedError } from './errors';

export interface AuthContext {
  userId: string;
  email: string | null;
  /**
   * The caller's Cognito user pool groups, from the verified token's `cognito:groups` claim and nowhere else
   * (never a header or the body). Empty when the claim is missing, or is anything but an array of strings.
   */
  groups: readonly string[];
}

/** The user pool groups a route may require (`AWS::Cognito::UserPoolGroup` in services/users/serverless.yml). */
export type UserGroup = 'admins';

export interface AccessTokenVerifier {
  /** Resolves the caller, or rejects with UnauthorizedError (bad token) / ServiceUnavailableError (keys unreachable). */
  verify(token: string): Promise<AuthContext>;
}

export interface AccessTokenVerifierOptions {
  issuer: string;
  clientId: string;
  /** Defaults to `<issuer>/.well-known/jwks.json` (cognito-local's discovery document names `localhost`). */
  jwksUrl?: string;
}

const noGroups: readonly string[] = Object.freeze([]);

// Cognito leaves the claim out for a user in no group. A claim of any other shape grants nothing: a malformed
// membership is not trusted, while the caller stays signed in (routes without a group requirement still serve them).
function groupsOf(claim: unknown): readonly string[] {
  if (!Array.isArray(claim) || !claim.every((group): group is string => typeof group === 'string')) return noGroups;
  return Object.freeze([...claim]);
}

// Failures to obtain the keys are ours, not the caller's: a 401 would log every user out during an outage.
const keySetUnavailable = new Set(['ERR_JOSE_GENERIC', 'ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID']);

function toAuthError(err: unknown): Error {
  if (err instanceof UnauthorizedError) return err;
  if (err instanceof errors.JOSEError && !keySetUnavailable.has(err.code)) {
    return new UnauthorizedError('Invalid access token', undefined, { cause: err });
  }
  return new ServiceUnavailableError('Token keys unavailable', undefined, { cause: err });
}

// An RS256 check costs ~90 µs, ten times the rest of the HTTP chain. A verified token's answer cannot change
// before it expires, so it is remembered: bounded in size, and no longer than jose trusts fetched keys (10 min).
const rememberedTokens = 1000;
const rememberForMs = 10 * 60_000;

export function createAccessTokenVerifier(options: AccessTokenVerifierOptions): AccessTokenVerifier {
  // One key set per verifier: jose caches the keys and rate-limits refetches on unknown `kid`s.
  const keys: JWTVerifyGetKey = createRemoteJWKSet(new URL(options.jwksUrl ?? `${options.issuer}/.well-known/jwks.json`));
  const verified = new Map<string, { caller: AuthContext; until: number }>();
  return {
    async verify(token) {
      const known = verified.get(token);
      if (known) {
        if (known.until > Date.now()) return known.caller;
        verified.delete(token);
      }
      try {
        const { payload } = await jwtVerify(token, keys, {
          issuer: options.issuer,
          algorithms: ['RS256'],
          requiredClaims: ['exp', 'sub'],
        });
        // Cognito access tokens carry client_id instead of aud; an id token has token_use "id".
        if (payload.token_use !== 'access' || payload.client_id !== options.clientId || typeof payload.sub !== 'string') {
          throw new UnauthorizedError('Invalid access token');
        }
        const caller: AuthContext = Object.freeze({
          userId: payload.sub,
          email: typeof payload.email === 'string' ? payload.email : null,
          groups: groupsOf(payload['cognito:groups']),
        });
        const oldest = verified.size >= rememberedTokens ? verified.keys().next().value : undefined;
        if (oldest !== undefined) verified.delete(oldest);
        verified.set(token, { caller, until: Math.min((payload.exp ?? 0) * 1000, Date.now() + rememberForMs) });
        return caller;
      } catch (err) {
        throw toAuthError(err);
      }
    },
  };
}

let fromEnv: AccessTokenVerifier | undefined;

/** The verifier built from COGNITO_ISSUER, COGNITO_CLIENT_ID and optional COGNITO_JWKS_URL, once per process. */
export function defaultVerifier(): AccessTokenVerifier {
  const jwksUrl = optionalEnv('COGNITO_JWKS_URL');
  return (fromEnv ??= createAccessTokenVerifier({
    issuer: requireEnv('COGNITO_ISSUER'),
    clientId: requireEnv('COGNITO_CLIENT_ID'),
    ...(jwksUrl ? { jwksUrl } : {}),
  }));
}
