// Verifies Cognito access tokens locally (signature, issuer, expiry, token_use, client_id): serverless-offline
// does not check signatures, and the API must refuse a forged token locally as it does in the cloud. Then refuses the
// tokens of revoked (deleted) accounts, from the users service's revocation list (revocations.ts).
import { createRemoteJWKSet, errors, jwtVerify } from 'jose';
import type { JWTVerifyGetKey } from 'jose';
import { optionalEnv, requireEnv } from './env';
import { ServiceUnavailableError, UnauthorizedError } from './errors';
import { cachedRevocationList, revocationsTableSource } from './revocations';
import type { RevocationList } from './revocations';

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
  /**
   * Resolves the caller, or rejects with UnauthorizedError (bad token, or a revoked account's) / ServiceUnavailableError
   * (keys or revocation list unreachable).
   */
  verify(token: string): Promise<AuthContext>;
}

export interface AccessTokenVerifierOptions {
  issuer: string;
  clientId: string;
  /** Defaults to `<issuer>/.well-known/jwks.json` (cognito-local's discovery document names `localhost`). */
  jwksUrl?: string;
  /** Accounts whose valid tokens are refused all the same (deleted ones). None when left out (tests, benchmarks). */
  revocations?: RevocationList;
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

// An RS256 check costs ~90 µs, ten times the rest of the HTTP chain. A verified token's signature and claims cannot
// change before it expires, so the caller it names is remembered: bounded in size, and no longer than jose trusts
// fetched keys (10 min). Whether the account was revoked since is asked again on every request.
const rememberedTokens = 1000;
const rememberForMs = 10 * 60_000;

export function createAccessTokenVerifier(options: AccessTokenVerifierOptions): AccessTokenVerifier {
  // One key set per verifier: jose caches the keys and rate-limits refetches on unknown `kid`s.
  const keys: JWTVerifyGetKey = createRemoteJWKSet(new URL(options.jwksUrl ?? `${options.issuer}/.well-known/jwks.json`));
  const verified = new Map<string, { caller: AuthContext; until: number }>();
  const { revocations } = options;

  /** The caller a token names once its signature and claims check out; remembered as explained above. */
  async function checkToken(token: string): Promise<AuthContext> {
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
  }

  return {
    async verify(token) {
      let caller: AuthContext | undefined;
      const known = verified.get(token);
      if (known) {
        if (known.until > Date.now()) caller = known.caller;
        else verified.delete(token);
      }
      caller ??= await checkToken(token);
      if (!revocations) return caller;
      // Remembering a token never outlives its account: the list is asked on every request. Its cache answers at once
      // while fresh, so only a request that finds it stale waits for a read.
      const revoked = revocations.isRevoked(caller.userId);
      if (revoked === true || (revoked !== false && (await revoked))) throw new UnauthorizedError('Access token revoked');
      return caller;
    },
  };
}

let fromEnv: AccessTokenVerifier | undefined;

/** The revocation list of REVOCATIONS_TABLE, its answers at most REVOCATION_CACHE_SECONDS old (default 2). */
export function revocationListFromEnv(): RevocationList {
  const seconds = Number(optionalEnv('REVOCATION_CACHE_SECONDS', '2'));
  return cachedRevocationList({ source: revocationsTableSource(requireEnv('REVOCATIONS_TABLE')), maxAgeMs: seconds * 1000 });
}

/**
 * The verifier built from COGNITO_ISSUER, COGNITO_CLIENT_ID, optional COGNITO_JWKS_URL and the revocation list
 * (REVOCATIONS_TABLE, REVOCATION_CACHE_SECONDS), once per process.
 */
export function defaultVerifier(): AccessTokenVerifier {
  if (fromEnv) return fromEnv;
  const jwksUrl = optionalEnv('COGNITO_JWKS_URL');
  return (fromEnv = createAccessTokenVerifier({
    issuer: requireEnv('COGNITO_ISSUER'),
    clientId: requireEnv('COGNITO_CLIENT_ID'),
    ...(jwksUrl ? { jwksUrl } : {}),
    revocations: revocationListFromEnv(),
  }));
}
