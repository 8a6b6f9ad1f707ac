// Test-only access token verifier for `http(route, { verifier })`: known tokens map to callers, anything else is a 401.
import type { AccessTokenVerifier, AuthContext } from '../auth';
import { UnauthorizedError } from '../errors';

export function fakeVerifier(tokens: Record<string, AuthContext>): AccessTokenVerifier {
  return {
    verify: async (token) => {
      const caller = Object.hasOwn(tokens, token) ? tokens[token] : undefined;
      if (!caller) throw new UnauthorizedError('Invalid access token');
      return caller;
    },
  };
}
