// Sharing a note the caller owns: find a user by e-mail (GET /users?email=, contract v2: rate limited), then the
// note's `sharedWith` and `visibility` change through PATCH /notes/{id} (the notes source). UI-free.
import { isApiError } from '@photonotes/client';
import type { Client, Schemas } from '@photonotes/client';
import { describeError } from './errors';

export type UserMatch = Schemas['UserMatch'];

export type Lookup = { ok: true; user: UserMatch } | { ok: false; message: string };

/** A look-up's failure in words: a 404 and a 429 are ordinary answers here, never a raw error. */
export function lookupFailureText(error: unknown): string {
  if (isApiError(error)) {
    if (error.status === 404) return 'No user with that e-mail.';
    if (error.status === 429) {
      return error.retryAfter === undefined ? 'Too many lookups, try again later.' : `Too many lookups, try again in ${error.retryAfter} s.`;
    }
    if (error.status === 400) return 'That is not an e-mail address.';
  }
  return describeError(error);
}

/** The user an address belongs to, or why there is none to share with. */
export async function findUserByEmail(api: Pick<Client, 'get'>, email: string): Promise<Lookup> {
  const address = email.trim();
  if (!/^[^\s@]+@[^\s@]+$/.test(address)) return { ok: false, message: 'Enter an e-mail address.' };
  try {
    return { ok: true, user: await api.get('/users', { query: { email: address } }) };
  } catch (error) {
    return { ok: false, message: lookupFailureText(error) };
  }
}

/** `sharedWith` with `userId` added (once; never the owner), or null when there is nothing to change. */
export function withShare(sharedWith: readonly string[], userId: string, ownerId: string): string[] | null {
  if (userId === ownerId) return null;
  if (sharedWith.includes(userId)) return null;
  return [...sharedWith, userId];
}

export function withoutShare(sharedWith: readonly string[], userId: string): string[] {
  return sharedWith.filter((id) => id !== userId);
}

/**
 * Display names of user ids (GET /users/{userId}), each asked once and kept; an id that cannot be read shows
 * as itself. `names(ids)` answers what is known now and `load(ids)` fetches the rest.
 */
export function userNames(api: Pick<Client, 'get'>) {
  const known = new Map<string, string>();
  const asked = new Map<string, Promise<void>>();
  return {
    remember(user: UserMatch): void {
      known.set(user.userId, user.displayName);
    },
    name(id: string): string {
      return known.get(id) ?? id;
    },
    async load(ids: readonly string[]): Promise<void> {
      await Promise.all(
        ids
          .filter((id) => !known.has(id))
          .map((id) => {
            let pending = asked.get(id);
            if (!pending) {
              pending = api
                .get('/users/{userId}', { params: { userId: id } })
                .then((profile) => void known.set(id, profile.displayName))
                .catch(() => undefined)
                .finally(() => asked.delete(id));
              asked.set(id, pending);
            }
            return pending;
          }),
      );
    },
  };
}
