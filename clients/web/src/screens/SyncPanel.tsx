// The offline layer's state on the notes screen: a status line (online or offline, changes waiting) and the
// conflicts a 412 left, each with both versions and a choice.
import { useEffect, useState } from 'preact/hooks';
import type { OutboxItem, SyncEngine } from '../offline';
import { statusText } from '../offline-notes';
import type { Note } from '@photonotes/client';
import { ErrorLine } from '../components';
import { describeError } from '../errors';

type Engine = Pick<SyncEngine, 'status' | 'conflicts' | 'resolveConflict' | 'onChange'>;
type OutboxEngine = Pick<SyncEngine, 'outbox' | 'getNote' | 'retry' | 'discard' | 'onChange'>;

/** What `read` answers from the engine, read again whenever the engine changes (stale answers dropped). */
function useEngineRead<E extends Pick<SyncEngine, 'onChange'>, T>(engine: E, read: (engine: E) => Promise<T>, initial: T): T {
  const [value, setValue] = useState<T>(initial);
  useEffect(() => {
    let live = true;
    const refresh = () => void read(engine).then((found) => live && setValue(found));
    refresh();
    const unsubscribe = engine.onChange(refresh);
    return () => {
      live = false;
      unsubscribe();
    };
    // `read` is a fresh closure each render; the engine alone decides what there is to read.
  }, [engine]);
  return value;
}

export function SyncStatus(props: { engine: Engine }) {
  const [status, setStatus] = useState(props.engine.status());
  useEffect(() => {
    setStatus(props.engine.status());
    return props.engine.onChange(() => setStatus(props.engine.status()));
  }, [props.engine]);
  return (
    <p class="sync-status" role="status">
      {statusText(status)}
    </p>
  );
}

function Version(props: { label: string; note: Note | null }) {
  return (
    <div class="version">
      <h3>{props.label}</h3>
      {props.note ? (
        <dl>
          <dt>Title</dt>
          <dd>{props.note.title}</dd>
          <dt>Body</dt>
          <dd>{props.note.body || '(empty)'}</dd>
          <dt>Tags</dt>
          <dd>{props.note.tags.length > 0 ? props.note.tags.map((tag) => `#${tag}`).join(' ') : '(none)'}</dd>
        </dl>
      ) : (
        <p>Deleted on this device.</p>
      )}
    </div>
  );
}

/** Every note whose change met a newer version on the server: mine and theirs side by side, keep one. */
export function Conflicts(props: { engine: Engine }) {
  const conflicts = useEngineRead(props.engine, (engine) => engine.conflicts(), []);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function keep(noteId: string, keep: 'mine' | 'theirs') {
    setBusy(noteId);
    setError(null);
    try {
      await props.engine.resolveConflict(noteId, { keep });
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(null);
    }
  }

  if (conflicts.length === 0) return null;
  return (
    <section class="conflicts" aria-labelledby="conflicts-title">
      <h2 id="conflicts-title">{conflicts.length === 1 ? 'A note changed in two places' : `${conflicts.length} notes changed in two places`}</h2>
      {conflicts.map((conflict) => (
        <article key={conflict.noteId} class="conflict" aria-label={`Conflict: ${conflict.theirs.title}`}>
          <div class="versions">
            <Version label="Mine (this device)" note={conflict.mine} />
            <Version label="Theirs (on the server)" note={conflict.theirs} />
          </div>
          <div class="actions">
            <button type="button" disabled={busy === conflict.noteId} onClick={() => void keep(conflict.noteId, 'mine')}>
              Keep mine
            </button>
            <button type="button" class="secondary" disabled={busy === conflict.noteId} onClick={() => void keep(conflict.noteId, 'theirs')}>
              Keep theirs
            </button>
          </div>
        </article>
      ))}
      <ErrorLine message={error} />
    </section>
  );
}

interface Refused {
  item: OutboxItem;
  title: string;
}

/** Changes the server refused (a validation error, a lost permission…): what it said, and try again or discard. */
export function FailedChanges(props: { engine: OutboxEngine }) {
  const refused = useEngineRead(
    props.engine,
    async (engine): Promise<Refused[]> => {
      const failed = (await engine.outbox()).filter((item) => item.status === 'failed');
      return Promise.all(failed.map(async (item) => ({ item, title: (await engine.getNote(item.noteId))?.title ?? (item.op !== 'delete' ? item.fields.title : undefined) ?? 'a note' })));
    },
    [],
  );
  const [error, setError] = useState<string | null>(null);

  async function act(work: () => Promise<void>) {
    setError(null);
    try {
      await work();
    } catch (failure) {
      setError(describeError(failure));
    }
  }

  if (refused.length === 0) return null;
  return (
    <section class="failed" aria-labelledby="failed-title">
      <h2 id="failed-title">Changes the server refused</h2>
      <ul>
        {refused.map(({ item, title }) => (
          <li key={item.seq} aria-label={`Refused: ${title}`}>
            <p>
              {item.op === 'create' ? 'New note' : item.op === 'delete' ? 'Deleting' : 'Edit of'} “{title}”: {item.error?.message ?? 'refused'}
            </p>
            <div class="actions">
              <button type="button" onClick={() => void act(() => props.engine.retry(item.seq))}>
                Try again
              </button>
              <button type="button" class="secondary" onClick={() => void act(() => props.engine.discard(item.seq))}>
                Discard change
              </button>
            </div>
          </li>
        ))}
      </ul>
      <ErrorLine message={error} />
    </section>
  );
}
