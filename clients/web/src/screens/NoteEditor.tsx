import { useState } from 'preact/hooks';
import { isApiError } from '@photonotes/client';
import type { Client, Note } from '@photonotes/client';
import { ErrorLine, Field, ScreenTitle, useSubmit } from '../components';
import { describeError } from '../errors';
import type { NoteDraft, NoteEdit, NotesSource } from '../notes-source';
import { photoViewOf } from '../photo';
import { NotePhoto, PhotoPreview } from './NotePhoto';
import { NoteSharing } from './NoteSharing';

export function parseTags(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).map((tag) => tag.replace(/^#/, '').toLowerCase()).filter(Boolean))];
}

/**
 * Creates a note, or edits one the caller owns (`note`): its text (saved with Save), and at once its photo and
 * sharing; a note shared with the caller is shown read-only.
 */
export function NoteEditor(props: { source: NotesSource; api: Client; note: Note | null; readOnly: boolean; onDone: () => void }) {
  // The note as it stands after the photo and sharing changes made here (their versions, for If-Match).
  const [current, setCurrent] = useState<Note | null>(props.note);
  const [title, setTitle] = useState(props.note?.title ?? '');
  const [body, setBody] = useState(props.note?.body ?? '');
  const [tags, setTags] = useState(props.note?.tags.join(', ') ?? '');
  const { busy, error, submit } = useSubmit(
    async () => {
      const draft: NoteDraft = { title: title.trim(), body, tags: parseTags(tags) };
      if (current) await props.source.update(current.id, current.version, draft);
      else await props.source.create(draft);
      props.onDone();
    },
    (failure) => (isApiError(failure) && failure.status === 412 ? 'This note changed elsewhere since you opened it. Go back to see the latest version.' : describeError(failure)),
  );

  async function edit(change: NoteEdit): Promise<Note> {
    if (!current) throw new Error('Save the note first.');
    const updated = await props.source.update(current.id, current.version, change);
    setCurrent(updated);
    return updated;
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
      {current && !props.readOnly ? (
        <>
          <NotePhoto api={props.api} note={current} onEdit={edit} />
          <NoteSharing api={props.api} note={current} onEdit={edit} />
        </>
      ) : null}
      {current && props.readOnly && current.photo ? <PhotoPreview view={photoViewOf(current.photo)} title={current.title} /> : null}
      {!current ? <p class="hint">Save the note to add a photo or share it.</p> : null}
    </main>
  );
}
