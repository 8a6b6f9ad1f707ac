// The signed-in session of the app: @photonotes/client's session, its tokens kept in localStorage so a reload
// stays signed in. One per page.
import { createSession } from '@photonotes/client';
import type { Session, SessionTokens } from '@photonotes/client';

const storageKey = 'photonotes.session';

export function apiBaseUrl(): string {
  return __API_BASE_URL__ || window.location.origin;
}

function readTokens(storage: Storage): SessionTokens | undefined {
  try {
    const value = JSON.parse(storage.getItem(storageKey) ?? 'null') as Partial<SessionTokens> | null;
    if (value && typeof value.accessToken === 'string' && typeof value.idToken === 'string' && typeof value.refreshToken === 'string') {
      return { accessToken: value.accessToken, idToken: value.idToken, refreshToken: value.refreshToken };
    }
  } catch {
    // A damaged entry is a signed-out app.
  }
  return undefined;
}

/** The session; `onSignedOut` runs when it ends (sign-out, or a refresh the server refused). */
export function openSession(onSignedOut: () => void, storage: Storage = window.localStorage): Session {
  return createSession({
    baseUrl: apiBaseUrl(),
    initial: readTokens(storage),
    onChange: (tokens) => {
      if (tokens) storage.setItem(storageKey, JSON.stringify(tokens));
      else {
        storage.removeItem(storageKey);
        onSignedOut();
      }
    },
  });
}
