// Opaque pagination cursors: the DynamoDB key is signed with a scope (user + list), so a cursor cannot be
// forged, altered, or replayed against another user's list.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { requireEnv } from './env';
import { ValidationError } from './errors';

let secret: string | undefined;

// Read at first use rather than import, so modules that never paginate need no CURSOR_SECRET.
function cursorSecret(): string {
  return (secret ??= requireEnv('CURSOR_SECRET'));
}

function sign(payload: string, scope: string): string {
  // The '.' cannot occur in base64url, so payload and scope cannot be re-split to collide.
  return createHmac('sha256', cursorSecret()).update(`${payload}.${scope}`).digest('base64url');
}

export function encodeCursor(key: Record<string, unknown>, scope: string): string {
  const payload = Buffer.from(JSON.stringify(key)).toString('base64url');
  return `${payload}.${sign(payload, scope)}`;
}

function invalidCursor(): ValidationError {
  return new ValidationError('Invalid cursor', [
    { location: 'query', path: 'cursor', message: 'Invalid cursor', code: 'invalid_cursor' },
  ]);
}

export function decodeCursor(cursor: string, scope: string): Record<string, unknown> {
  const [payload, mac, extra] = cursor.split('.');
  if (!payload || !mac || extra !== undefined) throw invalidCursor();
  // Compare the text, not decoded bytes: Node's base64url decoder skips stray characters.
  const expected = Buffer.from(sign(payload, scope));
  const actual = Buffer.from(mac);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) throw invalidCursor();
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (typeof key !== 'object' || key === null || Array.isArray(key)) throw invalidCursor();
  return key as Record<string, unknown>;
}
