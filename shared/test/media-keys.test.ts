import { createHmac } from 'node:crypto';
import { parseMediaKey, signMediaKey, verifyMediaKey } from '../src/media-keys';
import type * as MediaKeysModule from '../src/media-keys';

const secret = 'test-media-key-secret';
const saved = { ...process.env };
const userId = '0f6c3b0e-6d1a-4a3e-9d44-3c8f0f1e2a77';
const otherUserId = '7b1d2c3e-0000-4000-8000-000000000001';

beforeEach(() => {
  process.env.MEDIA_KEY_SECRET = secret;
});

afterEach(() => {
  process.env = { ...saved };
});

/** A fresh copy of the module, which reads MEDIA_KEY_SECRET again. */
function freshModule(): typeof MediaKeysModule {
  let mod: typeof MediaKeysModule | undefined;
  jest.isolateModules(() => {
    mod = jest.requireActual<typeof MediaKeysModule>('../src/media-keys');
  });
  if (!mod) throw new Error('module not loaded');
  return mod;
}

/** Replaces one character of the signature, keeping the key's shape. */
function withAlteredSignature(key: string): string {
  const parsed = parseMediaKey(key);
  if (!parsed) throw new Error('not a media key');
  const first = parsed.signature[0] === 'A' ? 'B' : 'A';
  return key.replace(`-${parsed.signature}.`, `-${first}${parsed.signature.slice(1)}.`);
}

describe('signMediaKey', () => {
  it('issues uploads/<userId>/<uuid>-<sig16>.<ext> with the agreed HMAC', () => {
    // Act
    const key = signMediaKey(userId, 'image/jpeg');

    // Assess
    const match = /^uploads\/([^/]+)\/([0-9a-f-]{36})-([A-Za-z0-9_-]{16})\.jpg$/.exec(key);
    expect(match).not.toBeNull();
    const [, owner, uuid, sig] = match as unknown as [string, string, string, string];
    expect(owner).toBe(userId);
    const expected = createHmac('sha256', secret).update(`uploads/${userId}/${uuid}.jpg`).digest('base64url').slice(0, 16);
    expect(sig).toBe(expected);
  });

  it.each([
    ['image/jpeg', 'jpg'],
    ['image/png', 'png'],
    ['image/webp', 'webp'],
  ])('maps %s to .%s', (contentType, ext) => {
    // Act
    const parsed = parseMediaKey(signMediaKey(userId, contentType));

    // Assess
    expect(parsed).toMatchObject({ userId, extension: ext, contentType });
  });

  it('issues a different key every time', () => {
    // Act
    const keys = new Set(Array.from({ length: 20 }, () => signMediaKey(userId, 'image/png')));

    // Assess
    expect(keys.size).toBe(20);
  });

  it('refuses content types and user ids a key cannot carry', () => {
    // Act + Assess
    expect(() => signMediaKey(userId, 'image/gif')).toThrow('Unsupported media content type');
    expect(() => signMediaKey('a/b', 'image/png')).toThrow('User id');
    expect(() => signMediaKey('', 'image/png')).toThrow('User id');
  });

  it('fails loudly without MEDIA_KEY_SECRET', () => {
    // Prepare
    delete process.env.MEDIA_KEY_SECRET;
    const mod = freshModule();

    // Act + Assess
    expect(() => mod.signMediaKey(userId, 'image/png')).toThrow('MEDIA_KEY_SECRET');
  });
});

describe('verifyMediaKey', () => {
  it('accepts a key issued to the caller', () => {
    // Prepare
    const key = signMediaKey(userId, 'image/webp');

    // Act + Assess
    expect(verifyMediaKey(key, userId)).toBe(true);
  });

  it('refuses a key issued to another user', () => {
    // Prepare
    const key = signMediaKey(otherUserId, 'image/webp');

    // Act + Assess
    expect(verifyMediaKey(key, userId)).toBe(false);
  });

  it('refuses a key whose owner segment was rewritten to the caller', () => {
    // Prepare
    const key = signMediaKey(otherUserId, 'image/jpeg').replace(otherUserId, userId);

    // Act + Assess
    expect(verifyMediaKey(key, userId)).toBe(false);
  });

  it('refuses an altered signature, uuid or extension', () => {
    // Prepare
    const key = signMediaKey(userId, 'image/jpeg');
    const parsed = parseMediaKey(key);
    if (!parsed) throw new Error('not a media key');
    const otherUuid = parsed.uuid.replace(/^./, parsed.uuid.startsWith('0') ? '1' : '0');

    // Act + Assess
    expect(verifyMediaKey(withAlteredSignature(key), userId)).toBe(false);
    expect(verifyMediaKey(key.replace(parsed.uuid, otherUuid), userId)).toBe(false);
    expect(verifyMediaKey(key.replace(/\.jpg$/, '.png'), userId)).toBe(false);
  });

  it('refuses keys signed with another secret', () => {
    // Prepare
    const key = signMediaKey(userId, 'image/png');
    process.env.MEDIA_KEY_SECRET = 'another-secret';
    const mod = freshModule();

    // Act + Assess
    expect(mod.verifyMediaKey(key, userId)).toBe(false);
    expect(mod.verifyMediaKey(mod.signMediaKey(userId, 'image/png'), userId)).toBe(true);
  });

  it.each([
    '',
    'uploads/',
    `uploads/${userId}/not-a-uuid-AAAAAAAAAAAAAAAA.jpg`,
    `uploads/${userId}/0f6c3b0e-6d1a-4a3e-9d44-3c8f0f1e2a77.jpg`,
    `uploads/${userId}/0f6c3b0e-6d1a-4a3e-9d44-3c8f0f1e2a77-AAAAAAAAAAAAAAA.jpg`,
    `uploads/${userId}/0f6c3b0e-6d1a-4a3e-9d44-3c8f0f1e2a77-AAAAAAAAAAAAAAAA.gif`,
    `thumbs/${userId}/0f6c3b0e-6d1a-4a3e-9d44-3c8f0f1e2a77-AAAAAAAAAAAAAAAA.jpg`,
    `uploads/${userId}/../0f6c3b0e-6d1a-4a3e-9d44-3c8f0f1e2a77-AAAAAAAAAAAAAAAA.jpg`,
  ])('refuses the malformed key %j', (key) => {
    // Act + Assess
    expect(verifyMediaKey(key, userId)).toBe(false);
  });
});

describe('parseMediaKey', () => {
  it('splits a key into its parts', () => {
    // Prepare
    const key = signMediaKey(userId, 'image/png');

    // Act
    const parsed = parseMediaKey(key);

    // Assess
    expect(parsed).toEqual({
      key,
      userId,
      uuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
      signature: expect.stringMatching(/^[A-Za-z0-9_-]{16}$/),
      extension: 'png',
      contentType: 'image/png',
    });
  });

  it('gives undefined for anything else', () => {
    // Act + Assess
    expect(parseMediaKey('uploads/u1/x.jpg')).toBeUndefined();
  });
});
