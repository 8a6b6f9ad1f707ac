import { useEffect, useRef, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import type { Note } from '@photonotes/client';
import { ErrorLine, ScreenTitle } from '../components';
import { describeError } from '../errors';
import { mergedFeed, type ListedNote, type LocalState, type NotesSource } from '../notes-source';

/** A note's local state in words (never colour alone); nothing for a note the server has as shown. */
export const localStateText: Record<LocalState, string | null> = {
  synced: null,
  pending: 'waiting to sync',
  failed: 'not saved: the server refused this change',
  conflict: 'conflict: changed elsewhere, choose a version',
};

/**
 * Own notes and notes shared with me, newest first; more load as the end of the list scrolls into view. A
 * source that can `watch` is read again whenever it changes (a note synced, edited on another device…).
 */
export function NotesList(props: { source: NotesSource; ownerId: string | null; onOpen: (note: Note) => void; onNew: () => void; children?: ComponentChildren }) {
  const feedRef = useRef(mergedFeed(props.source));
  const [notes, setNotes] = useState<ListedNote[]>([]);
  const shown = useRef(0);
  const reloads = useRef(0);
  const [loading, setLoading] = useState(false);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const sentinel = useRef<HTMLDivElement>(null);
  const busy = useRef(false);

  async function loadMore() {
    const feed = feedRef.current;
    if (busy.current || feed.done) return;
    busy.current = true;
    setLoading(true);
    setError(null);
    try {
      const more = await feed.next();
      if (feed !== feedRef.current) return;
      setNotes((previous) => {
        const next = [...previous, ...more];
        shown.current = next.length;
        return next;
      });
      setDone(feed.done);
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      busy.current = false;
      setLoading(false);
    }
  }

  /** Reads the list again from the top, as many notes as are shown (at least a page). */
  async function reload() {
    const run = (reloads.current += 1);
    const feed = mergedFeed(props.source, Math.max(shown.current, 20));
    try {
      const items = await feed.next();
      if (run !== reloads.current) return;
      feedRef.current = feed;
      shown.current = items.length;
      setNotes(items);
      setDone(feed.done);
      setError(null);
    } catch (failure) {
      if (run === reloads.current) setError(describeError(failure));
    }
  }

  useEffect(() => props.source.watch?.(() => void reload()), [props.source]);

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
      {props.children}
      <button type="button" onClick={props.onNew}>
        New note
      </button>
      <ul class="notes" aria-busy={loading}>
        {notes.map((note) => (
          <li key={note.id}>
            <button type="button" class="note" onClick={() => props.onOpen(note)}>
              {note.photo?.status === 'ready' && note.photo.thumbnails ? (
                <img class="thumb" src={note.photo.thumbnails.small.url} width={note.photo.thumbnails.small.width} height={note.photo.thumbnails.small.height} alt={`Photo of ${note.title}`} loading="lazy" />
              ) : null}
              <strong>{note.title}</strong>
              {note.ownerId !== props.ownerId ? <span class="badge">shared with you</span> : null}
              {note.local && localStateText[note.local] ? <span class={`badge local local-${note.local}`}>{localStateText[note.local]}</span> : null}
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
