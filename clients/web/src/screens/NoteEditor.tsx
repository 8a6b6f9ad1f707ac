import { useState } from 'preact/hooks';
import { isApiError } from '@photonotes/client';
import type { Note } from '@photonotes/client';
import { ErrorLine, Field, ScreenTitle } from '../components';
import { describeError } from '../errors';
import type { NoteDraft, NotesSource } from '../notes-source';

export function parseTags(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).map((tag) => tag.replace(/^#/, '').toLowerCase()).filter(Boolean))];
}

/** Creates a note, or edits one the caller owns (`note`); a note shared with the caller is shown read-only. */
export function NoteEditor(props: { source: NotesSource; note: Note | null; readOnly: boolean; onDone: () => void }) {
  const [title, setTitle] = useState(props.note?.title ?? '');
  const [body, setBody] = useState(props.note?.body ?? '');
  const [tags, setTags] = useState(props.note?.tags.join(', ') ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const draft: NoteDraft = { title: title.trim(), body, tags: parseTags(tags) };
    try {
      if (props.note) await props.source.update(props.note.id, props.note.version, draft);
      else await props.source.create(draft);
      props.onDone();
    } catch (failure) {
      setError(isApiError(failure) && failure.status === 412 ? 'This note changed elsewhere since you opened it. Go back to see the latest version.' : describeError(failure));
      setBusy(false);
    }
  }

  const heading = props.note ? (props.readOnly ? props.note.title : 'Edit note') : 'New note';
  return (
    <main>
      <ScreenTitle>{heading}</ScreenTitle>
      <form onSubmit={submit}>
        <Field label="Title">{(id) => <input id={id} required maxLength={200} readOnly={props.readOnly} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />}</Field>
        <Field label="Body">{(id) => <textarea id={id} rows={8} maxLength={20000} readOnly={props.readOnly} value={body} onInput={(e) => setBody(e.currentTarget.value)} />}</Field>
        <Field label="Tags" hint="Separated by commas or spaces.">
          {(id) => <input id={id} aria-describedby={`${id}-hint`} readOnly={props.readOnly} value={tags} onInput={(e) => setTags(e.currentTarget.value)} />}
        </Field>
        <ErrorLine message={error} />
        <div class="actions">
          {props.readOnly ? null : (
            <button type="submit" disabled={busy}>
              {busy ? 'Saving…' : 'Save'}
            </button>
          )}
          <button type="button" class="secondary" onClick={props.onDone}>
            {props.readOnly ? 'Back' : 'Cancel'}
          </button>
        </div>
      </form>
    </main>
  );
}
