// What the domain needs from storage, and the typed outcomes a conditional write can have.
// The DynamoDB implementation lives in adapters/notes-repository.ts; unit tests use an in-memory fake.
import type { Note, ProcessedMedia, StoredNote } from './note';

export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

export interface NotePage {
  items: Note[];
  nextCursor: string | null;
}

export type Change = { op: 'upsert'; note: Note } | { op: 'delete'; id: string; deletedAt: string };

/** Which feed GET /sync reads: the caller's notes, the notes shared with them, or both in one order. */
export type SyncScope = 'own' | 'shared' | 'all';

export interface ChangePage {
  changes: Change[];
  cursor: string;
  hasMore: boolean;
}

/**
 * The photo a write links to the note. `processed` is what the writer believed about the upload when it
 * computed the note's photo; the write fails with MediaChangedError if that is no longer true.
 */
export interface PhotoLink {
  key: string;
  processed: ProcessedMedia | null;
}

export interface ReplaceOptions {
  /** A newly referenced photo (not set when the key did not change). */
  link?: PhotoLink;
  /** A photo key the note no longer references. */
  unlinkKey?: string;
}

export interface RemoveOptions {
  /** False when the owner's account is gone: no change-feed entry and no tombstone, nobody will read them. */
  keepHistory: boolean;
}

export interface NotesRepository {
  /** Strongly consistent. */
  getNote(id: string): Promise<StoredNote | undefined>;
  /** One transaction: the note, its share entries, its change-feed entry and its photo link, or nothing. */
  insertNote(note: StoredNote, link?: PhotoLink): Promise<void>;
  /** Same, conditional on `previous.version` still being the stored one. */
  replaceNote(previous: StoredNote, next: StoredNote, options?: ReplaceOptions): Promise<void>;
  /** Same, conditional on `previous.version`; leaves a delete in the change feed and a tombstone for the id. */
  removeNote(previous: StoredNote, deletedAt: string, options?: RemoveOptions): Promise<void>;
  listOwnNotes(ownerId: string, page: PageRequest): Promise<NotePage>;
  listSharedNotes(userId: string, page: PageRequest): Promise<NotePage>;
  /** The user's feed of `scope` after `cursor`, in order (the cursor is one this scope handed to this user). */
  changesSince(userId: string, scope: SyncScope, cursor: string | undefined, limit: number): Promise<ChangePage>;
  /** Stores the processed state of an upload; returns the ids of the notes that reference it. */
  recordProcessedMedia(media: ProcessedMedia): Promise<string[]>;
  /** Ids of the owner's live notes (from the change feed, so none is missed). */
  ownNoteIds(ownerId: string): AsyncIterable<string>;
  /** Ids of other owners' notes shared with the user. */
  sharedNoteIds(userId: string): AsyncIterable<string>;
  /**
   * Removes what is left of a deleted account: its change feed (never the entry of a note still there), its shared
   * feed (closed first, so nothing is written to it afterwards) and its upload records.
   */
  purgeAccount(ownerId: string): Promise<void>;
}

/** The id is used already: by a note (of this or another owner) or by a deleted one. */
export class NoteIdTakenError extends Error {
  constructor(readonly existing: StoredNote | { deleted: true; ownerId: string }) {
    super('Note id is taken');
    this.name = 'NoteIdTakenError';
  }
}

/** The note's version is no longer the one the write was computed from; `current` is undefined when it is gone. */
export class NoteChangedError extends Error {
  constructor(readonly current: StoredNote | undefined) {
    super('Note changed since it was read');
    this.name = 'NoteChangedError';
  }
}

/** The upload's processing state is not the one the write assumed. */
export class MediaChangedError extends Error {
  constructor(readonly current: ProcessedMedia | null) {
    super('Media state changed since it was read');
    this.name = 'MediaChangedError';
  }
}

/**
 * The write lost a race that says nothing about the note: another write of the same owner went first, or the
 * store cancelled a conflicting transaction. Nothing was written; reading again and retrying is safe.
 */
export class WriteConflictError extends Error {
  constructor(options?: ErrorOptions) {
    super('The write conflicted with a concurrent one', options);
    this.name = 'WriteConflictError';
  }
}

/** The write would touch more items than one transaction may hold. */
export class ChangeTooLargeError extends Error {
  constructor(readonly itemCount: number) {
    super(`A change of ${itemCount} items does not fit in one transaction`);
    this.name = 'ChangeTooLargeError';
  }
}
