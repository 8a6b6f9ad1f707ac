// The app shell: which screen shows, and the session every screen shares.
import { useMemo, useState } from 'preact/hooks';
import type { Note } from '@photonotes/client';
import { apiNotesSource } from './notes-source';
import { openSession } from './session-store';
import { NoteEditor } from './screens/NoteEditor';
import { NotesList } from './screens/NotesList';
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
  const source = useMemo(() => apiNotesSource(session.api), [session]);
  const signedIn = session.tokens !== undefined;
  const current: View = !signedIn && (view.name === 'notes' || view.name === 'note') ? { name: 'sign-in' } : signedIn && (view.name === 'sign-in' || view.name === 'sign-up') ? { name: 'notes' } : view;
  const userId = subjectOf(session.tokens?.accessToken);

  async function signOut() {
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
      {current.name === 'notes' ? <NotesList source={source} ownerId={userId} onOpen={(note) => setView({ name: 'note', note })} onNew={() => setView({ name: 'note', note: null })} /> : null}
      {current.name === 'note' ? <NoteEditor source={source} note={current.note} readOnly={current.note !== null && current.note.ownerId !== userId} onDone={() => setView({ name: 'notes' })} /> : null}
    </>
  );
}
