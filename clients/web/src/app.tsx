// The app shell: which screen shows, and the session every screen shares.
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Note } from '@photonotes/client';
import { apiNotesSource } from './notes-source';
import { openOfflineNotes, type OfflineNotes } from './offline-notes';
import { apiBaseUrl, openSession } from './session-store';
import { NoteEditor } from './screens/NoteEditor';
import { NotesList } from './screens/NotesList';
import { Conflicts, FailedChanges, SyncStatus } from './screens/SyncPanel';
import { SignIn } from './screens/SignIn';
import { SignUp } from './screens/SignUp';

type View = { name: 'sign-in' } | { name: 'sign-up' } | { name: 'notes' } | { name: 'note'; note: Note | null };

/** The user id inside an access token (its `sub`), to tell own notes from shared ones. */
function subjectOf(token: string | undefined): string | null {
  try {
    const payload = JSON.parse(atob((token?.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/'))) as { sub?: unknown };
    return typeof payload.sub === 'string' ? payload.sub : null;
  } catch {
    return null;
  }
}

export function App() {
  const [view, setView] = useState<View>({ name: 'sign-in' });
  const session = useMemo(() => openSession(() => setView({ name: 'sign-in' })), []);
  const signedIn = session.tokens !== undefined;
  const current: View = !signedIn && (view.name === 'notes' || view.name === 'note') ? { name: 'sign-in' } : signedIn && (view.name === 'sign-in' || view.name === 'sign-up') ? { name: 'notes' } : view;
  const userId = subjectOf(session.tokens?.accessToken);

  // The signed-in user's offline notes (store, engine, realtime channel), opened after sign-in and shut when the
  // user changes or the session ends. A session that ended on its own (a refused refresh) keeps the store: the
  // same user signing in again finds their queued changes; an explicit sign-out clears it (signOut below).
  const [offline, setOffline] = useState<OfflineNotes | null>(null);
  const [offlineUnavailable, setOfflineUnavailable] = useState(typeof indexedDB === 'undefined');
  useEffect(() => {
    if (!userId || offlineUnavailable) return;
    let opened: OfflineNotes | undefined;
    let cancelled = false;
    openOfflineNotes({ session, userId, baseUrl: apiBaseUrl() })
      .then((notes) => {
        if (cancelled) void notes.shut();
        else {
          opened = notes;
          setOffline(notes);
        }
      })
      .catch(() => setOfflineUnavailable(true)); // IndexedDB refused (some private windows): the screens go straight to the API.
    return () => {
      cancelled = true;
      void opened?.shut();
      setOffline(null);
    };
  }, [session, userId, offlineUnavailable]);
  const apiSource = useMemo(() => apiNotesSource(session.api), [session]);
  const source = offline?.source ?? apiSource;
  const opening = offline === null && !offlineUnavailable;

  async function signOut() {
    await offline?.shut({ clear: true }).catch(() => undefined);
    await session.logOut().catch(() => undefined);
    setView({ name: 'sign-in' });
  }

  return (
    <>
      <header>
        <span class="brand">PhotoNotes</span>
        {signedIn ? (
          <button type="button" class="secondary" onClick={() => void signOut()}>
            Sign out
          </button>
        ) : null}
      </header>
      {current.name === 'sign-in' ? <SignIn session={session} onSignedIn={() => setView({ name: 'notes' })} onSignUp={() => setView({ name: 'sign-up' })} /> : null}
      {current.name === 'sign-up' ? <SignUp session={session} onSignedIn={() => setView({ name: 'notes' })} onSignIn={() => setView({ name: 'sign-in' })} /> : null}
      {(current.name === 'notes' || current.name === 'note') && opening ? (
        <main>
          <p role="status">Opening your notes…</p>
        </main>
      ) : null}
      {current.name === 'notes' && !opening ? (
        <NotesList source={source} ownerId={userId} onOpen={(note) => setView({ name: 'note', note })} onNew={() => setView({ name: 'note', note: null })}>
          {offline ? (
            <>
              <SyncStatus engine={offline.engine} />
              <Conflicts engine={offline.engine} />
              <FailedChanges engine={offline.engine} />
            </>
          ) : null}
        </NotesList>
      ) : null}
      {current.name === 'note' && !opening ? <NoteEditor source={source} note={current.note} readOnly={current.note !== null && current.note.ownerId !== userId} onDone={() => setView({ name: 'notes' })} /> : null}
    </>
  );
}
