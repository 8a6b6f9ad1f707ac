// The app shell: which screen shows, and the session every screen shares.
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Note } from '@photonotes/client';
import { claimsOf } from './claims';
import { ErrorLine } from './components';
import { describeError } from './errors';
import { apiNotesSource } from './notes-source';
import { openOfflineNotes, unsentWarning, type OfflineNotes } from './offline-notes';
import { apiBaseUrl, openSession } from './session-store';
import { NoteEditor } from './screens/NoteEditor';
import { createInbox, unreadCount } from './inbox';
import { Lazy } from './lazy';
import { createRealtimeHub } from './realtime-hub';
import { Inbox, useInbox } from './screens/Inbox';
import { NotesList } from './screens/NotesList';
import { Search } from './screens/Search';
import { Things } from './screens/Things';
import { Conflicts, FailedChanges, SyncStatus } from './screens/SyncPanel';
import { SignIn } from './screens/SignIn';
import { SignUp } from './screens/SignUp';
import { href, navigate, useRoute, type Route } from './router';

const publicRoutes: ReadonlySet<Route['name']> = new Set(['sign-in', 'sign-up']);

/** The screens a signed-in user moves between; `admin` only for the `admins` group. */
const navigation: { route: Route; label: string; adminOnly?: boolean }[] = [
  { route: { name: 'notes' }, label: 'Notes' },
  { route: { name: 'search' }, label: 'Search' },
  { route: { name: 'inbox' }, label: 'Inbox' },
  { route: { name: 'things' }, label: 'Things' },
  { route: { name: 'admin' }, label: 'Admin', adminOnly: true },
];

const loadThing = () => import('./screens/Thing');
const loadAdmin = () => import('./screens/Admin');

function navItems(isAdmin: boolean): { route: Route; label: string }[] {
  return navigation.filter((item) => isAdmin || !item.adminOnly);
}

/** The nav's unread count, in words for everyone: the link reads "Inbox, 2 unread". */
function UnreadCount(props: { unread: number }) {
  return (
    <span class="unread-count">
      , <strong>{props.unread}</strong> unread
    </span>
  );
}

/** Asks before a sign-out would delete unsent changes; focus starts on the safe choice. */
function SignOutWarning(props: { message: string; onSignOut: () => void; onStay: () => void }) {
  const stay = useRef<HTMLButtonElement>(null);
  useLayoutEffect(() => stay.current?.focus(), []); // as it mounts, like ScreenTitle
  return (
    <section class="sign-out-warning" role="alertdialog" aria-labelledby="sign-out-title" aria-describedby="sign-out-text">
      <h2 id="sign-out-title">Sign out with unsent changes?</h2>
      <p id="sign-out-text">{props.message}</p>
      <div class="actions">
        <button type="button" ref={stay} onClick={props.onStay}>
          Stay signed in
        </button>
        <button type="button" class="secondary" onClick={props.onSignOut}>
          Sign out anyway
        </button>
      </div>
    </section>
  );
}

