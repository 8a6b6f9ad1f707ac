import { useEffect, useRef, useState } from 'preact/hooks';
import type { Client, Note } from '@photonotes/client';
import { ErrorLine, Field } from '../components';
import { describeError } from '../errors';
import { photoProblem, photoTypes, photoViewOf, photoViewOfMedia, progressText, uploadPhoto, waitForMedia, type PhotoView, type XhrLike } from '../photo';
import type { NoteEdit } from '../notes-source';

/** The note's photo as it is processed or ready, or the reason it failed (read-only notes show it too). */
export function PhotoPreview(props: { view: PhotoView; title: string }) {
  const view = props.view;
  if (view.state === 'uploading') {
    return (
      <div class="photo-progress" role="status">
        <label for="photo-progress">{progressText(view.fraction)}</label>
        <progress id="photo-progress" max={100} value={Math.round(view.fraction * 100)}>
          {Math.round(view.fraction * 100)} %
        </progress>
      </div>
    );
  }
  if (view.state === 'processing') return <p role="status">Processing the photo…</p>;
  if (view.state === 'failed') return <ErrorLine message={view.message} />;
  if (view.state === 'ready') {
    const thumb = view.thumbnails.medium;
    return <img class="photo" src={thumb.url} width={thumb.width} height={thumb.height} alt={`Photo of ${props.title}`} />;
  }
  return null;
}

/** A note's photo for its owner: choose an image ("Photo"), "Add photo" uploads it, then processing and the thumbnail. */
export function NotePhoto(props: { api: Client; note: Note; onEdit: (edit: NoteEdit) => Promise<Note> }) {
  const [view, setView] = useState<PhotoView>(() => photoViewOf(props.note.photo));
  const [watching, setWatching] = useState<string | null>(props.note.photo?.status === 'pending' ? props.note.photo.key : null);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const pickThenUpload = useRef(false);
  const busy = view.state === 'uploading';

  // Processing: GET /media/{key} until the thumbnails are ready or processing failed.
  useEffect(() => {
    if (!watching) return;
    const controller = new AbortController();
    waitForMedia(props.api, watching, { signal: controller.signal })
      .then((media) => {
        if (media && !controller.signal.aborted) setView(photoViewOfMedia(media));
      })
      .catch((failure: unknown) => {
        if (!controller.signal.aborted) setView({ state: 'failed', message: describeError(failure) });
      });
    return () => controller.abort();
  }, [watching, props.api]);

  async function upload(file: File) {
    const problem = photoProblem(file);
    setError(problem);
    if (problem) return;
    const before = view;
    setView({ state: 'uploading', fraction: 0 });
    try {
      const key = await uploadPhoto({ api: props.api, xhr: () => new XMLHttpRequest() as unknown as XhrLike }, file, (fraction) => setView({ state: 'uploading', fraction }));
      await props.onEdit({ photoKey: key });
      setView({ state: 'processing' });
      setWatching(key);
      if (input.current) input.current.value = '';
    } catch (failure) {
      setView(before);
      setError(describeError(failure));
    }
  }

  function addPhoto() {
    const file = input.current?.files?.[0];
    if (file) void upload(file);
    else {
      // Nothing chosen yet: open the picker, and upload what is picked.
      pickThenUpload.current = true;
      input.current?.click();
    }
  }

  function picked() {
    const file = input.current?.files?.[0];
    if (pickThenUpload.current && file) {
      pickThenUpload.current = false;
      void upload(file);
    }
  }

  async function remove() {
    setError(null);
    try {
      await props.onEdit({ photoKey: null });
      setWatching(null);
      setView({ state: 'none' });
    } catch (failure) {
      setError(describeError(failure));
    }
  }

  return (
    <section class="note-photo">
      <h2>Photo</h2>
      <PhotoPreview view={view} title={props.note.title} />
      <Field label="Photo" hint="A JPEG, PNG or WebP image of at most 10 MB.">
        {(id) => <input id={id} ref={input} type="file" accept={photoTypes.join(',')} aria-describedby={`${id}-hint`} disabled={busy} onChange={picked} />}
      </Field>
      <ErrorLine message={error} />
      <div class="actions">
        <button type="button" disabled={busy} onClick={addPhoto}>
          Add photo
        </button>
        {view.state !== 'none' && !busy ? (
          <button type="button" class="secondary" onClick={() => void remove()}>
            Remove photo
          </button>
        ) : null}
      </div>
    </section>
  );
}
