// Who did something, pseudonymously. A signed-in user's actor is an HMAC of their id under a random key of their
// own (kept in the actor keys table): deleting the key on user.deleted leaves their events and counts in place,
// but nothing can tie that actor to them again. Without a known user the install is the actor ("i_" + its id):
// installs are pseudonymous by nature (a random id per app install).
import { createHmac, randomBytes } from 'node:crypto';

export const actorKeyBytes = 32;

export function newActorKey(): Uint8Array {
  return randomBytes(actorKeyBytes);
}

/** 128 bits of HMAC-SHA256, base64url: unique enough, and short in every row and sketch. */
export function userActor(userId: string, key: Uint8Array): string {
  return `u_${createHmac('sha256', key).update(userId).digest('base64url').slice(0, 22)}`;
}

export function installActor(installId: string): string {
  return `i_${installId.toLowerCase()}`;
}
