import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Client, Note } from '@photonotes/client';
import { ErrorLine, Field } from '../components';
import { describeError } from '../errors';
import type { NoteEdit } from '../notes-source';
import { findUserByEmail, userNames, withoutShare, withShare } from '../sharing';

/** Sharing a note the caller owns: with a user found by e-mail, the list of who has it (to unshare), public or private. */
export function NoteSharing(props: { api: Client; note: Note; onEdit: (edit: NoteEdit) => Promise<Note> }) {
  const names = useMemo(() => userNames(props.api), [props.api]);
  const [, setNamesLoaded] = useState(0);
  const [email, setEmail] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  // The box as ticked while the change is on its way (the note says the visibility once it is made).
  const [wantPublic, setWantPublic] = useState<boolean | null>(null);
  const { sharedWith, visibility, ownerId } = props.note;

  useEffect(() => {
    let cancelled = false;
    void names.load(sharedWith).then(() => !cancelled && setNamesLoaded((n) => n + 1));
    return () => {
      cancelled = true;
    };
  }, [names, sharedWith.join(',')]);

  async function edit(change: NoteEdit, message: string) {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      await props.onEdit(change);
      setDone(message);
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  }

  async function share(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setDone(null);
    const found = await findUserByEmail(props.api, email);
    setBusy(false);
    if (!found.ok) {
      setError(found.message);
      return;
    }
    names.remember(found.user);
    const next = withShare(sharedWith, found.user.userId, ownerId);
    if (next === null) {
      setDone(found.user.userId === ownerId ? 'That is your own address.' : `Already shared with ${found.user.displayName}.`);
      return;
    }
    await edit({ sharedWith: next }, `Shared with ${found.user.displayName}.`);
    setEmail('');
  }

  return (
    <section class="note-sharing">
      <h2>Sharing</h2>
      <form onSubmit={share}>
        <Field label="Share with (e-mail)">
          {(id) => <input id={id} type="email" autoComplete="off" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />}
        </Field>
        <button type="submit" disabled={busy}>
          Share
        </button>
      </form>
      <ErrorLine message={error} />
      <p role="status">{done}</p>
      {sharedWith.length > 0 ? (
        <>
          <h3>Shared with</h3>
          <ul class="shared-with">
            {sharedWith.map((id) => (
              <li key={id}>
                <span>{names.name(id)}</span>
                <button type="button" class="secondary" disabled={busy} aria-label={`Stop sharing with ${names.name(id)}`} onClick={() => void edit({ sharedWith: withoutShare(sharedWith, id) }, `No longer shared with ${names.name(id)}.`)}>
                  Stop sharing
                </button>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p>Not shared with anyone.</p>
      )}
      <div class="check">
        <input
          id="note-public"
          type="checkbox"
          checked={wantPublic ?? visibility === 'public'}
          disabled={busy}
          aria-describedby="note-public-hint"
          onChange={(e) => {
            const isPublic = e.currentTarget.checked;
            setWantPublic(isPublic);
            void edit({ visibility: isPublic ? 'public' : 'private' }, isPublic ? 'The note is public.' : 'The note is private.').finally(() => setWantPublic(null));
          }}
        />
        <label for="note-public">Public</label>
      </div>
      <small id="note-public-hint">Anyone signed in to PhotoNotes can read a public note; only you can change it.</small>
    </section>
  );
}
