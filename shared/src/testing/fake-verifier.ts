// Test-only access token verifier for `http(route, { verifier })`: known tokens map to callers, anything else is a 401.
import type { AccessTokenVerifier, AuthContext } from '../auth';
import { UnauthorizedError } from '../errors';

/** A caller as a test names it: `groups` (the token's `cognito:groups`) default to none. */
export type FakeCaller = Omit<AuthContext, 'groups'> & { groups?: readonly string[] };

export function fakeVerifier(tokens: Record<string, FakeCaller>): AccessTokenVerifier {
  return {
    verify: async (token) => {
      const caller = Object.hasOwn(tokens, token) ? tokens[token] : undefined;
      if (!caller) throw new UnauthorizedError('Invalid access token');
      return { ...caller, groups: caller.groups ?? [] };
    },
  };
}
