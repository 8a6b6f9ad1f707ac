// A local stand-in for a Cognito user pool: real RS256 keys, a JWKS served over HTTP on 127.0.0.1, and
// token minting with Cognito's access-token claims, so the verifier is tested through its real code path.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { CryptoKey, JWTPayload } from 'jose';

export interface TokenIssuer {
  issuer: string;
  clientId: string;
  jwksUrl: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** Signs an access token; `claims` override the defaults (a claim set to undefined is left out). */
  accessToken(claims?: JWTPayload, options?: { expiresInSeconds?: number; kid?: string; key?: CryptoKey; alg?: string }): Promise<string>;
  /** Makes the JWKS endpoint answer with this status (e.g. 500) until reset with 200. */
  setJwksStatus(status: number): void;
  jwksRequests(): number;
  close(): Promise<void>;
}

export async function startTokenIssuer(): Promise<TokenIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  // No `alg` on the key: then only the verifier's own algorithm allow-list can refuse e.g. PS256 with this key.
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', use: 'sig' };
  let status = 200;
  let requests = 0;
  const server = createServer((req, res) => {
    requests += 1;
    if (req.url !== '/pool/.well-known/jwks.json' || status !== 200) {
      res.writeHead(req.url === '/pool/.well-known/jwks.json' ? status : 404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}/pool`;
  const clientId = 'test-client';

  return {
    issuer,
    clientId,
    jwksUrl: `${issuer}/.well-known/jwks.json`,
    privateKey,
    publicKey,
    async accessToken(claims = {}, options = {}) {
      const now = Math.floor(Date.now() / 1000);
      const payload: JWTPayload = {
        iss: issuer,
        sub: 'user-1',
        token_use: 'access',
        client_id: clientId,
        username: 'user-1',
        iat: now,
        exp: now + (options.expiresInSeconds ?? 3600),
        ...claims,
      };
      return new SignJWT(payload)
        .setProtectedHeader({ alg: options.alg ?? 'RS256', kid: options.kid ?? 'test-key' })
        .sign(options.key ?? privateKey);
    },
    setJwksStatus: (next) => {
      status = next;
    },
    jwksRequests: () => requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
