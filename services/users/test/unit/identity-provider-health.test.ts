import { keySetIsReachable } from '../../src/adapters/identity-provider-health';

function fakeFetch(status: number): { impl: typeof fetch; urls: string[] } {
  const urls: string[] = [];
  const impl = (async (url: string | URL | Request) => {
    urls.push(String(url));
    return new Response('{"keys":[]}', { status });
  }) as typeof fetch;
  return { impl, urls };
}

describe('keySetIsReachable', () => {
  test('passes when the key set answers 200', async () => {
    // Prepare
    const { impl, urls } = fakeFetch(200);

    // Act
    await keySetIsReachable(() => 'http://idp/pool/.well-known/jwks.json', impl)();

    // Assess
    expect(urls).toEqual(['http://idp/pool/.well-known/jwks.json']);
  });

  test('fails when it answers an error', async () => {
    // Prepare
    const { impl } = fakeFetch(503);

    // Act
    const outcome = keySetIsReachable(() => 'http://idp/pool/.well-known/jwks.json', impl)();

    // Assess
    await expect(outcome).rejects.toThrow('answered 503');
  });
});
