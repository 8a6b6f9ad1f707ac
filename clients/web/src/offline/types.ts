// The offline layer's records: the server's notes as last seen, the outbox of changes not yet accepted by the
// server, and the conflicts a 412 left for the person to decide.
import type { Note, NoteChange, paths } from '@photonotes/client';

export type { Note, NoteChange };

/** The feed the store follows (`/sync?scope=`); the app uses `all` (own and shared notes in one feed). */
export type SyncScope = 'own' | 'shared' | 'all';

type JsonBody<O> = O extends { requestBody: { content: { 'application/json': infer B } } } ? B : never;
/** The fields of a new note (`POST /notes` without `id`: the engine picks the id). */
export type NoteCreateFields = Omit<JsonBody<paths['/notes']['post']>, 'id'>;
/** The fields of an edit (`PATCH /notes/{id}`): only the ones given change. */
export type NoteUpdateFields = JsonBody<paths['/notes/{id}']['patch']>;

/**
 * `base` of an update: the server's values of the fields it changes, as they were when the change was made
 * against a server version. A 412 whose current note still has those values (the other change touched other
 * fields: a photo processed, a note shared from another device) is merged by sending the change again.
 */
export type OutboxChange = { op: 'create'; fields: NoteCreateFields } | { op: 'update'; fields: NoteUpdateFields; base?: Record<string, unknown> } | { op: 'delete' };

/** What the server said about a change it refused, for the UI to show. */
export interface OutboxError {
  status: number;
  code: string;
  message: string;
  details?: unknown[] | undefined;
  requestId?: string | null | undefined;
}

/**
 * One pending change. `pending`: waits to be sent (in `seq` order); `failed`: the server refused it (a
 * validation error, 403, 409…): kept with the error until the person retries (maybe edited) or discards it;
 * `conflict`: a 412, see the conflict record. A failed or conflicting change holds back the later changes of
 * the same note (they build on it); other notes go on.
 */
export type OutboxItem = OutboxChange & {
  seq: number;
  noteId: string;
  /**
   * The version the change was made against, sent as If-Match. Null for a create, and for a change queued
   * behind another pending change of the same note: it gets that one's resulting version once it is accepted.
   */
  baseVersion: number | null;
  status: 'pending' | 'failed' | 'conflict';
  error?: OutboxError | undefined;
  /** Sends that got no answer (offline, 5xx, 429), for the backoff. */
  attempts: number;
  queuedAt: string;
};

/** A 412: the local change against the server's current note, for the person to choose. */
export interface ConflictRecord {
  noteId: string;
  /** The outbox item that met the conflict. */
  seq: number;
  /** The fields the local change sets (null: the local change deletes the note), to highlight. */
  changed: NoteUpdateFields | null;
  /**
   * The note as the person sees it: the store's copy of the server's note (already `theirs` when a sync came
   * first) with the local change(s) applied, i.e. what "keep mine" produces; null when the change deletes it.
   */
  mine: Note | null;
  /** The server's current note (the 412's `details[0].current`). */
  theirs: Note;
  detectedAt: string;
}

export type Resolution = { keep: 'mine' } | { keep: 'theirs' } | { keep: 'merged'; fields: NoteUpdateFields };

/** The sync state of a note in the list the UI reads. */
export type LocalState = 'synced' | 'pending' | 'failed' | 'conflict';

/** A note as the UI shows it: the server's state with the pending changes applied. */
export type LocalNote = Note & { local: LocalState };
