// Name-based UUIDs: the same name always gives the same id, so a replayed or re-run producer writes the same
// record again instead of a new one.
import { createHash } from 'node:crypto';

/** A name-based UUID (SHA-256, version bits 8: RFC 9562's custom version, RFC variant bits). */
export function nameUuid(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  const variant = ((parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
