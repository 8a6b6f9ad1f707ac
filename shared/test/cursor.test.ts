import { createHmac } from 'node:crypto';
import { decodeCursor, encodeCursor } from '../src/cursor';
import type * as CursorModule from '../src/cursor';
import { ValidationError } from '../src/errors';

const secret = 'test-secret-0123456789';
const saved = { ...process.env };

beforeEach(() => {
  // Read once, at the first encode/decode of the module instance.
  process.env.CURSOR_SECRET = secret;
});

afterEach(() => {
  process.env = { ...saved };
});

/** A fresh copy of the module, which reads CURSOR_SECRET again. */
function freshCursorModule(): typeof CursorModule {
  let mod: typeof CursorModule | undefined;
  jest.isolateModules(() => {
    mod = jest.requireActual<typeof CursorModule>('../src/cursor');
  });
  if (!mod) throw new Error('module not loaded');
  return mod;
}

const key = { pk: 'USER#u1', sk: 'NOTE#2026-11-28T09:00:00.000Z#n1' };

function expectInvalid(run: () => unknown, sameModule = true): void {
  let thrown: unknown;
  try {
    run();
  } catch (err) {
    thrown = err;
  }
  // An isolated module copy has its own ValidationError class, so only the same copy can use instanceof.
  if (sameModule) expect(thrown).toBeInstanceOf(ValidationError);
  expect(thrown).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', message: 'Invalid cursor' });
}

describe('cursors', () => {
  test('round-trip the key within the same scope', () => {
    // Prepare
    const cursor = encodeCursor(key, 'notes:own:u1');

    // Act
    const decoded = decodeCursor(cursor, 'notes:own:u1');

    // Assess
    expect(decoded).toEqual(key);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  test("a cursor from another user's list is rejected", () => {
    // Prepare
    const cursor = encodeCursor(key, 'notes:own:u1');

    // Act + Assess
    expectInvalid(() => decodeCursor(cursor, 'notes:own:u2'));
  });

  test('an altered payload is rejected', () => {
    // Prepare
    const [, mac] = encodeCursor(key, 'notes:own:u1').split('.');
    const forged = Buffer.from(JSON.stringify({ pk: 'USER#u2', sk: key.sk })).toString('base64url');

    // Act + Assess
    expectInvalid(() => decodeCursor(`${forged}.${mac}`, 'notes:own:u1'));
  });

  test('an altered signature is rejected, including stray characters the base64 decoder would skip', () => {
    // Prepare
    const cursor = encodeCursor(key, 'notes:own:u1');
    const last = cursor.at(-1) === 'A' ? 'B' : 'A';

    // Act + Assess
    expectInvalid(() => decodeCursor(cursor.slice(0, -1) + last, 'notes:own:u1'));
    expectInvalid(() => decodeCursor(`${cursor}!`, 'notes:own:u1'));
    expectInvalid(() => decodeCursor(`${cursor}=`, 'notes:own:u1'));
  });

  test('a cursor signed with another secret is rejected', () => {
    // Prepare
    const cursor = encodeCursor(key, 'notes:own:u1');
    process.env.CURSOR_SECRET = 'another-secret-9876543210';
    const other = freshCursorModule();

    // Act + Assess
    expectInvalid(() => other.decodeCursor(cursor, 'notes:own:u1'), false);
  });

  test.each([[''], ['.'], ['abc'], ['a.b.c'], ['not base64!.x'], ['%%%.%%%']])('garbage %p is rejected', (cursor) => {
    // Act + Assess
    expectInvalid(() => decodeCursor(cursor, 'notes:own:u1'));
  });

  test('a validly signed payload that is not an object is rejected', () => {
    // Prepare: an array signed with the real secret
    const payload = Buffer.from('["USER#u1"]').toString('base64url');
    const mac = createHmac('sha256', secret).update(`${payload}.notes:own:u1`).digest('base64url');

    // Act + Assess
    expectInvalid(() => decodeCursor(`${payload}.${mac}`, 'notes:own:u1'));
  });

  test('without CURSOR_SECRET the first use throws a clear error', () => {
    // Prepare
    delete process.env.CURSOR_SECRET;
    const unconfigured = freshCursorModule();

    // Act
    const encode = () => unconfigured.encodeCursor(key, 'notes:own:u1');

    // Assess
    expect(encode).toThrow('Missing required environment variable CURSOR_SECRET');
  });
});
