import { useEffect, useRef, useState } from 'preact/hooks';
import type { Note } from '@photonotes/client';
import { ErrorLine, ScreenTitle } from '../components';
import { describeError } from '../errors';
import { mergedFeed, type NotesSource } from '../notes-source';

/** Own notes and notes shared with me, newest first; more load as the end of the list scrolls into view. */
export function NotesList(props: { source: NotesSource; ownerId: string | null; onOpen: (note: Note) => void; onNew: () => void }) {
  const feed = useRef(mergedFeed(props.source)).current;
  const [notes, setNotes] = useState<Note[]>([]);
  const [loading, setLoading] = useState(false);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const sentinel = useRef<HTMLDivElement>(null);
  const busy = useRef(false);

  async function loadMore() {
    if (busy.current || feed.done) return;
    busy.current = true;
    setLoading(true);
    setError(null);
    try {
      const more = await feed.next();
      setNotes((shown) => [...shown, ...more]);
      setDone(feed.done);
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      busy.current = false;
      setLoading(false);
    }
  }

  useEffect(() => {
    void loadMore();
    const target = sentinel.current;
    if (!target || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) void loadMore();
    });
    observer.observe(target);
    return () => observer.disconnect();
  }, []);

  return (
    <main>
      <ScreenTitle>Notes</ScreenTitle>
      <button type="button" onClick={props.onNew}>
        New note
      </button>
      <ul class="notes" aria-busy={loading}>
        {notes.map((note) => (
          <li key={note.id}>
            <button type="button" class="note" onClick={() => props.onOpen(note)}>
              <strong>{note.title}</strong>
              {note.ownerId !== props.ownerId ? <span class="badge">shared with you</span> : null}
              {note.tags.length > 0 ? <span class="tags">{note.tags.map((tag) => `#${tag}`).join(' ')}</span> : null}
              <time dateTime={note.createdAt}>{new Date(note.createdAt).toLocaleString()}</time>
            </button>
          </li>
        ))}
      </ul>
      <ErrorLine message={error} />
      <div ref={sentinel} aria-hidden="true" />
      {loading ? <p role="status">Loading…</p> : null}
      {!loading && done && notes.length === 0 ? <p>No notes yet.</p> : null}
      {!loading && !done ? (
        <button type="button" onClick={() => void loadMore()}>
          Load more
        </button>
      ) : null}
    </main>
  );
}
