// Signed upload keys, shared by thumbnails (which issues them) and core-api (which accepts them as photoKey):
// a key proves it was issued to one user without anyone reading the media table, and without racing the upload.
// Format: `uploads/<userId>/<uuid>-<sig16>.<ext>`, sig16 = the first 16 base64url characters of
// HMAC-SHA256(MEDIA_KEY_SECRET, `uploads/<userId>/<uuid>.<ext>`).
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { requireEnv } from './env';

/** The upload content types and the extension each key carries. */
export const mediaKeyExtensions = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
} as const;

export type MediaContentType = keyof typeof mediaKeyExtensions;
export type MediaKeyExtension = (typeof mediaKeyExtensions)[MediaContentType];

export interface ParsedMediaKey {
  key: string;
  userId: string;
  uuid: string;
  signature: string;
  extension: MediaKeyExtension;
  contentType: MediaContentType;
}

const SIGNATURE_LENGTH = 16;
// User ids are Cognito subs; the character class only keeps '/' and other path tricks out of the key.
const keyPattern = /^uploads\/([A-Za-z0-9_-]{1,128})\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-([A-Za-z0-9_-]{16})\.(jpg|png|webp)$/;
const userIdPattern = /^[A-Za-z0-9_-]{1,128}$/;

const contentTypeByExtension = Object.fromEntries(
  Object.entries(mediaKeyExtensions).map(([type, ext]) => [ext, type]),
) as Record<MediaKeyExtension, MediaContentType>;

let secret: string | undefined;

// Read at first use rather than at import, so importing the module for its types needs no secret.
function mediaKeySecret(): string {
  return (secret ??= requireEnv('MEDIA_KEY_SECRET'));
}

function signature(userId: string, uuid: string, extension: string): string {
  return createHmac('sha256', mediaKeySecret())
    .update(`uploads/${userId}/${uuid}.${extension}`)
    .digest('base64url')
    .slice(0, SIGNATURE_LENGTH);
}

export function isMediaContentType(value: string): value is MediaContentType {
  return Object.hasOwn(mediaKeyExtensions, value);
}

/** Issues a new key for an upload by `userId`. Throws on a user id or content type no key can carry. */
export function signMediaKey(userId: string, contentType: string): string {
  if (!userIdPattern.test(userId)) throw new Error('User id cannot be part of a media key');
  if (!isMediaContentType(contentType)) throw new Error(`Unsupported media content type ${contentType}`);
  const extension = mediaKeyExtensions[contentType];
  const uuid = randomUUID();
  return `uploads/${userId}/${uuid}-${signature(userId, uuid, extension)}.${extension}`;
}

/** Splits a key of the right shape into its parts; says nothing about its signature. */
export function parseMediaKey(key: string): ParsedMediaKey | undefined {
  const match = keyPattern.exec(key);
  if (!match) return undefined;
  const [, userId, uuid, sig, ext] = match as unknown as [string, string, string, string, MediaKeyExtension];
  return { key, userId, uuid, signature: sig, extension: ext, contentType: contentTypeByExtension[ext] };
}

/** True when `key` was issued by signMediaKey to `userId` (and by no one else). */
export function verifyMediaKey(key: string, userId: string): boolean {
  const parsed = parseMediaKey(key);
  if (!parsed || parsed.userId !== userId) return false;
  const expected = Buffer.from(signature(parsed.userId, parsed.uuid, parsed.extension));
  const actual = Buffer.from(parsed.signature);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
