// Sharing by e-mail: the look-up's answers in words (404, 429 with Retry-After), and the sharedWith edits.
import { ApiError } from '@photonotes/client';
import type { Client } from '@photonotes/client';
import { findUserByEmail, lookupFailureText, userNames, withoutShare, withShare } from '../src/sharing';

function apiAnswering(answer: unknown) {
  const get = jest.fn(() => (answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer)));
  return { api: { get } as unknown as Pick<Client, 'get'>, get };
}

describe('findUserByEmail', () => {
  test('asks GET /users?email= with the trimmed address and answers the user', async () => {
    // Prepare
    const { api, get } = apiAnswering({ userId: 'u2', displayName: 'Bob' });

    // Act
    const found = await findUserByEmail(api, '  Bob@Example.com ');

    // Assess
    expect(found).toEqual({ ok: true, user: { userId: 'u2', displayName: 'Bob' } });
    expect(get).toHaveBeenCalledWith('/users', { query: { email: 'Bob@Example.com' } });
  });

  test('a 404 is "no user with that e-mail", a 429 says when to try again, never the raw error', async () => {
    // Prepare
    const missing = apiAnswering(new ApiError({ status: 404, code: 'NOT_FOUND', message: 'Not found' }));
    const limited = apiAnswering(new ApiError({ status: 429, code: 'RATE_LIMITED', message: 'Too many requests', retryAfter: 1234 }));

    // Act
    const notFound = await findUserByEmail(missing.api, 'nobody@example.com');
    const tooMany = await findUserByEmail(limited.api, 'bob@example.com');

    // Assess
    expect(notFound).toEqual({ ok: false, message: 'No user with that e-mail.' });
    expect(tooMany).toEqual({ ok: false, message: 'Too many lookups, try again in 1234 s.' });
  });

  test('something that is not an address is refused without a look-up (each one counts against the hourly allowance)', async () => {
    // Prepare
    const { api, get } = apiAnswering({ userId: 'u2', displayName: 'Bob' });

    // Act
    const found = await findUserByEmail(api, 'bob');

    // Assess
    expect(found).toEqual({ ok: false, message: 'Enter an e-mail address.' });
    expect(get).not.toHaveBeenCalled();
  });
});

describe('lookupFailureText', () => {
  test('a 429 without Retry-After, no connection, and any other failure', () => {
    // Act
    const texts = [
      lookupFailureText(new ApiError({ status: 429, code: 'RATE_LIMITED', message: 'Too many requests' })),
      lookupFailureText(new ApiError({ status: 0, code: 'NETWORK_ERROR', message: 'fetch failed' })),
      lookupFailureText(new ApiError({ status: 503, code: 'SERVICE_UNAVAILABLE', message: 'Try again shortly' })),
    ];

    // Assess
    expect(texts).toEqual(['Too many lookups, try again later.', 'No connection to PhotoNotes. Check your network and try again.', 'Try again shortly']);
  });
});

describe('sharedWith edits', () => {
  test('adds a user once and never the owner; removes one', () => {
    // Act
    const added = withShare(['u2'], 'u3', 'u1');
    const again = withShare(['u2'], 'u2', 'u1');
    const owner = withShare(['u2'], 'u1', 'u1');
    const removed = withoutShare(['u2', 'u3'], 'u2');

    // Assess
    expect(added).toEqual(['u2', 'u3']);
    expect(again).toBeNull();
    expect(owner).toBeNull();
    expect(removed).toEqual(['u3']);
  });
});

describe('userNames', () => {
  test('reads each unknown id once, keeps names given by a look-up, and shows an unreadable id as itself', async () => {
    // Prepare
    const get = jest.fn((_path: string, options: { params: { userId: string } }) =>
      options.params.userId === 'gone' ? Promise.reject(new ApiError({ status: 404, code: 'NOT_FOUND', message: 'Not found' })) : Promise.resolve({ userId: options.params.userId, displayName: `Name of ${options.params.userId}` }),
    );
    const names = userNames({ get } as unknown as Pick<Client, 'get'>);
    names.remember({ userId: 'u2', displayName: 'Bob' });

    // Act
    await Promise.all([names.load(['u2', 'u3', 'gone']), names.load(['u3'])]);

    // Assess
    expect([names.name('u2'), names.name('u3'), names.name('gone')]).toEqual(['Bob', 'Name of u3', 'gone']);
    expect(get.mock.calls.map(([, options]) => options.params.userId)).toEqual(['u3', 'gone']);
  });
});