export function App() {
  const route = useRoute();
  const [, setSignedOutAt] = useState(0);
  const session = useMemo(
    () =>
      openSession(() => {
        setSignedOutAt(Date.now());
        navigate({ name: 'sign-in' }, { replace: true });
      }),
    [],
  );
  const signedIn = session.tokens !== undefined;
  const current: Route = !signedIn && !publicRoutes.has(route.name) ? { name: 'sign-in' } : signedIn && publicRoutes.has(route.name) ? { name: 'notes' } : route;
  const claims = claimsOf(session.tokens?.accessToken);
  const userId = claims?.userId ?? null;
  const isAdmin = claims?.groups.includes('admins') ?? false;

  // The signed-in user's offline notes (store, engine, realtime channel), opened after sign-in and shut when the
  // user changes or the session ends. A session that ended on its own (a refused refresh) keeps the store: the
  // same user signing in again finds their queued changes; an explicit sign-out clears it (signOut below).
  const [offline, setOffline] = useState<OfflineNotes | null>(null);
  // The page's one realtime channel is the offline layer's; screens listen to it through the hub.
  const hub = useMemo(() => createRealtimeHub(), []);
  const [offlineUnavailable, setOfflineUnavailable] = useState(typeof indexedDB === 'undefined');
  useEffect(() => {
    if (!userId || offlineUnavailable) return;
    let opened: OfflineNotes | undefined;
    let cancelled = false;
    openOfflineNotes({ session, userId, baseUrl: apiBaseUrl(), hub })
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
  }, [session, userId, offlineUnavailable, hub]);

  // The inbox: its unread count is in the nav, its items arrive live.
  const inbox = useMemo(() => createInbox(session.api), [session, userId]);
  const inboxState = useInbox(inbox);
  useEffect(() => {
    if (!userId) return;
    void inbox.refresh();
    const stopResync = hub.onResync(() => void inbox.refresh({ fresh: true }));
    const stopListening = hub.listen((message) => {
      if (message.type === 'notification') inbox.arrived(message.notification);
    });
    return () => {
      stopResync();
      stopListening();
    };
  }, [inbox, hub, userId]);
  const unread = unreadCount(inboxState.items);
  const apiSource = useMemo(() => apiNotesSource(session.api), [session]);
  const source = offline?.source ?? apiSource;
  const opening = offline === null && !offlineUnavailable;

  // The note the editor shows: the one the list opened, else (a reload, a link) read from the API.
  const opened = useRef<Note | null>(null);
  const [loadedNote, setLoadedNote] = useState<{ id: string; note: Note | null; error: string | null } | null>(null);
  const noteId = current.name === 'note' ? current.id : null;
  const editorNote = noteId === null ? null : opened.current?.id === noteId ? opened.current : loadedNote?.id === noteId && loadedNote.note ? loadedNote.note : undefined;
  useEffect(() => {
    if (noteId === null || opened.current?.id === noteId || !signedIn) return;
    let cancelled = false;
    setLoadedNote(null);
    session.api
      .get('/notes/{id}', { params: { id: noteId } })
      .then((note) => !cancelled && setLoadedNote({ id: noteId, note, error: null }))
      .catch((failure: unknown) => !cancelled && setLoadedNote({ id: noteId, note: null, error: describeError(failure) }));
    return () => {
      cancelled = true;
    };
  }, [noteId, session, signedIn]);

  function openNote(note: Note | null) {
    opened.current = note;
    navigate({ name: 'note', id: note?.id ?? null });
  }

  // Signing out clears this browser's offline store: with changes the server does not have yet, ask first.
  const [signOutWarning, setSignOutWarning] = useState<string | null>(null);
  async function signOut(anyway = false) {
    if (!anyway && offline) {
      const warning = unsentWarning(await offline.engine.outbox().catch(() => []));
      if (warning) {
        setSignOutWarning(warning);
        return;
      }
    }
    setSignOutWarning(null);
    await offline?.shut({ clear: true }).catch(() => undefined);
    await session.logOut().catch(() => undefined);
    navigate({ name: 'sign-in' }, { replace: true });
  }

  return (
    <>
      <header>
        <span class="brand">PhotoNotes</span>
        {signedIn ? (
          <nav aria-label="Main">
            <ul>
              {navItems(isAdmin).map((item) => (
                <li key={item.label}>
                  <a href={href(item.route)} aria-current={item.route.name === current.name || (item.route.name === 'notes' && current.name === 'note') || (item.route.name === 'things' && current.name === 'thing') ? 'page' : undefined}>
                    {item.label}
                    {item.route.name === 'inbox' && unread > 0 ? <UnreadCount unread={unread} /> : null}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        ) : null}
        {signedIn ? (
          <button type="button" class="secondary" onClick={() => void signOut()}>
            Sign out
          </button>
        ) : null}
      </header>
      {signOutWarning && signedIn ? <SignOutWarning message={signOutWarning} onSignOut={() => void signOut(true)} onStay={() => setSignOutWarning(null)} /> : null}
      {current.name === 'sign-in' ? <SignIn session={session} onSignedIn={() => navigate({ name: 'notes' })} onSignUp={() => navigate({ name: 'sign-up' })} /> : null}
      {current.name === 'sign-up' ? <SignUp session={session} onSignedIn={() => navigate({ name: 'notes' })} onSignIn={() => navigate({ name: 'sign-in' })} /> : null}
      {(current.name === 'notes' || current.name === 'note') && opening ? (
        <main>
          <p role="status">Opening your notes…</p>
        </main>
      ) : null}
      {current.name === 'notes' && !opening ? (
        <NotesList source={source} ownerId={userId} onOpen={openNote} onNew={() => openNote(null)}>
          {offline ? (
            <>
              <SyncStatus engine={offline.engine} />
              <Conflicts engine={offline.engine} />
              <FailedChanges engine={offline.engine} />
            </>
          ) : null}
        </NotesList>
      ) : null}
      {current.name === 'note' && !opening && editorNote !== undefined ? (
        <NoteEditor key={noteId ?? 'new'} source={source} api={session.api} note={editorNote} readOnly={editorNote !== null && editorNote.ownerId !== userId} onDone={() => navigate({ name: 'notes' })} />
      ) : null}
      {current.name === 'search' ? (
        <Search
          api={session.api}
          onOpen={(id) => {
            opened.current = null; // read afresh: the result may be newer than a note opened from the list
            navigate({ name: 'note', id });
          }}
        />
      ) : null}
      {current.name === 'inbox' ? <Inbox inbox={inbox} /> : null}
      {current.name === 'things' ? <Things api={session.api} hub={hub} /> : null}
      {current.name === 'thing' ? (
        <Lazy load={loadThing} what="thing">
          {(screen) => <screen.ThingScreen key={current.id} api={session.api} hub={hub} thingId={current.id} />}
        </Lazy>
      ) : null}
      {current.name === 'admin' ? (
        <Lazy load={loadAdmin} what="admin">
          {(screen) => <screen.Admin api={session.api} isAdmin={isAdmin} />}
        </Lazy>
      ) : null}
      {current.name === 'note' && !opening && editorNote === undefined ? (
        <main>
          {loadedNote?.error ? <ErrorLine message={loadedNote.error} /> : <p role="status">Opening the note…</p>}
          <a href={href({ name: 'notes' })}>Back to notes</a>
        </main>
      ) : null}
    </>
  );
}
